package dev.corral.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import dev.corral.machine.local.LocalProvisioner;
import dev.corral.results.Outcome;
import dev.corral.results.ResultsDir;
import dev.corral.results.RunInfo;
import dev.corral.results.RunResults;
import dev.corral.results.TestResult;
import dev.corral.run.Run;
import dev.corral.run.RunReport;
import dev.corral.run.TargetSpec;
import dev.corral.schedule.ProvisioningFailedException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Provisioning of real local machines that fails 30 % (seeded) or 100 % of the time, at the level of a run. */
class FlakyProvisioningTest {
    @TempDir
    Path tmp;

    @Test
    void thirtyPercentFailuresStillRunEveryTestExactlyOnce() throws Exception {
        // destructive: every test gets a fresh machine, so a dozen requests go through the flaky provisioner
        FaultTree tree = FaultTree.write(tmp.resolve("tree"), 10, i -> "test: echo ok " + i + "\ntag: [destructive]");
        AtomicReference<FlakyProvisioner> flaky = new AtomicReference<>();
        RunChecks checks = RunChecks.before();
        long started = System.nanoTime();
        RunReport report = Run.builder().tree(tree.root()).resultsRoot(tmp.resolve("results"))
                .target(TargetSpec.of("default", ctx -> {
                    flaky.set(new FlakyProvisioner(new LocalProvisioner(ctx, 3), 42, 0.3));
                    return flaky.get();
                }, 3))
                .build().execute();
        System.out.printf("30%% flaky provisioning: %d failed, %d provisioned, %d ms%n", flaky.get().failed.get(),
                flaky.get().provisioned.get(), (System.nanoTime() - started) / 1_000_000);

        assertThat(report.interrupted()).isFalse();
        assertThat(flaky.get().failed.get()).as("injected failures").isGreaterThanOrEqualTo(2);
        assertThat(flaky.get().provisioned.get()).as("machines").isGreaterThanOrEqualTo(10);
        RunChecks.accountedOnce(report.results(), tree.names());
        assertThat(report.results().finals()).extracting(TestResult::outcome).containsOnly(Outcome.PASS);
        assertThat(report.results().attempts()).as("a failed request is not an attempt").hasSize(10);
        assertThat(report.exitCode().code()).isZero();
        assertThat(report.dir().readRunInfo().status()).isEqualTo(RunInfo.Status.FINISHED);
        checks.assertNoLeaks(report.dir().readRunInfo().id());
    }

    @Test
    void alwaysFailingProvisionerFailsFastWithItsMessageAndRecordsEveryTestAsPending() throws Exception {
        FaultTree tree = FaultTree.write(tmp.resolve("tree"), 6, i -> "test: echo ok " + i);
        Path root = tmp.resolve("results");
        RunChecks checks = RunChecks.before();
        long started = System.nanoTime();
        assertThatThrownBy(() -> Run.builder().tree(tree.root()).resultsRoot(root)
                .target(TargetSpec.of("default", ctx -> new FlakyProvisioner(new LocalProvisioner(ctx, 2), 7, 1.0), 2))
                .build().execute())
                .isInstanceOf(ProvisioningFailedException.class)
                .hasMessageContaining(FlakyProvisioner.MESSAGE)
                .hasMessageContaining("quota exceeded")
                .hasMessageNotContaining("\n");
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        System.out.printf("100%% failing provisioning gave up after %d ms%n", took.toMillis());
        // fail fast: three consecutive failures with a 2 s, 4 s backoff, not the 20 failures of a whole run
        assertThat(took).isLessThan(Duration.ofSeconds(60));

        List<Path> dirs;
        try (Stream<Path> s = Files.list(root)) {
            dirs = s.filter(p -> p.getFileName().toString().startsWith("run-")).toList();
        }
        assertThat(dirs).hasSize(1);
        ResultsDir dir = ResultsDir.open(dirs.get(0));
        RunResults results = RunResults.read(dir);
        RunChecks.accountedOnce(results, tree.names());
        assertThat(results.finals()).extracting(TestResult::outcome).containsOnly(Outcome.PENDING);
        assertThat(results.exitCode().code()).isNotZero();
        assertThat(dir.resultsYaml()).isRegularFile();
        assertThat(dir.readRunInfo().status()).isEqualTo(RunInfo.Status.FINISHED);
        checks.assertNoLeaks(dir.readRunInfo().id());
    }
}
