package dev.corral.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import dev.corral.RunId;
import dev.corral.machine.podman.PodmanAvailable;
import dev.corral.machine.podman.PodmanProvisioner;
import dev.corral.machine.podman.PodmanSpec;
import dev.corral.machine.podman.TestImages;
import dev.corral.results.Outcome;
import dev.corral.results.RunInfo;
import dev.corral.results.TestResult;
import dev.corral.run.Run;
import dev.corral.run.RunReport;
import dev.corral.run.TargetSpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Whole runs on real podman containers that are killed or frozen under a running test. */
@ExtendWith(PodmanAvailable.class)
class PodmanFaultsTest {
    @TempDir
    Path tmp;

    private final AtomicReference<RunId> runId = new AtomicReference<>();

    private Run.Builder run(FaultTree tree, int workers) {
        PodmanSpec spec = PodmanSpec.builder(TestImages.plain()).pull(PodmanSpec.Pull.NEVER).build();
        return Run.builder().tree(tree.root()).target(TargetSpec.of("default", ctx -> {
            runId.set(ctx.runId());
            return new PodmanProvisioner(ctx, spec);
        }, workers));
    }

    private String container(String machineId) {
        return "corral-" + runId.get().value() + "-" + machineId.substring(machineId.lastIndexOf('-') + 1);
    }

    private static void podman(String... args) throws InterruptedException {
        List<String> argv = new ArrayList<>(List.of("podman"));
        argv.addAll(List.of(args));
        RunChecks.lines(argv);
    }

    @ParameterizedTest(name = "podman {0}")
    @ValueSource(strings = {"kill", "rm -f -t 0"})
    void containerRemovedUnderATestIsAnErrorAttemptAndTheTestRunsAgainOnAFreshContainer(String how) throws Exception {
        FaultTree tree = FaultTree.write(tmp.resolve("tree"), 6,
                i -> i == 1 ? "test: echo victim-started; sleep 15" : "test: echo ok " + i);
        RunChecks checks = RunChecks.before();
        BackgroundRun bg = BackgroundRun.start(run(tree, 2), tmp.resolve("results"));
        String machine = bg.machineOf("/t01", 1);
        bg.awaitOutput("victim-started");
        List<String> args = new ArrayList<>(List.of(how.split(" ")));
        args.add(container(machine));
        podman(args.toArray(String[]::new));

        RunReport report = bg.report(Duration.ofMinutes(3));
        System.out.printf("podman %s under a test: run took %d ms%n", how, bg.took().toMillis());
        Map<String, List<TestResult>> attempts = RunChecks.accountedOnce(report.results(), tree.names());
        assertThat(report.results().finals()).extracting(TestResult::outcome).containsOnly(Outcome.PASS);
        List<TestResult> victim = attempts.get("/t01");
        assertThat(victim).hasSize(2);
        assertThat(victim.get(0)).satisfies(first -> {
            assertThat(first.outcome()).isEqualTo(Outcome.ERROR);
            assertThat(first.machine()).isEqualTo(machine);
            assertThat(String.join(" ", first.notes())).as("notes of the lost attempt").containsIgnoringCase("lost");
        });
        assertThat(victim.get(1).machine()).as("requeued on a fresh container").isNotEqualTo(machine);
        attempts.forEach((name, list) -> {
            if (!name.equals("/t01")) {
                assertThat(list).as(name).hasSize(1);
            }
        });
        assertThat(report.exitCode().code()).isZero();
        assertThat(report.dir().readRunInfo().status()).isEqualTo(RunInfo.Status.FINISHED);
        checks.assertNoLeaks(runId.get());
    }

    @Test
    void frozenContainerDoesNotHangTheRunTheTestEndsAndTheMachineIsReplaced() throws Exception {
        FaultTree tree = FaultTree.write(tmp.resolve("tree"), 4,
                i -> i == 1 ? "test: echo victim-started; sleep 8\nduration: 20s" : "test: echo ok " + i);
        RunChecks checks = RunChecks.before();
        BackgroundRun bg = BackgroundRun.start(run(tree, 2), tmp.resolve("results"));
        String machine = bg.machineOf("/t01", 1);
        bg.awaitOutput("victim-started");
        Instant frozen = Instant.now();
        podman("pause", container(machine));

        RunReport report = bg.report(Duration.ofMinutes(3));
        System.out.printf("podman pause under a test: run took %d ms%n", bg.took().toMillis());
        Map<String, List<TestResult>> attempts = RunChecks.accountedOnce(report.results(), tree.names());
        List<TestResult> victim = attempts.get("/t01");
        assertThat(victim.get(0)).satisfies(first -> {
            assertThat(first.outcome()).isEqualTo(Outcome.ERROR);
            assertThat(first.machine()).isEqualTo(machine);
            assertThat(String.join(" ", first.notes())).as("notes of the frozen attempt").contains("lost", "paused");
        });
        System.out.println("frozen attempts: " + victim);
        assertThat(report.results().finals()).filteredOn(r -> !r.name().equals("/t01"))
                .extracting(TestResult::outcome).containsOnly(Outcome.PASS);
        assertThat(report.results().attempts()).filteredOn(r -> r.start().isAfter(frozen))
                .extracting(TestResult::machine).as("the frozen machine got no other test").doesNotContain(machine);
        assertThat(victim.get(victim.size() - 1).outcome()).as("the frozen test, run again elsewhere").isEqualTo(Outcome.PASS);
        assertThat(report.dir().readRunInfo().status()).isEqualTo(RunInfo.Status.FINISHED);
        checks.assertNoLeaks(runId.get());
    }
}
