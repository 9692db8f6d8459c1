package dev.corral.machine.qemu;

import static dev.corral.execute.TestCaseBuilder.test;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.corral.Deadline;
import dev.corral.execute.Invocation;
import dev.corral.execute.PlanEnvironment;
import dev.corral.execute.PreparedMachine;
import dev.corral.execute.TestInvoker;
import dev.corral.machine.Capability;
import dev.corral.machine.Command;
import dev.corral.machine.ExecResult;
import dev.corral.results.Outcome;
import dev.corral.results.TestResult;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real VM booted from the test image the default way (BIOS, GRUB, cloud-init seed), shared by these tests:
 * commands, files, soft and hard reboots, and {@code tmt-reboot} through the real executor.
 */
@ExtendWith({QemuTools.class, SharedVm.Resolver.class})
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class QemuProvisionerTest {
    private static final Duration REBOOT = Duration.ofMinutes(12);
    private static SharedVm shared;
    private static QemuMachine vm;

    @TempDir
    Path tmp;

    @BeforeAll
    static void boot(SharedVm sharedVm) {
        shared = sharedVm;
        vm = sharedVm.machine;
    }

    private static Deadline soon() {
        return Deadline.after(Duration.ofMinutes(2));
    }

    private static String run(String... argv) throws InterruptedException {
        return vm.connection().exec(Command.of(argv), soon()).orThrow(String.join(" ", argv)).stdout().strip();
    }

    private static String bootId() throws InterruptedException {
        return vm.connection().bootId(soon());
    }

    @Test
    void theVmIsARootMachineNamedAfterItsIdWithItsHostKeysPinned() throws Exception {
        assertThat(vm.id()).matches("qemu-[0-9]+");
        assertThat(vm.vmName()).isEqualTo("corral-" + shared.context.runId() + "-" + vm.id());
        assertThat(vm.capabilities()).containsExactlyInAnyOrder(Capability.REBOOT, Capability.ROOT, Capability.ISOLATED);
        assertThat(run("hostname")).isEqualTo(vm.id());
        assertThat(run("id", "-u")).isEqualTo("0");
        assertThat(run("cloud-init", "status", "--wait")).contains("done");
        assertThat(vm.isAlive(soon())).isTrue();
        assertThat(vm.status(soon())).isEqualTo("running");

        // the host keys the VM offers are the ones its console showed, and the connection pinned
        String console = Files.readString(vm.consoleLog(), StandardCharsets.UTF_8);
        List<String> printed = ConsoleLog.hostKeys(console);
        String served = run("sh", "-c", "cat /etc/ssh/ssh_host_*_key.pub");
        assertThat(printed).isNotEmpty().allSatisfy(key -> assertThat(served).contains(key));

        // ps shows the VM by name; the accelerator is the probe's verdict
        String cmdline = Files.readString(Path.of("/proc/" + vm.pid() + "/cmdline")).replace('\0', ' ');
        assertThat(cmdline).contains("guest=" + vm.vmName());
        assertThat(vm.accelerator()).isEqualTo(KvmProbe.verdict(SharedVm.image(), soon()).usable() ? "kvm" : "tcg");
        assertThat(cmdline).contains("-accel " + vm.accelerator());

        // the private directory holds the overlay on the untouched base image, and nothing is world-readable
        assertThat(Files.getPosixFilePermissions(vm.privateDir())).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(vm.privateDir().resolve("overlay.qcow2")).exists();
        assertThat(vm.privateDir().resolve("seed.iso")).exists();
        String info = new String(new ProcessBuilder("qemu-img", "info", "-U", vm.privateDir().resolve("overlay.qcow2").toString())
                .redirectErrorStream(true).start().getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(info).contains("backing file: " + SharedVm.image());
    }

    @Test
    void filesGoUpAndComeBack() throws Exception {
        Path tree = Files.createDirectories(tmp.resolve("up/sub"));
        Files.writeString(tree.resolve("hello.txt"), "hello from the host ✓\n");
        String target = vm.workDir() + "/files";
        vm.connection().upload(tmp.resolve("up"), target, soon());
        assertThat(run("cat", target + "/sub/hello.txt")).isEqualTo("hello from the host ✓");

        run("sh", "-c", "echo made in the VM > \"$1\"/sub/back.txt", "sh", target);
        vm.connection().download(target, tmp.resolve("down"), soon());
        assertThat(tmp.resolve("down/sub/back.txt")).content().isEqualTo("made in the VM\n");
        assertThat(tmp.resolve("down/sub/hello.txt")).content().isEqualTo("hello from the host ✓\n");
    }

    @Test
    void softRebootRebootsTheOsAndReconnects() throws Exception {
        String before = bootId();
        run("touch", vm.workDir() + "/survives-reboot");

        vm.reboot(false, Deadline.after(REBOOT));

        assertThat(bootId()).isNotEqualTo(before);
        assertThat(run("ls", vm.workDir())).contains("survives-reboot");
        assertThat(run("journalctl", "--list-boots", "--no-pager")).isNotBlank();
    }

    @Test
    void hardRebootResetsThroughQmp() throws Exception {
        String before = bootId();
        long resets = vm.qmpEvents("RESET");

        vm.reboot(true, Deadline.after(REBOOT));

        assertThat(bootId()).isNotEqualTo(before);
        assertThat(vm.qmpEvents("RESET")).isGreaterThan(resets);
    }

    @Test
    void tmtRebootInATestRunsItAgainAfterTheReboot() throws Exception {
        Path tree = Files.createDirectories(tmp.resolve("tree"));
        Files.createDirectories(tree.resolve(".fmf"));
        Files.writeString(tree.resolve(".fmf/version"), "1\n");
        PreparedMachine prepared = PreparedMachine.prepare(vm, tree, Deadline.after(Duration.ofMinutes(3)));
        String script = """
                echo "run $TMT_REBOOT_COUNT boot $(cat /proc/sys/kernel/random/boot_id)"
                if [ "$TMT_REBOOT_COUNT" = 0 ]; then
                    tmt-reboot
                    # the SSH connection waits for every process holding the test's output: keep this short
                    sleep 10
                    exit 1
                fi
                [ "$TMT_REBOOT_COUNT" = 1 ]
                """;
        Path results = Files.createDirectories(tmp.resolve("results"));
        Invocation invocation = Invocation.builder(prepared, test("/vm/reboot", script).build(), 1, results)
                .planEnvironment(PlanEnvironment.empty()).runId(shared.context.runId())
                .context(Map.of("distro", List.of("debian-12"))).build();

        TestResult r = new TestInvoker().invoke(invocation, Deadline.after(REBOOT.plusMinutes(5))).main();

        assertThat(r.outcome()).as("%s", r).isEqualTo(Outcome.PASS);
        assertThat(r.extra()).containsEntry("reboot-count", 1);
        String output = Files.readString(results.resolve(r.logs().getFirst()), StandardCharsets.UTF_8);
        List<String> runs = output.lines().filter(l -> l.startsWith("run ")).toList();
        assertThat(runs).hasSize(2);
        assertThat(runs.get(0)).startsWith("run 0 boot ");
        assertThat(runs.get(1)).startsWith("run 1 boot ");
        assertThat(runs.get(1).substring(11)).isNotEqualTo(runs.get(0).substring(11));
    }

    @Test
    void commandsKeepWorkingAfterQmpQueries() throws Exception {
        ExecResult r = vm.connection().exec(Command.builder("sh", "-c", "echo $GREETING").env("GREETING", "hi").build(), soon());
        assertThat(r.stdout()).isEqualTo("hi\n");
        assertThat(vm.status(soon())).isEqualTo("running");
    }
}
