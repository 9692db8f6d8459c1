package dev.corral.schedule.simulation;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.corral.schedule.Dispatcher;
import dev.corral.schedule.Policy;
import dev.corral.schedule.RunOutcome;
import dev.corral.schedule.Target;
import dev.corral.schedule.Timebase;
import dev.corral.tmt.Framework;
import dev.corral.tmt.ResultInterpretation;
import dev.corral.tmt.TestCase;

import org.apiguardian.api.API;

/**
 * The makespan experiment shared by {@code MakespanSimulationTest} and {@link MakespanBenchmark}: {@code n}
 * sleep-like tests with log-normal durations (median 10 s, sigma 0.8, fixed per test as a {@code sleep} would
 * be) on {@code machines} simulated machines that are ready at once, compared with the lower bound
 * {@code max(sum / machines, longest)}.
 */
@API(status = API.Status.EXPERIMENTAL)
public final class Makespan {
    /** The test duration distribution of the experiment. */
    public static final LogNormal DURATIONS = new LogNormal(Duration.ofSeconds(10), 0.8);

    private Makespan() {
    }

    /** How tests are dealt. */
    public enum Mode {
        /** Corral's dispatcher with the default policy (history-aware when a results root is given). */
        DYNAMIC,
        /** Tests dealt round-robin up front, as naive runners do. */
        STATIC
    }

    /**
     * One measured run.
     *
     * @param makespan   from run start to the end of the last test, in the timebase's time
     * @param lowerBound {@code max(sum of durations / machines, longest duration)}
     * @param placements {@code test@machine} in the order tests ended, to compare runs
     */
    public record Result(Duration makespan, Duration lowerBound, List<String> placements) {
        /** makespan / lower bound. */
        public double ratio() {
            return (double) makespan.toNanos() / lowerBound.toNanos();
        }
    }

    /** {@code n} sleep-like tests named {@code /sleep/001} ... in discovery order, with tmt defaults. */
    public static List<TestCase> sleepTests(int n) {
        List<TestCase> out = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
            String name = String.format("/sleep/%03d", i);
            out.add(new TestCase(name, null, null, List.of(), List.of(), null, List.of(), "sleep", "/sleep",
                    Framework.SHELL, false, List.of(), List.of(), Map.of(), TestCase.DEFAULT_DURATION, true,
                    TestCase.DEFAULT_ORDER, ResultInterpretation.RESPECT, List.of(), null, List.of(), List.of(), 1,
                    false, false, Map.of(), Map.of("test", "sleep")));
        }
        return out;
    }

    /**
     * Runs the experiment once.
     *
     * @param historyRoot where the duration history lives (read, then updated), or {@code null} for none
     * @param seed        decides the durations: the same seed gives the same tests
     */
    public static Result simulate(Mode mode, Path historyRoot, int n, int machines, long seed, Timebase time) {
        List<TestCase> tests = sleepTests(n);
        SimulatedRunner runner = SimulatedRunner.builder(time).durations(DURATIONS).seed(seed).build();
        long sum = 0;
        long longest = 0;
        for (TestCase t : tests) {
            long d = runner.duration(t.name()).toNanos();
            sum += d;
            longest = Math.max(longest, d);
        }
        Duration bound = Duration.ofNanos(Math.max((sum + machines - 1) / machines, longest));
        try (SimulatedProvisioner pool = SimulatedProvisioner.builder(time).seed(seed).build()) {
            Dispatcher.Builder b = Dispatcher.builder()
                    .target(Target.of("bench", pool, tests).withWorkers(machines))
                    .runner(runner).timebase(time).seed(seed)
                    .policy(mode == Mode.STATIC ? Policy.staticSplit() : Policy.defaults());
            if (historyRoot != null) {
                b.history(historyRoot);
            }
            RunOutcome outcome = b.build().run();
            List<String> placements = new ArrayList<>();
            for (SimulatedRunner.Run r : runner.runs()) {
                placements.add(r.test() + "@" + r.machine());
            }
            return new Result(outcome.duration(), bound, placements);
        }
    }
}
