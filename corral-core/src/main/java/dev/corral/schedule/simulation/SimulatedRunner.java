package dev.corral.schedule.simulation;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

import dev.corral.CorralException;
import dev.corral.Deadline;
import dev.corral.machine.ConnectionException;
import dev.corral.machine.Machine;
import dev.corral.results.Outcome;
import dev.corral.results.TestResult;
import dev.corral.schedule.MachineSession;
import dev.corral.schedule.ScheduledTest;
import dev.corral.schedule.TestRunner;
import dev.corral.schedule.Timebase;

import org.apiguardian.api.API;

/**
 * Runs tests on {@link SimulatedMachine}s by sleeping on a {@link Timebase}: each test has a fixed simulated
 * duration (log-normal from the seed and its name, the same in every run, like a {@code sleep} test), and a
 * {@link Script} can make any attempt fail, abort, kill its machine or break. Records every attempt for
 * assertions. Thread-safe.
 *
 * <pre>{@code
 * SimulatedRunner runner = SimulatedRunner.builder(time)
 *         .durations(new LogNormal(Duration.ofSeconds(10), 0.8))
 *         .script((test, attempt, machine) -> test.name().equals("/flaky") && attempt == 1
 *                 ? SimulatedAttempt.ending(Outcome.FAIL) : SimulatedAttempt.pass())
 *         .build();
 * }</pre>
 */
@API(status = API.Status.EXPERIMENTAL)
public final class SimulatedRunner implements TestRunner {

    /** Decides what an attempt does. Called on the attempt's thread; must be thread-safe. */
    @FunctionalInterface
    public interface Script {
        SimulatedAttempt attempt(ScheduledTest test, int attempt, SimulatedMachine machine);
    }

    /**
     * One attempt as it ran.
     *
     * @param target  the target
     * @param test    the test's name
     * @param attempt the attempt number
     * @param machine the machine's id
     * @param start   when it started (timebase time)
     * @param end     when it ended
     * @param fate    what happened
     */
    public record Run(String target, String test, int attempt, String machine, Instant start, Instant end,
                      SimulatedAttempt.Fate fate) {
    }

    private final Timebase time;
    private final LogNormal durations;
    private final Map<String, Duration> fixed;
    private final Script script;
    private final Duration openDelay;
    private final long seed;
    private final boolean recording;
    private final java.util.Set<Integer> failOpen;
    private int opens;
    private final List<Run> runs = new ArrayList<>();
    private final Map<String, Duration> sampled = new ConcurrentHashMap<>();
    private int sessions;

    private SimulatedRunner(Builder b) {
        this.time = b.time;
        this.durations = b.durations;
        this.fixed = Map.copyOf(b.fixed);
        this.script = b.script;
        this.openDelay = b.openDelay;
        this.seed = b.seed;
        this.recording = b.recording;
        this.failOpen = java.util.Set.copyOf(b.failOpen);
    }

    /** A runner whose tests all pass after one simulated second. */
    public static Builder builder(Timebase time) {
        return new Builder(time);
    }

    /** The simulated duration of a test: fixed if set, else log-normal from the seed and the test's name. */
    public Duration duration(String test) {
        Duration d = fixed.get(test);
        if (d != null) {
            return d;
        }
        return sampled.computeIfAbsent(test, n -> durations.sample(new Random(seed * 1_000_003L + n.hashCode())));
    }

    @Override
    public MachineSession open(Machine machine, String target, Deadline deadline) throws InterruptedException {
        if (!(machine instanceof SimulatedMachine m)) {
            throw new IllegalArgumentException("SimulatedRunner needs SimulatedMachines, got " + machine);
        }
        time.sleep(openDelay);
        synchronized (this) {
            if (failOpen.contains(++opens)) {
                throw new CorralException("simulated: copying the test tree to " + m.id() + " failed");
            }
            sessions++;
        }
        return new MachineSession() {
            @Override
            public Machine machine() {
                return m;
            }

            @Override
            public TestResult run(ScheduledTest test, int attempt, Deadline d) throws InterruptedException {
                return SimulatedRunner.this.run(m, test, attempt);
            }

            @Override
            public void close() {
            }
        };
    }

