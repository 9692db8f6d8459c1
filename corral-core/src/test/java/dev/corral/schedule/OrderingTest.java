package dev.corral.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.corral.results.Outcome;
import dev.corral.results.TestResult;
import dev.corral.schedule.simulation.SimulatedProvisioner;
import dev.corral.schedule.simulation.SimulatedRunner;
import dev.corral.tmt.TestCase;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OrderingTest {

    static TestResult ran(String target, String name, Duration took) {
        Instant start = Instant.parse("2030-01-01T00:00:00Z");
        return new TestResult(name, target, 1, 1, Outcome.PASS, null, List.of(), start, start.plus(took), "m-1",
                null, List.of(), List.of(), Map.of(), Map.of(), Map.of());
    }

    @Test
    void orderClassesFirstThenLongestExpectedThenUnknownInDiscoveryOrder() {
        DurationHistory history = DurationHistory.empty().record(List.of(
                ran("t", "/hist-short", Duration.ofSeconds(20)),
                ran("t", "/hist-long", Duration.ofSeconds(300)),
                ran("t", "/early", Duration.ofSeconds(1))));
        List<TestCase> tests = List.of(
                TestCases.test("/unknown-1").build(),
                TestCases.test("/hist-short").build(),
                TestCases.test("/limit-1h").duration(Duration.ofHours(1)).build(),   // expected 6 min
                TestCases.test("/unknown-2").build(),
                TestCases.test("/hist-long").build(),
                TestCases.test("/late").order(90).duration(Duration.ofHours(10)).build(),
                TestCases.test("/early").order(10).build(),
                TestCases.test("/limit-10s").duration(Duration.ofSeconds(10)).build()); // expected 1 s

        Sim sim = new Sim();
        SimulatedProvisioner pool = sim.pool().build();
        SimulatedRunner runner = sim.runner().build();
        sim.dispatcher(runner).history(history).target(Sim.target("t", pool, tests, 1)).build().run();

        assertThat(runner.runs()).extracting(SimulatedRunner.Run::test).containsExactly(
                "/early", "/limit-1h", "/hist-long", "/hist-short", "/limit-10s", "/unknown-1", "/unknown-2",
                "/late");
    }

    @Test
    void discoveryOrderingKeepsTmtOrderClasses() {
        List<ScheduledTest> tests = new ArrayList<>();
        tests.add(st(TestCases.test("/b").order(60).build(), 1, null));
        tests.add(st(TestCases.test("/a").build(), 2, Duration.ofSeconds(1)));
        tests.add(st(TestCases.test("/c").build(), 3, Duration.ofSeconds(9)));
        assertThat(Ordering.discovery().place(tests, 4)).extracting(Placement::rank).containsExactly(2, 0, 1);
        assertThat(Ordering.longestFirst().place(tests, 4)).extracting(Placement::rank).containsExactly(2, 1, 0);
    }

    @Test
    void staticSplitsDealLanesUpFront() {
        List<ScheduledTest> tests = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            tests.add(st(TestCases.test("/t" + i).build(), i, null));
        }
        assertThat(Ordering.staticRoundRobin().place(tests, 2)).extracting(Placement::lane)
                .containsExactly(0, 1, 0, 1, 0);
        assertThat(Ordering.staticContiguous().place(tests, 2)).extracting(Placement::lane)
                .containsExactly(0, 0, 0, 1, 1);
    }

    @Test
    void estimatorUsesTheMedianOfTheLastFiveThenAFractionOfAnExplicitLimit() {
        List<TestResult> runs = new ArrayList<>();
        for (int s : new int[] {1000, 1000, 10, 20, 30, 40, 50}) { // the two old outliers fall out of the window
            runs.add(ran("t", "/x", Duration.ofSeconds(s)));
        }
        DurationHistory h = DurationHistory.empty().record(runs);
        Estimator e = Estimator.defaults();
        assertThat(e.expected("t", TestCases.test("/x").build(), h)).isEqualTo(Duration.ofSeconds(30));
        assertThat(e.expected("other", TestCases.test("/x").build(), h)).isEqualTo(Duration.ofSeconds(30));
        assertThat(e.expected("t", TestCases.test("/y").duration(Duration.ofMinutes(10)).build(), h))
                .isEqualTo(Duration.ofMinutes(1));
        assertThat(e.expected("t", TestCases.test("/y").build(), h)).isNull();
    }

    @Test
    void historyIsWrittenAtTheEndOfARunAndOrdersTheNext(@TempDir Path root) throws Exception {
        List<TestCase> tests = TestCases.named("/short", "/medium", "/long");
        Sim first = new Sim();
        SimulatedRunner runner1 = first.runner().duration("/short", Duration.ofSeconds(1))
                .duration("/medium", Duration.ofSeconds(50)).duration("/long", Duration.ofSeconds(500)).build();
        first.dispatcher(runner1).history(root).target(Sim.target("t", first.pool().build(), tests, 1)).build().run();
        assertThat(runner1.runs()).extracting(SimulatedRunner.Run::test).containsExactly("/short", "/medium", "/long");

        Path file = root.resolve(DurationHistory.FILE_NAME);
        assertThat(file).exists();
        assertThat(Files.readString(file)).contains("\"/long\"").contains("500000");
        try (var leftovers = Files.list(root)) {
            assertThat(leftovers).containsExactly(file); // the temporary file was moved over, nothing else left
        }
        assertThat(DurationHistory.load(root).median("t", "/long", 5)).contains(Duration.ofSeconds(500));

        Sim second = new Sim();
        SimulatedRunner runner2 = second.runner().build();
        second.dispatcher(runner2).history(root).target(Sim.target("t", second.pool().build(), tests, 1)).build().run();
        assertThat(runner2.runs()).extracting(SimulatedRunner.Run::test).containsExactly("/long", "/medium", "/short");
        assertThat(DurationHistory.load(root).count("t", "/long")).isEqualTo(2);
    }

    @Test
    void anUnreadableHistoryIsEmpty(@TempDir Path root) throws Exception {
        Files.writeString(root.resolve(DurationHistory.FILE_NAME), "{ not json");
        assertThat(DurationHistory.load(root).median("t", "/x", 5)).isEmpty();
        assertThat(DurationHistory.load(root.resolve("missing")).tests("t")).isEmpty();
    }

    @Test
    void historyKeepsOnlyAttemptsThatRanToAnOutcome() {
        TestResult errored = new TestResult("/e", "t", 1, 1, Outcome.ERROR, null, List.of(), Instant.EPOCH,
                Instant.EPOCH.plusSeconds(9), "m", null, List.of(), List.of(), Map.of(), Map.of(), Map.of());
        TestResult skipped = new TestResult("/s", "t", 1, 1, Outcome.SKIP, null, List.of(), Instant.EPOCH,
                Instant.EPOCH, null, null, List.of(), List.of(), Map.of(), Map.of(), Map.of());
        DurationHistory h = DurationHistory.empty().record(List.of(errored, skipped, ran("t", "/p", Duration.ofSeconds(3))));
        assertThat(h.tests("t")).containsExactly("/p");
    }

    private static ScheduledTest st(TestCase t, int serial, Duration expected) {
        return new ScheduledTest("t", t, serial, Map.of(), expected);
    }
}
