package dev.corral.machine.podman;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.corral.Deadline;
import dev.corral.machine.Capability;
import dev.corral.machine.Command;
import dev.corral.machine.ConnectionException;
import dev.corral.machine.ExecResult;
import dev.corral.machine.Machine;
import dev.corral.machine.ProvisionException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Provisioning real containers of the offline test image: names, labels, failures, loss, interrupts, reboots. */
@ExtendWith(PodmanAvailable.class)
class PodmanProvisionerTest {
    @TempDir
    Path results;

    private TestRun run;
    private PodmanSpec plain;

    @BeforeEach
    void newRun() {
        run = new TestRun(results.resolve("machines"));
        plain = PodmanSpec.builder(TestImages.plain()).pull(PodmanSpec.Pull.NEVER).build();
    }

    @AfterEach
    void removeEverything() throws InterruptedException {
        run.close();
        assertThat(run.containers()).as("containers left by the test").isEmpty();
    }

    private static Deadline seconds(long n) {
        return Deadline.after(Duration.ofSeconds(n));
    }

    private static ExecResult sh(Machine m, String script) throws InterruptedException {
        return m.connection().exec(Command.of("sh", "-c", script), seconds(60));
    }

    private static String podman(String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("podman"));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out.strip();
    }

    @Test
    void containersAreNamedLabelledAndRemovedOnClose() throws Exception {
        PodmanProvisioner provisioner = run.provisioner(plain);
        assertThat(provisioner.how()).isEqualTo("podman");
        Machine machine = provisioner.provision(TestRun.minutes(3));
        String name = "corral-" + run.id.value() + "-1";
        assertThat(machine.id()).isEqualTo("podman-1");
        assertThat(machine.capabilities()).containsExactlyInAnyOrder(Capability.ROOT, Capability.ISOLATED, Capability.REBOOT);
        assertThat(machine.workDir()).isEqualTo(PodmanProvisioner.WORK_DIR);
        assertThat(sh(machine, "test -d " + machine.workDir() + " && id -u").stdout()).isEqualTo("0\n");
        assertThat(run.containers()).singleElement().satisfies(c -> {
            assertThat(c.name()).isEqualTo(name);
            assertThat(c.run()).isEqualTo(run.id);
            assertThat(c.machine()).isEqualTo("podman-1");
            assertThat(c.state()).isEqualTo("running");
        });
        assertThat(podman("container", "inspect", "--format", "{{index .Config.Labels \"corral.run\"}}", name))
                .isEqualTo(run.id.value());
        assertThat(machine.isAlive(seconds(30))).isTrue();
        assertThat(Files.readString(results.resolve("machines/podman-1/provision.log")))
                .contains("--name " + name).contains("ready after");

        machine.close();
        assertThat(run.containers()).isEmpty();
        assertThat(podman("container", "exists", name)).isEmpty();
        machine.close(); // idempotent
        assertThat(machine.isAlive(seconds(30))).isFalse();
        assertThatThrownBy(() -> machine.connection().exec(Command.of("true"), seconds(30)))
                .isInstanceOf(ConnectionException.class).hasMessageContaining(name);
    }

    @Test
    void missingImageWithPullNeverFailsWithPodmansMessage() {
        String image = "localhost/corral-no-such-image:" + UUID.randomUUID().toString().substring(0, 8);
        PodmanProvisioner provisioner = run.provisioner(PodmanSpec.builder(image).pull(PodmanSpec.Pull.NEVER).build());
        assertThatThrownBy(() -> provisioner.provision(TestRun.minutes(2)))
                .isInstanceOf(ProvisionException.class)
                .hasMessageContaining(image)
                .hasMessageContaining("image not known");
    }

    @Test
    void badRunOptionFailsWithPodmansMessage() {
        PodmanSpec spec = PodmanSpec.builder(plain.image()).pull(PodmanSpec.Pull.NEVER)
                .extraRunArgs(List.of("--no-such-option")).build();
        assertThatThrownBy(() -> run.provisioner(spec).provision(TestRun.minutes(2)))
                .isInstanceOf(ProvisionException.class)
                .hasMessageContaining("unknown flag: --no-such-option");
    }

    @Test
    void containerThatCannotStartFailsWithTheRuntimesMessageAndLeavesNothing() {
        // no 'sh' on the container's PATH: the OCI runtime refuses to start the keep-alive
        PodmanSpec noShell = PodmanSpec.builder(plain.image()).pull(PodmanSpec.Pull.NEVER)
                .extraRunArgs(List.of("--env", "PATH=/nowhere")).build();
        assertThatThrownBy(() -> run.provisioner(noShell).provision(TestRun.minutes(2)))
                .isInstanceOf(ProvisionException.class)
                .hasMessageContaining("cannot start a container of image")
                .hasMessageContaining("executable file not found");
    }

    @Test
    void limitsAndUserAreApplied() throws Exception {
        PodmanSpec spec = PodmanSpec.builder(plain.image()).pull(PodmanSpec.Pull.NEVER)
                .memory("256m").cpus("1").user("nobody").build();
        try (Machine machine = run.provisioner(spec).provision(TestRun.minutes(3))) {
            assertThat(machine.capabilities()).containsExactlyInAnyOrder(Capability.ISOLATED, Capability.REBOOT);
            assertThat(sh(machine, "id -un").stdout()).isEqualTo("nobody\n");
            String name = "corral-" + run.id.value() + "-1";
            assertThat(podman("container", "inspect", "--format", "{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}}", name))
                    .isEqualTo((256L << 20) + " 1000000000");
            assertThat(sh(machine, "touch " + machine.workDir() + "/mine && echo ok").stdout()).isEqualTo("ok\n");
        }
    }

    @Test
    void containerKilledMidCommandIsAConnectionLoss() throws Exception {
        for (List<String> kill : List.of(List.of("kill"), List.of("rm", "-f", "-t", "0"))) {
            Machine machine = run.provisioner(plain).provision(TestRun.minutes(3));
            String container = ((PodmanMachine) machine).container();
            String marker = machine.workDir() + "/started";
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread test = Thread.ofVirtual().start(() -> {
                try {
                    sh(machine, "touch " + marker + "; sleep 300");
                } catch (Throwable t) {
                    thrown.set(t);
                }
            });
            await().atMost(Duration.ofSeconds(60)).until(() -> sh(machine, "test -e " + marker).exitCode() == 0);
            List<String> args = new ArrayList<>(kill);
            args.add(container);
            long killed = System.nanoTime();
            podman(args.toArray(String[]::new));
            test.join(Duration.ofSeconds(60));
            Duration noticed = Duration.ofNanos(System.nanoTime() - killed);
            assertThat(test.isAlive()).isFalse();
            assertThat(thrown.get()).as("after podman " + kill).isInstanceOf(ConnectionException.class)
                    .hasMessageContaining(container).hasMessageContaining("gone");
            assertThat(noticed).as("noticed after podman " + kill).isLessThan(Duration.ofSeconds(30));
            assertThat(machine.isAlive(seconds(30))).isFalse();
            assertThatThrownBy(() -> sh(machine, "true")).isInstanceOf(ConnectionException.class);
            machine.close();
        }
    }

    @Test
    void interruptDuringProvisioningLeavesNoContainer() throws Exception {
        PodmanProvisioner provisioner = run.provisioner(plain);
        Set<String> namespaces = networkNamespaces();
        int interrupted = 0;
        for (long delay : new long[] {50, 300, 800, 1500}) {
            AtomicReference<Object> outcome = new AtomicReference<>();
            Thread worker = provisionInBackground(provisioner, outcome);
            Thread.sleep(delay);
            if (interruptAndSettle(worker, outcome, "interrupt after " + delay + " ms")) {
                interrupted++;
            }
            System.out.printf("interrupt after %d ms: %s%n", delay, outcome.get());
            assertThat(run.containers()).as("containers after an interrupt at %d ms", delay).isEmpty();
        }
        assertThat(interrupted).as("provisionings that the interrupt cut short").isPositive();
        assertNoNetworkNamespaceBeyond(namespaces);
    }

    @Test
    void anInterruptRightAfterPodmanCreatedTheNetworkNamespaceLeavesNone() throws Exception {
        // a podman run killed outright at this point leaves the namespace behind, which no podman rm removes
        PodmanProvisioner provisioner = run.provisioner(plain);
        Set<String> namespaces = networkNamespaces();
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread worker = provisionInBackground(provisioner, outcome);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(1))
                .alias("podman creates a network namespace for the container")
                .until(() -> !namespaces.containsAll(networkNamespaces()));

        interruptAndSettle(worker, outcome, "interrupt once the namespace exists");

        assertThat(run.containers()).isEmpty();
        assertNoNetworkNamespaceBeyond(namespaces);
    }

    /** Provisions on a virtual thread; the machine, or what provisioning threw, ends up in {@code outcome}. */
    private static Thread provisionInBackground(PodmanProvisioner provisioner, AtomicReference<Object> outcome) {
        return Thread.ofVirtual().start(() -> {
            try {
                outcome.set(provisioner.provision(TestRun.minutes(3)));
            } catch (Throwable t) {
                outcome.set(t);
            }
        });
    }

    /** Interrupts the provisioning and waits for it; whether the interrupt cut it short. */
    private static boolean interruptAndSettle(Thread worker, AtomicReference<Object> outcome, String when)
            throws InterruptedException {
        worker.interrupt();
        worker.join(Duration.ofSeconds(90));
        assertThat(worker.isAlive()).isFalse();
        if (outcome.get() instanceof Machine ready) {
            // provisioning won the race against the interrupt: a ready machine is fine, and closing removes it
            ready.close();
            return false;
        }
        assertThat(outcome.get()).as(when).isInstanceOf(InterruptedException.class);
        return true;
    }

    /** No network namespace is left beyond {@code before} (podman removes a container's with the container). */
    private static void assertNoNetworkNamespaceBeyond(Set<String> before) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(networkNamespaces()).as("network namespaces podman created").isSubsetOf(before));
    }

    /** The named network namespaces on this host (podman's are {@code netns-<uuid>}). */
    private static Set<String> networkNamespaces() throws IOException {
        Path dir = Path.of("/run/netns");
        if (!Files.isDirectory(dir)) {
            return Set.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    @Test
    void closingTheProvisionerRemovesItsMachines() throws Exception {
        PodmanProvisioner provisioner = run.provisioner(plain);
        Machine one = provisioner.provision(TestRun.minutes(3));
        Machine two = provisioner.provision(TestRun.minutes(3));
        assertThat(List.of(one.id(), two.id())).containsExactly("podman-1", "podman-2");
        assertThat(run.containers()).hasSize(2);
        provisioner.close();
        assertThat(run.containers()).isEmpty();
        assertThatThrownBy(() -> provisioner.provision(TestRun.minutes(1))).isInstanceOf(ProvisionException.class);
        one.close();
    }

    @Test
    void rebootRestartsThePlainContainerAndKeepsTheWorkDir() throws Exception {
        try (Machine machine = run.provisioner(plain).provision(TestRun.minutes(3))) {
            for (boolean hard : new boolean[] {false, true}) {
                assertRebootRestarts(machine, hard);
            }
        }
    }

    @Test
    void anInterruptedRebootLeavesNoNetworkNamespaceOnceTheMachineIsClosed() throws Exception {
        // podman stopped while it starts the container again leaves the new namespace behind, owned by nothing
        Set<String> namespaces = networkNamespaces();
        Machine machine = run.provisioner(plain).provision(TestRun.minutes(3));
        Set<String> running = networkNamespaces();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread reboot = Thread.ofVirtual().start(() -> {
            try {
                machine.reboot(true, TestRun.minutes(3));
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(1))
                .alias("podman creates a network namespace for the restarted container")
                .until(() -> !running.containsAll(networkNamespaces()));
        reboot.interrupt();
        reboot.join(Duration.ofSeconds(90));
        assertThat(reboot.isAlive()).isFalse();
        assertThat(failure.get()).as("the reboot finished or was interrupted")
                .satisfiesAnyOf(f -> assertThat(f).isNull(), f -> assertThat(f).isInstanceOf(InterruptedException.class));

        machine.close();

        assertThat(run.containers()).isEmpty();
        assertNoNetworkNamespaceBeyond(namespaces);
    }

    @Test
    void systemdModeBootsAndReboots() throws Exception {
        PodmanSpec spec = PodmanSpec.builder(TestImages.systemd()).pull(PodmanSpec.Pull.NEVER).systemd(true).build();
        try (Machine machine = run.provisioner(spec).provision(TestRun.minutes(5))) {
            assertThat(machine.can(Capability.REBOOT)).isTrue();
            assertThat(sh(machine, "cat /proc/1/comm").stdout()).isEqualTo("systemd\n");
            assertThat(sh(machine, "systemctl is-system-running").stdout().strip()).isIn("running", "degraded");
            for (boolean hard : new boolean[] {false, true}) {
                assertRebootRestarts(machine, hard);
                assertThat(sh(machine, "systemctl is-system-running").stdout().strip()).isIn("running", "degraded");
            }
        }
    }

    private static void assertRebootRestarts(Machine machine, boolean hard) throws Exception {
        String file = machine.workDir() + "/kept-" + hard;
        sh(machine, "echo kept > " + file).orThrow("write");
        String before = sh(machine, "cut -d' ' -f22 /proc/1/stat").orThrow("pid 1 start").stdout();
        String pid = sh(machine, "sleep 1000 >/dev/null 2>&1 & echo $!").orThrow("background").stdout().strip();
        assertThat(sh(machine, "kill -0 " + pid).exitCode()).isZero();

        machine.reboot(hard, TestRun.minutes(3));

        assertThat(sh(machine, "cat " + file).stdout()).as("work dir after reboot").isEqualTo("kept\n");
        assertThat(sh(machine, "cut -d' ' -f22 /proc/1/stat").stdout()).as("pid 1 start time").isNotEqualTo(before);
        assertThat(sh(machine, "ps -e -o pid=,args= | grep -c '[s]leep 1000'").stdout().strip())
                .as("processes from before the reboot").isEqualTo("0");
        assertThat(machine.isAlive(Deadline.after(Duration.ofSeconds(30)))).isTrue();
    }

    @Test
    void environmentValuesStayOutOfTheHostProcessList() throws Exception {
        try (Machine machine = run.provisioner(plain).provision(TestRun.minutes(3))) {
            String secret = "s3cr3t-" + UUID.randomUUID();
            String visible = "argv-marker-" + UUID.randomUUID();
            String seen = machine.workDir() + "/seen-" + UUID.randomUUID();
            Command cmd = Command.builder("sh", "-c", "printenv CORRAL_SECRET > \"$0\"; sleep 60", seen, visible)
                    .secretEnv("CORRAL_SECRET", secret).build();
            Thread worker = Thread.ofVirtual().start(() -> {
                try {
                    machine.connection().exec(cmd, seconds(120));
                } catch (InterruptedException e) {
                    // the test interrupts it once the process list was read
                }
            });
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> sh(machine, "test -s " + seen).exitCode() == 0);
                String everyCommandLine = hostCommandLines();
                // the scan sees the podman exec client and the command inside the container ...
                assertThat(everyCommandLine).contains(visible).contains("podman\0exec");
                // ... but never the value
                assertThat(everyCommandLine).doesNotContain(secret);
                assertThat(sh(machine, "cat " + seen).stdout()).isEqualTo(secret + "\n");
            } finally {
                worker.interrupt();
                worker.join(Duration.ofSeconds(60));
            }
        }
    }

    /** The command lines of every process on the host (containers' processes included), NUL-separated. */
    private static String hostCommandLines() throws IOException {
        StringBuilder all = new StringBuilder();
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(d -> d.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
                try {
                    all.append(new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8)).append('\n');
                } catch (IOException gone) {
                    // the process ended while listing
                }
            }
        }
        return all.toString();
    }
}
