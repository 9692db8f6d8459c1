package dev.corral.machine.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.corral.Deadline;
import dev.corral.RunId;
import dev.corral.execute.PreparedMachine;
import dev.corral.machine.Capability;
import dev.corral.machine.Command;
import dev.corral.machine.ConnectionException;
import dev.corral.machine.Machine;
import dev.corral.machine.ProvisionContext;
import dev.corral.machine.ProvisionException;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The connect pool and its machines against a real sshd. */
@ExtendWith(SshTools.class)
class SshProvisionerTest {
    private static OpenSshServer server;
    private static SshConnector connector;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        server = OpenSshServer.onLoopback(false);
        connector = SshConnector.start(SshOptions.defaults().withReconnectTimeout(Duration.ofSeconds(10)));
    }

    @AfterAll
    static void stop() {
        if (connector != null) {
            connector.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static Deadline soon() {
        return Deadline.after(OpenSshServer.patience());
    }

    private ProvisionContext context() {
        return new ProvisionContext(RunId.generate(), dir.resolve("machines"));
    }

    private List<HostSpec> hostsFile(String extra) throws Exception {
        Path file = dir.resolve("hosts.yaml");
        Files.writeString(file, """
                - host: %s
                  port: %d
                  key: %s
                  host-key: %s
                %s""".formatted(server.host(), server.port(), server.ed25519Key(), server.hostKey("ed25519"), extra));
        return HostsFile.read(file, HostKeyPolicy.knownHosts(dir.resolve("known_hosts")));
    }

    private static boolean exists(Machine m, String path) throws Exception {
        try (SshConnection probe = connector.connect(server.target(), soon())) {
            return probe.exec(Command.of("test", "-d", path), soon()).succeeded();
        }
    }

    @Test
    void slotsShareTheHostAndEachMachineHasItsOwnWorkDir() throws Exception {
        ProvisionContext context = context();
        try (SshProvisioner pool = new SshProvisioner(context, hostsFile("  slots: 2\n"), connector, false)) {
            assertThat(pool.how()).isEqualTo("connect");
            assertThat(pool.capacity()).hasValue(2);
            long loginsBefore = logins();
            Machine one = pool.provision(soon());
            Machine two = pool.provision(soon());
            assertThat(one.id()).isNotEqualTo(two.id()).startsWith("127.0.0.1-" + server.port() + "-");
            assertThat(one.workDir()).isEqualTo("/var/tmp/corral-" + context.runId() + "-" + one.id());
            assertThat(logins() - loginsBefore).as("slots share one session").isEqualTo(1);
            String mode = one.connection().exec(Command.of("stat", "-c", "%a", one.workDir()), soon()).stdout().strip();
            assertThat(mode).isEqualTo("700");
            assertThat(one.capabilities()).containsExactlyInAnyOrder(Capability.ROOT, Capability.ISOLATED);
            assertThat(one.isAlive(soon())).isTrue();

            assertThatThrownBy(() -> pool.provision(soon()))
                    .isInstanceOf(ProvisionException.class).hasMessageContaining("all 2 slots");

            one.close();
            one.close();
            assertThat(exists(one, one.workDir())).isFalse();
            assertThat(two.connection().exec(Command.of("true"), soon()).succeeded()).as("shared session still open").isTrue();
            Machine three = pool.provision(soon());
            assertThat(three.id()).isNotEqualTo(one.id());
            assertThat(exists(three, two.workDir())).isTrue();
        }
        // closing the pool closed the machines still out and removed their work directories
        try (SshConnection probe = connector.connect(server.target(), soon())) {
            String left = probe.exec(Command.of("sh", "-c", "ls -d /var/tmp/corral-" + context.runId() + "-* 2>/dev/null || true"), soon()).stdout();
            assertThat(left).isEmpty();
        }
    }

    private static long logins() {
        return server.log().lines().filter(l -> l.contains("Accepted publickey")).count();
    }

    @Test
    void slotsPreparedAtOnceGetTheirFilesAndClosingOneKillsOnlyItsCommands() throws Exception {
        Path tree = Files.createDirectories(dir.resolve("tree/tests/sub"));
        Files.writeString(tree.resolve("run.sh"), "#!/bin/sh\necho run\n");
        Files.createDirectories(dir.resolve("tree/.fmf"));
        Files.writeString(dir.resolve("tree/.fmf/version"), "1\n");
        try (SshProvisioner pool = new SshProvisioner(context(), hostsFile("  slots: 3\n"), connector, false)) {
            List<Machine> machines = List.of(pool.provision(soon()), pool.provision(soon()), pool.provision(soon()));
            List<PreparedMachine> prepared = new java.util.ArrayList<>();
            try (ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<PreparedMachine>> preparing = new java.util.ArrayList<>();
                for (Machine m : machines) {
                    preparing.add(workers.submit(() -> PreparedMachine.prepare(m, dir.resolve("tree"), soon())));
                }
                for (Future<PreparedMachine> f : preparing) {
                    prepared.add(f.get(2, TimeUnit.MINUTES));
                }
            }
            for (PreparedMachine p : prepared) {
                assertThat(p.machine().connection().exec(Command.of("cat", p.treeDir() + "/tests/sub/run.sh"), soon())
                        .orThrow("cat").stdout()).isEqualTo("#!/bin/sh\necho run\n");
                assertThat(p.machine().connection().exec(Command.of("test", "-x", p.scriptsDir() + "/tmt-report-result"),
                        soon()).succeeded()).isTrue();
            }

            String pids = "/var/tmp/corral-sleepers-" + java.util.UUID.randomUUID();
            Machine observer = machines.get(2);
            observer.connection().exec(Command.of("mkdir", "-p", pids), soon()).orThrow("mkdir");
            AtomicReference<Throwable> first = new AtomicReference<>();
            AtomicReference<Throwable> second = new AtomicReference<>();
            Thread one = Thread.ofVirtual().start(() -> sleepOn(machines.get(0), pids + "/one", first));
            Thread two = Thread.ofVirtual().start(() -> sleepOn(machines.get(1), pids + "/two", second));
            await().atMost(Duration.ofSeconds(60)).until(() -> sleeping(observer, pids + "/one") && sleeping(observer, pids + "/two"));

            machines.get(0).close();
            one.join(Duration.ofSeconds(60));

            assertThat(one.isAlive()).isFalse();
            assertThat(first.get()).isInstanceOf(ConnectionException.class).hasMessageContaining("closed");
            assertThat(two.isAlive()).as("the other slot's command runs on").isTrue();
            assertThat(sleeping(observer, pids + "/two")).isTrue();
            await().atMost(Duration.ofSeconds(60)).until(() -> !sleeping(observer, pids + "/one"));
            machines.get(1).close();
            two.join(Duration.ofSeconds(60));
            assertThat(second.get()).isInstanceOf(ConnectionException.class);
            await().atMost(Duration.ofSeconds(60)).until(() -> !sleeping(observer, pids + "/two"));
            observer.connection().exec(Command.of("rm", "-rf", pids), soon()).orThrow("rm");
        }
    }

    private static void sleepOn(Machine m, String pidFile, AtomicReference<Throwable> thrown) {
        try {
            m.connection().exec(Command.of("sh", "-c", "echo $$ > \"$1\"; exec sleep 1000", "sh", pidFile), soon());
            thrown.set(new AssertionError("the command ended"));
        } catch (Throwable t) {
            thrown.set(t);
        }
    }

    /** Whether the sleep whose pid is in the file runs. */
    private static boolean sleeping(Machine observer, String pidFile) throws InterruptedException {
        return observer.connection().exec(Command.of("sh", "-c", "p=$(cat \"$1\" 2>/dev/null)"
                + " && [ -n \"$p\" ] && kill -0 \"$p\" 2>/dev/null", "sh", pidFile), soon()).succeeded();
    }

    @Test
    void rebootIsOnlyOfferedWhenAllowedAndHardRebootNeedsPowerControl() throws Exception {
        try (SshProvisioner pool = new SshProvisioner(context(), hostsFile("  reboot: true\n"), connector, false)) {
            Machine rebootable = pool.provision(soon());
            assertThat(rebootable.capabilities()).contains(Capability.REBOOT);
            assertThatThrownBy(() -> rebootable.reboot(true, soon()))
                    .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("power control");
        }
        try (SshProvisioner pool = new SshProvisioner(context(), hostsFile(""), connector, false)) {
            Machine plain = pool.provision(soon());
            assertThat(plain.can(Capability.REBOOT)).isFalse();
            assertThatThrownBy(() -> plain.reboot(false, soon()))
                    .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("reboot: true");
        }
    }

    @Test
    void aRebootThatDoesNotChangeTheBootIdIsNotTakenForOne() throws Exception {
        // the "hard reset" restarts sshd: the session drops and comes back, but the system did not reboot
        SshConnection connection = connector.connect(server.target(), soon());
        try (SshMachine machine = SshMachine.builder("fake-reboot", connection, RunId.generate())
                .allowReboot(true)
                .hardReset(deadline -> {
                    server.stop();
                    try {
                        server.start();
                    } catch (java.io.IOException e) {
                        throw new IllegalStateException(e);
                    }
                })
                .open(soon())) {
            assertThatThrownBy(() -> machine.reboot(true, Deadline.after(Duration.ofSeconds(15))))
                    .isInstanceOf(ConnectionException.class)
                    .hasMessageContaining("did not come back from the reboot");
            assertThat(machine.isAlive(soon())).isTrue();
        }
    }

    @Test
    void aKeptWorkDirSurvivesClose() throws Exception {
        try (SshConnection connection = connector.connect(server.target(), soon())) {
            SshMachine machine = SshMachine.builder("kept", connection, RunId.generate()).keepWorkDir(true)
                    .ownsConnection(false).open(soon());
            machine.close();
            assertThat(connection.exec(Command.of("test", "-d", machine.workDir()), soon()).succeeded()).isTrue();
            connection.exec(Command.of("rm", "-rf", machine.workDir()), soon()).orThrow("cleanup");
        }
    }

    @Test
    void anUnreachableHostIsSkippedAndReportedWithItsLine() throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, """
                - host: 127.0.0.1
                  port: 1
                  key: %s
                  host-key: %s
                """.formatted(server.ed25519Key(), server.hostKey("ed25519")));
        List<HostSpec> hosts = new java.util.ArrayList<>(HostsFile.read(file, HostKeyPolicy.knownHosts()));
        hosts.addAll(hostsFile(""));
        try (SshProvisioner pool = new SshProvisioner(context(), hosts, connector, false)) {
            Machine machine = pool.provision(soon());
            assertThat(machine.connection()).isInstanceOf(SshConnection.class);
            assertThat(((SshConnection) machine.connection()).target().port()).isEqualTo(server.port());
            assertThatThrownBy(() -> pool.provision(soon()))
                    .isInstanceOf(ProvisionException.class)
                    .hasMessageContaining(file + ":1: cannot connect to root@127.0.0.1:1");
        }
    }
}
