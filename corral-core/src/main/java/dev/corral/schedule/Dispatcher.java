package dev.corral.schedule;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import org.apiguardian.api.API;

/**
 * The pool scheduler: keeps every machine of every target busy until the end, so that a run finishes near
 * {@code max(sum of durations / machines, longest test)}.
 *
 * <p>How it decides:
 * <ul>
 *   <li><b>Dispatch.</b> The next test goes to the first free machine slot, in the {@link Policy#ordering()}
 *       order (by default tmt {@code order} classes, then longest expected duration first, from the
 *       {@link DurationHistory} of earlier runs). {@code perMachine} tests run at once on a machine;
 *       {@code extra-exclusive} (and destructive) tests run alone on theirs.</li>
 *   <li><b>Machines.</b> Requested in parallel; each takes tests the moment it is ready. Never more than the
 *       remaining work can use ({@code ceil(unfinished / perMachine)}, at most {@code workers}); idle machines
 *       are released at the tail. Failed requests are retried with exponential backoff and jitter
 *       ({@link Provisioning}).</li>
 *   <li><b>Dependencies.</b> {@code extra-depends} (a DAG, checked before anything is provisioned): a test
 *       starts after its dependencies passed; otherwise it ends as {@code skip} naming the dependency.
 *       {@code extra-same-machine: true} runs it on the machine that ran its (first) dependency.</li>
 *   <li><b>Replacement.</b> After a destructive test ({@code tag: destructive}, {@code extra-destructive}) or an
 *       infrastructure error the machine is released and replaced. A lost machine's attempt is recorded as
 *       {@code error} and the test requeued elsewhere, up to {@code maxAttempts}.</li>
 *   <li><b>Re-runs.</b> With {@code rerunFailed(n)}, failed and errored tests run again up to {@code n} times,
 *       on another machine when there is one; every attempt reaches the sink, the last one is final.</li>
 *   <li><b>Abort.</b> A test that calls {@code tmt-abort} stops its target: tests not yet started end as
 *       {@code pending} with a note, as in tmt.</li>
 *   <li><b>Cancellation.</b> Interrupting the thread in {@link #run()} stops dispatching, cancels provisioning,
 *       interrupts running attempts (recorded as {@code error}, note {@code interrupted}), records the rest as
 *       {@code pending}, releases every machine in parallel and returns with
 *       {@link RunOutcome#interrupted()} set and the thread's interrupt flag set again.</li>
 * </ul>
 * Nothing is lost silently: every selected test ends with at least one result in the sink and in the
 * {@link RunOutcome}.
 *
 * <pre>{@code
 * RunOutcome outcome = Dispatcher.builder()
 *         .target(Target.of("f40", podman, tests).withWorkers(8).withPerMachine(2))
 *         .runner(executor)                 // dev.corral.execute adapter implementing TestRunner
 *         .sink(journal::append)
 *         .listener(progress)
 *         .rerunFailed(1)
 *         .history(resultsRoot)             // longest-first from earlier runs
 *         .build()
 *         .run();
 * }</pre>
 *
 * <p>A dispatcher is immutable; each {@link #run()} is independent. {@link #run()} blocks the calling thread,
 * which coordinates; tests, provisioning and releases run on virtual threads of the {@link Timebase}.
 */
@API(status = API.Status.EXPERIMENTAL)
public final class Dispatcher {
    private final List<Target> targets;
    private final TestRunner runner;
    private final ResultSink sink;
    private final List<RunListener> listeners;
    private final Policy policy;
    private final Provisioning provisioning;
    private final int rerunFailed;
    private final int maxAttempts;
    private final Path historyRoot;
    private final DurationHistory history;
    private final Timebase timebase;
    private final long seed;

