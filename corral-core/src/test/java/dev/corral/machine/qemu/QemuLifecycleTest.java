package dev.corral.machine.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.corral.Deadline;
import dev.corral.RunId;
import dev.corral.machine.Command;
import dev.corral.machine.ConnectionException;
import dev.corral.machine.ExecResult;
import dev.corral.machine.ProvisionContext;
import dev.corral.machine.ProvisionException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * VMs of their own: a boot timeout, two VMs booting side by side (direct kernel boot), one killed under a running
 * command and one released, and the clean-up of a dead run's leftovers.
 */
@ExtendWith(QemuTools.class)
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class QemuLifecycleTest {
    @TempDir
    Path tmp;

    private ProvisionContext context() {
        return new ProvisionContext(RunId.generate(), tmp.resolve("machines"));
    }

    private static boolean running(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    @Test
    void aBootTimeoutQuotesTheConsoleAndLeavesNothing() throws Exception {
        ProvisionContext context = context();
        QemuSpec spec = SharedVm.spec().directKernelBoot(true).bootTimeout(Duration.ofSeconds(20)).build();
        Path console = context.machineDir("qemu-1").resolve("console.log");
        String header = "last lines of the serial console (" + console + "):\n";
        try (QemuProvisioner qemu = new QemuProvisioner(context, spec)) {
            assertThatThrownBy(() -> qemu.provision(Deadline.after(Duration.ofMinutes(5))))
                    .isInstanceOf(ProvisionException.class)
                    .hasMessageContaining("qemu-1 did not become ready within 20 s")
                    .hasMessageContaining(header)
                    .satisfies(e -> {
                        // how far the guest got in 20 s depends on the host: the quote is whatever the console
                        // printed last, the file's own lines without terminal escapes
                        String message = e.getMessage();
                        List<String> quoted = List.of(message.substring(message.indexOf(header) + header.length())
                                .split("\n"));
                        String printed = ConsoleLog.clean(
                                new String(Files.readAllBytes(console), StandardCharsets.UTF_8));
                        assertThat(quoted).isNotEmpty().allSatisfy(line -> {
                            assertThat(line).startsWith("  ").isNotBlank();
                            assertThat(printed).contains(line.substring(2));
                        });
                    });
        }
        assertThat(new QemuCleanup().list(context.runId())).isEmpty();
        assertThat(console).isNotEmptyFile();
    }

    @Test
    void killingQemuFailsTheRunningCommandPromptlyAndReleaseLeavesNothing() throws Exception {
        ProvisionContext context = context();
        QemuSpec spec = SharedVm.spec().directKernelBoot(true).build();
        try (QemuProvisioner qemu = new QemuProvisioner(context, spec);
             ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<QemuMachine> first = threads.submit(() -> qemu.provision(Deadline.after(SharedVm.BOOT)));
            Future<QemuMachine> second = threads.submit(() -> qemu.provision(Deadline.after(SharedVm.BOOT)));
            QemuMachine doomed = first.get();
            QemuMachine released = second.get();
            assertThat(doomed.sshPort()).isNotEqualTo(released.sshPort());
            Deadline soon = Deadline.after(Duration.ofMinutes(2));
            assertThat(doomed.connection().exec(Command.of("hostname"), soon).stdout().strip()).isEqualTo(doomed.id());
            assertThat(released.connection().exec(Command.of("hostname"), soon).stdout().strip()).isEqualTo(released.id());

            // a command runs when QEMU is killed: it fails with a ConnectionException, promptly
            Future<ExecResult> sleeping = threads.submit(() ->
                    doomed.connection().exec(Command.of("sh", "-c", "echo started; exec sleep 600"), Deadline.after(Duration.ofMinutes(15))));
            await().atMost(Duration.ofMinutes(2)).until(() -> doomed.connection()
                    .exec(Command.of("pgrep", "-x", "sleep"), Deadline.after(Duration.ofMinutes(1))).succeeded());
            long killedAt = System.nanoTime();
            ProcessHandle.of(doomed.pid()).orElseThrow().destroyForcibly();
            assertThatThrownBy(() -> sleeping.get(2, TimeUnit.MINUTES)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(ConnectionException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - killedAt)).isLessThan(Duration.ofSeconds(30));
            assertThat(doomed.isAlive(Deadline.after(Duration.ofSeconds(30)))).isFalse();
            doomed.close();
            assertThat(doomed.privateDir()).doesNotExist();

            // a normal release quits QEMU and removes overlay, seed, socket and key; the console log stays
            long pid = released.pid();
            Path dir = released.privateDir();
            assertThat(dir.resolve("overlay.qcow2")).exists();
            assertThat(dir.resolve("qmp.sock")).exists();
            released.close();
            assertThat(running(pid)).isFalse();
            assertThat(dir).doesNotExist();
            assertThat(released.consoleLog()).isNotEmptyFile();
            released.close();
        }
        assertThat(new QemuCleanup().list(context.runId())).isEmpty();
        assertThat(ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains(context.runId().value())))
                .isEmpty();
    }

    @Test
    void cleanupRemovesTheLeftoversOfDeadRunsOnly() throws Exception {
        RunId dead = new RunId("20200101-000000-dead");
        RunId live = new RunId("20200101-000000-live");
        Path deadDir = Files.createDirectories(tmp.resolve("corral-" + dead + "-qemu-7"));
        Files.writeString(deadDir.resolve("overlay.qcow2"), "not really an overlay");
        Path liveDir = Files.createDirectories(tmp.resolve("corral-" + live + "-qemu-2"));
        Files.createDirectories(tmp.resolve("corral-unrelated"));
        Process deadVm = idleQemu("corral-" + dead + "-qemu-7");
        Process liveVm = idleQemu("corral-" + live + "-qemu-2");
        try {
            QemuCleanup cleanup = new QemuCleanup(Path.of("/proc"), tmp);
            await().atMost(Duration.ofSeconds(30)).until(() -> cleanup.list(dead).size() == 1 && cleanup.list(live).size() == 1);
            assertThat(cleanup.list(dead)).containsExactly(new QemuLeftover(dead, "qemu-7", deadVm.pid(), deadDir));

            List<QemuLeftover> removed = cleanup.removeAll(dead::equals, Deadline.after(Duration.ofMinutes(1)));

            assertThat(removed).containsExactly(new QemuLeftover(dead, "qemu-7", deadVm.pid(), deadDir));
            assertThat(deadVm.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(deadDir).doesNotExist();
            assertThat(liveVm.isAlive()).isTrue();
            assertThat(liveDir).exists();
            assertThat(cleanup.list(dead)).isEmpty();
            assertThat(cleanup.list(live)).containsExactly(new QemuLeftover(live, "qemu-2", liveVm.pid(), liveDir));
        } finally {
            deadVm.destroyForcibly();
            liveVm.destroyForcibly();
        }
    }

    /** A real QEMU process named like a VM of a run, doing nothing (no machine, stopped CPU). */
    private static Process idleQemu(String name) throws Exception {
        return new ProcessBuilder(KvmProbe.QEMU, "-name", "guest=" + name + ",process=" + name, "-machine", "none",
                "-S", "-nodefaults", "-display", "none").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }
}
