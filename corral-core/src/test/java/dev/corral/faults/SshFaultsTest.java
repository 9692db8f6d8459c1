package dev.corral.faults;

import static org.assertj.core.api.Assertions.assertThat;

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

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Whole runs on a real sshd in a network namespace whose link is cut under a running test. */
@ExtendWith(SshTools.class)
class SshFaultsTest {
    private static final SshOptions FAST = SshOptions.defaults()
            .withKeepalive(Duration.ofSeconds(1), 3)
            .withConnectTimeout(Duration.ofSeconds(5))
            .withReconnectTimeout(Duration.ofSeconds(60));

    @TempDir
    Path tmp;

    @Test
    void cutLinkLosesTheRunningTestWhichRunsAgainWhenTheLinkIsBack() throws Exception {
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
            server.netns().linkDown();
            TestResult lost = bg.finished("/t01", 1);
            System.out.printf("link cut noticed after %d ms: %s%n", (System.nanoTime() - cut) / 1_000_000, lost.notes());
            server.netns().linkUp();

            RunReport report = bg.report(Duration.ofMinutes(3));
            System.out.printf("ssh link cut under a test: run took %d ms%n", bg.took().toMillis());
            Map<String, List<TestResult>> attempts = RunChecks.accountedOnce(report.results(), tree.names());
            assertThat(lost.outcome()).isEqualTo(Outcome.ERROR);
            assertThat(lost.machine()).isEqualTo(machine);
            assertThat(String.join(" ", lost.notes())).as("notes of the cut attempt")
                    .contains("lost").contains(server.target().host());
            assertThat(attempts.get("/t01")).hasSize(2).last().extracting(TestResult::outcome).isEqualTo(Outcome.PASS);
            assertThat(report.results().finals()).extracting(TestResult::outcome).containsOnly(Outcome.PASS);
            assertThat(report.exitCode().code()).isZero();
            assertThat(report.dir().readRunInfo().status()).isEqualTo(RunInfo.Status.FINISHED);
        }
        assertThat(RunChecks.lines(List.of("ip", "netns", "list"))).noneMatch(l -> l.startsWith(netns + " ") || l.equals(netns));
        checks.assertNoLeaks(runId.get());
    }
}