    private Dispatcher(Builder b) {
        this.targets = List.copyOf(b.targets);
        this.runner = b.runner;
        this.sink = b.sink;
        this.listeners = List.copyOf(b.listeners);
        this.policy = b.policy;
        this.provisioning = b.provisioning;
        this.rerunFailed = b.rerunFailed;
        this.maxAttempts = b.maxAttempts;
        this.historyRoot = b.historyRoot;
        this.history = b.history;
        this.timebase = b.timebase;
        this.seed = b.seed;
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs every selected test of every target and returns when all have a final result and every machine is
     * released. Dependency and selection errors are reported before anything is provisioned.
     *
     * @throws ScheduleException             for a dependency cycle, an unknown dependency or selected test
     * @throws ProvisioningFailedException   when a target got no machine; its tests were recorded as pending and
     *                                       the other targets ran to the end
     * @throws RuntimeException              what the {@link ResultSink} threw, after the run was wound down
     */
    public RunOutcome run() {
        DurationHistory known = history != null ? history
                : historyRoot != null ? DurationHistory.load(historyRoot) : DurationHistory.empty();
        Coordinator run = new Coordinator(this, known);
        try {
            return run.run();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("unexpected checked exception from the timebase", e);
        }
    }

    List<Target> targets() {
        return targets;
    }

    TestRunner runner() {
        return runner;
    }

    ResultSink sink() {
        return sink;
    }

    List<RunListener> listeners() {
        return listeners;
    }

    Policy policy() {
        return policy;
    }

    Provisioning provisioning() {
        return provisioning;
    }

    int rerunFailed() {
        return rerunFailed;
    }

    int maxAttempts() {
        return maxAttempts;
    }

    Path historyRoot() {
        return historyRoot;
    }

    Timebase timebase() {
        return timebase;
    }

    long seed() {
        return seed;
    }

    /** Collects the parts of a {@link Dispatcher}; not thread-safe. */
    @API(status = API.Status.EXPERIMENTAL)
    public static final class Builder {
        private final List<Target> targets = new ArrayList<>();
        private TestRunner runner;
        private ResultSink sink = ResultSink.discard();
        private final List<RunListener> listeners = new ArrayList<>();
        private Policy policy = Policy.defaults();
        private Provisioning provisioning = Provisioning.defaults();
        private int rerunFailed;
        private int maxAttempts = 2;
        private Path historyRoot;
        private DurationHistory history;
        private Timebase timebase = Timebase.system();
        private long seed = System.nanoTime();

        private Builder() {
        }

        /** Adds a target (a pool with its tests); at least one is required, names must differ. */
        public Builder target(Target target) {
            targets.add(Objects.requireNonNull(target, "target must not be null"));
            return this;
        }

        /** The executor seam; required. */
        public Builder runner(TestRunner runner) {
            this.runner = Objects.requireNonNull(runner, "runner must not be null");
            return this;
        }

        /** Where every attempt goes before it counts as finished (the journal); default: discard. */
        public Builder sink(ResultSink sink) {
            this.sink = Objects.requireNonNull(sink, "sink must not be null");
            return this;
        }

        /** Adds a listener. */
        public Builder listener(RunListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener must not be null"));
            return this;
        }

        /** The pluggable decisions; default {@link Policy#defaults()}. */
        public Builder policy(Policy policy) {
            this.policy = Objects.requireNonNull(policy, "policy must not be null");
            return this;
        }

        /** How machines are requested and retried; default {@link Provisioning#defaults()}. */
        public Builder provisioning(Provisioning provisioning) {
            this.provisioning = Objects.requireNonNull(provisioning, "provisioning must not be null");
            return this;
        }

        /** How many times a failed or errored test is run again (default 0). */
        public Builder rerunFailed(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("rerunFailed must be >= 0, was " + n);
            }
            this.rerunFailed = n;
            return this;
        }

        /** How many attempts a test gets when machines are lost under it (default 2). */
        public Builder maxAttempts(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxAttempts must be >= 1, was " + n);
            }
            this.maxAttempts = n;
            return this;
        }

        /**
         * Reads the duration history under this results root before the run and writes it back, updated,
         * after the run ({@code <root>/.corral-history.json}).
         */
        public Builder history(Path resultsRoot) {
            this.historyRoot = Objects.requireNonNull(resultsRoot, "resultsRoot must not be null");
            return this;
        }

        /** Orders by this history instead of one read from {@link #history(Path)}; it is not saved. */
        public Builder history(DurationHistory known) {
            this.history = Objects.requireNonNull(known, "history must not be null");
            return this;
        }

        /** The clock and threads; default {@link Timebase#system()}. Simulations pass a virtual one. */
        public Builder timebase(Timebase timebase) {
            this.timebase = Objects.requireNonNull(timebase, "timebase must not be null");
            return this;
        }

        /** Seeds the backoff jitter, for reproducible simulations. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Checks the parts and builds the dispatcher.
         *
         * @throws IllegalStateException when no target or runner is given, or two targets share a name
         */
        public Dispatcher build() {
            if (targets.isEmpty()) {
                throw new IllegalStateException("a dispatcher needs at least one target");
            }
            if (runner == null) {
                throw new IllegalStateException("a dispatcher needs a runner");
            }
            Set<String> names = new HashSet<>();
            for (Target t : targets) {
                if (!names.add(t.name())) {
                    throw new IllegalStateException("two targets are named '" + t.name() + "'");
                }
            }
            return new Dispatcher(this);
        }
    }
}
