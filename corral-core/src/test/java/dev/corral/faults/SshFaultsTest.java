package dev.corral.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import dev.corral.RunId;
import dev.corral.machine.ssh.HostSpec;
import dev.corral.machine.ssh.OpenSshServer;
import dev.corral.machine.ssh.SshOptions;
import dev.corral.machine.ssh.SshProvisioner;
import dev.corral.machine.ssh.SshTools;
import dev.corral.results.Outcome;
import dev.corral.results.RunInfo;
import dev.corral.results.TestResult;
import dev.corral.run.Run;
import dev.corral.run.RunReport;
import dev.corral.run.TargetSpec;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Whole runs on a real sshd in a network namespace made unreachable under a running test: its link cut, or every
 * sshd process stopped (a hung host: the TCP connection stays up, nothing answers). Keepalive notices either.
 */
@ExtendWith(SshTools.class)
class SshFaultsTest {
    private static final SshOptions FAST = SshOptions.defaults()
            .withKeepalive(Duration.ofSeconds(1), 3)
            .withConnectTimeout(Duration.ofSeconds(5))
            .withReconnectTimeout(Duration.ofSeconds(60));

    @TempDir
    Path tmp;

    /** How the server is made unreachable and brought back. */
    enum Fault {
        /** The veth link set down: packets are lost, nobody is told. */
        LINK_CUT {
            @Override
            void inject(OpenSshServer server) {
                server.netns().linkDown();
            }

            @Override
            void heal(OpenSshServer server) {
                server.netns().linkUp();
            }
        },
        /** Every sshd process (listener and sessions) stopped with SIGSTOP: connected, but nobody answers. */
        SSHD_STOPPED {
            @Override
            void inject(OpenSshServer server) throws InterruptedException {
                signalSshd(server, "STOP");
            }

            @Override
            void heal(OpenSshServer server) throws InterruptedException {
                signalSshd(server, "CONT");
            }
        };

        abstract void inject(OpenSshServer server) throws InterruptedException;

        abstract void heal(OpenSshServer server) throws InterruptedException;

        private static void signalSshd(OpenSshServer server, String signal) throws InterruptedException {
            for (String pid : RunChecks.lines(List.of("ip", "netns", "pids", server.netns().name()))) {
                String comm;
                try {
                    comm = Files.readString(Path.of("/proc", pid.strip(), "comm")).strip();
                } catch (IOException gone) {
                    continue;
                }
                if (comm.startsWith("sshd")) {
                    RunChecks.lines(List.of("kill", "-" + signal, pid.strip()));
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void unreachableServerLosesTheRunningTestWhichRunsAgainWhenTheServerIsBack(Fault fault) throws Exception {
        FaultTree tree = FaultTree.write(tmp.resolve("tree"), 5,
                i -> i == 1 ? "test: echo victim-started; sleep 10" : "test: echo ok " + i);
        AtomicReference<RunId> runId = new AtomicReference<>();
        RunChecks checks = RunChecks.before();
        String netns;
        try (OpenSshServer server = OpenSshServer.inNamespace()) {
            netns = server.netns().name();
            HostSpec host = new HostSpec(server.target(), 2, false, "test sshd in " + netns);
            Run.Builder builder = Run.builder().tree(tree.root()).target(TargetSpec.of("default", ctx -> {
                runId.set(ctx.runId());
                return new SshProvisioner(ctx, List.of(host), FAST, false);
            }, 2));
            BackgroundRun bg = BackgroundRun.start(builder, tmp.resolve("results"));
            String machine = bg.machineOf("/t01", 1);
            bg.awaitOutput("victim-started");
            long cut = System.nanoTime();
            fault.inject(server);
            TestResult lost = bg.finished("/t01", 1);
            System.out.printf("%s noticed after %d ms: %s%n", fault, (System.nanoTime() - cut) / 1_000_000,
                    lost.notes());
            fault.heal(server);

            RunReport report = bg.report(Duration.ofMinutes(3));
            System.out.printf("%s under a test: run took %d ms%n", fault, bg.took().toMillis());
            Map<String, List<TestResult>> attempts = RunChecks.accountedOnce(report.results(), tree.names());
            assertThat(lost.outcome()).isEqualTo(Outcome.ERROR);
            assertThat(lost.machine()).isEqualTo(machine);
            assertThat(String.join(" ", lost.notes())).as("notes of the lost attempt")
                    .contains("lost the SSH connection to root@" + server.target().host());
            assertThat(attempts.get("/t01")).hasSize(2).last().extracting(TestResult::outcome).isEqualTo(Outcome.PASS);
            assertThat(report.results().finals()).extracting(TestResult::outcome).containsOnly(Outcome.PASS);
            assertThat(report.exitCode().code()).isZero();
            assertThat(report.dir().readRunInfo().status()).isEqualTo(RunInfo.Status.FINISHED);
        }
        assertThat(RunChecks.lines(List.of("ip", "netns", "list"))).noneMatch(l -> l.startsWith(netns + " ") || l.equals(netns));
        checks.assertNoLeaks(runId.get());
    }
}