    private TestResult run(SimulatedMachine m, ScheduledTest test, int attempt) throws InterruptedException {
        SimulatedAttempt plan = script.attempt(test, attempt, m);
        Duration d = plan.duration() != null ? plan.duration() : duration(test.name());
        Instant start = time.now();
        m.enter(test.name());
        try {
            switch (plan.fate()) {
                case MACHINE_DIES, MACHINE_DIES_QUIETLY -> {
                    time.sleep(d.dividedBy(2));
                    m.kill();
                    log(test, attempt, m, start, plan.fate());
                    if (plan.fate() == SimulatedAttempt.Fate.MACHINE_DIES) {
                        throw new ConnectionException("simulated machine " + m.id() + " died");
                    }
                    return result(test, attempt, m, start, Outcome.ERROR, List.of("test output ended abruptly"));
                }
                case INFRASTRUCTURE_ERROR -> {
                    log(test, attempt, m, start, plan.fate());
                    throw new CorralException("simulated infrastructure error while running " + test.name());
                }
                case ABORT -> {
                    time.sleep(d);
                    log(test, attempt, m, start, plan.fate());
                    return result(test, attempt, m, start, Outcome.ERROR, List.of("aborted"));
                }
                case COMPLETE -> {
                    time.sleep(d);
                    if (!m.isAlive()) {
                        throw new ConnectionException("simulated machine " + m.id() + " is gone");
                    }
                    log(test, attempt, m, start, plan.fate());
                    return result(test, attempt, m, start, plan.outcome(), plan.notes());
                }
                default -> throw new IllegalStateException(plan.fate().toString());
            }
        } finally {
            m.exit();
        }
    }

    private synchronized void log(ScheduledTest t, int attempt, SimulatedMachine m, Instant start,
                                  SimulatedAttempt.Fate fate) {
        if (!recording) {
            return;
        }
        runs.add(new Run(t.target(), t.name(), attempt, m.id(), start, time.now(), fate));
    }

    private TestResult result(ScheduledTest t, int attempt, SimulatedMachine m, Instant start, Outcome outcome,
                              List<String> notes) {
        return new TestResult(t.name(), t.target(), t.serialNumber(), attempt, outcome, null, notes, start,
                time.now(), m.id(), null, List.of(), List.of(), t.context(), Map.of(), Map.of());
    }

    /** Every attempt that ran (or died), in the order they ended. */
    public synchronized List<Run> runs() {
        return List.copyOf(runs);
    }

    /** Machines prepared with {@link #open}. */
    public synchronized int sessions() {
        return sessions;
    }

    /** Configures a {@link SimulatedRunner}. */
    @API(status = API.Status.EXPERIMENTAL)
    public static final class Builder {
        private final Timebase time;
        private LogNormal durations = new LogNormal(Duration.ofSeconds(1), 0);
        private final Map<String, Duration> fixed = new HashMap<>();
        private Script script = (t, a, m) -> SimulatedAttempt.pass();
        private Duration openDelay = Duration.ZERO;
        private long seed = 1;
        private boolean recording = true;
        private final java.util.Set<Integer> failOpen = new java.util.HashSet<>();

        private Builder(Timebase time) {
            this.time = Objects.requireNonNull(time, "time must not be null");
        }

        /** Whether {@link #runs()} keeps every attempt (default true; off for big benchmarks). */
        public Builder recording(boolean on) {
            this.recording = on;
            return this;
        }

        /** Test durations drawn once per test name from this distribution. */
        public Builder durations(LogNormal distribution) {
            this.durations = Objects.requireNonNull(distribution);
            return this;
        }

        /** A fixed duration for one test. */
        public Builder duration(String test, Duration d) {
            fixed.put(test, d);
            return this;
        }

        /** What each attempt does; default: pass. */
        public Builder script(Script script) {
            this.script = Objects.requireNonNull(script);
            return this;
        }

        /** These preparations of a machine (1-based, in the order asked) fail, as a failed tree copy would. */
        public Builder failOpen(int... numbers) {
            for (int n : numbers) {
                failOpen.add(n);
            }
            return this;
        }

        /** How long preparing a machine takes (copying the tree). */
        public Builder openDelay(Duration d) {
            this.openDelay = Objects.requireNonNull(d);
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public SimulatedRunner build() {
            return new SimulatedRunner(this);
        }
    }
}
