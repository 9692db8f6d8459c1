package dev.corral.run;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import dev.corral.CorralException;
import dev.corral.Deadline;
import dev.corral.RunId;
import dev.corral.cleanup.Cleanup;
import dev.corral.machine.RunRegistry;
import dev.corral.execute.PlanEnvironment;
import dev.corral.machine.ProvisionContext;
import dev.corral.machine.Provisioner;
import dev.corral.report.Reports;
import dev.corral.report.timeline.MachineEventLog;
import dev.corral.results.RunCommandLine;
import dev.corral.results.Journal;
import dev.corral.results.Outcome;
import dev.corral.results.ResultsDir;
import dev.corral.results.RunInfo;
import dev.corral.results.RunResults;
import dev.corral.results.TestResult;
import dev.corral.schedule.Dispatcher;
import dev.corral.schedule.Policy;
import dev.corral.schedule.ProvisioningFailedException;
import dev.corral.schedule.RunListener;
import dev.corral.schedule.Target;
import dev.corral.secret.ActiveSecrets;
import dev.corral.secret.SecretException;
import dev.corral.secret.Secrets;
import dev.corral.tmt.DiscoveredTest;
import dev.corral.tmt.DiscoveryException;
import dev.corral.tmt.DiscoveryResult;
import dev.corral.tmt.FmfTrees;
import dev.corral.tmt.Selection;
import dev.corral.tmt.TestCase;
import dev.corral.tmt.TreeDiscovery;

import org.apiguardian.api.API;

/**
 * A whole Corral run, wired from its parts: discovery (fmf + tmt) per target, the pool {@link Dispatcher}, the
 * tmt executor, the fsynced journal and the reports. This is what {@code corral run} does, usable from Java.
 *
 * <pre>{@code
 * RunReport report = Run.builder()
 *         .tree(Path.of("tests"))
 *         .target(TargetSpec.of("default", ctx -> new LocalProvisioner(ctx, 4), 4))
 *         .listener(new RunListener() {
 *             public void testFinished(TestResult r) { System.out.println(r.outcome() + " " + r.name()); }
 *         })
 *         .build()
 *         .execute();
 * System.exit(report.exitCode().code());
 * }</pre>
 *
 * <p>Nothing is created before discovery succeeded: a broken tree fails with its {@code file:line} and leaves no
 * results directory. Once started, every attempt is journaled before it counts, and the reports are written from
 * the journal at the end, also when the run is interrupted.
 */
@API(status = API.Status.EXPERIMENTAL)
public final class Run {
    private static final Duration DISCOVERY_TIMEOUT = Duration.ofMinutes(30);

    private final Path tree;
    private final List<TargetSpec> targets;
    private final Selection selection;
    private final Path resultsRoot;
    private final Path resultsDir;
    private final Path rerunOf;
    private final Path resume;
    private final List<RunListener> listeners;
    private final Policy policy;
    private final int rerunFailed;
    private final int maxAttempts;
    private final Consumer<String> warnings;
    private final Cleanup cleanup;
    private final Secrets secrets;
    private final RunCommandLine commandLine;

    private Run(Builder b) {
        this.tree = b.tree;
        this.targets = List.copyOf(b.targets);
        this.selection = b.selection;
        this.resultsRoot = b.resultsRoot;
        this.resultsDir = b.resultsDir;
        this.rerunOf = b.rerunOf;
        this.resume = b.resume;
        this.commandLine = b.commandLine;
        this.listeners = List.copyOf(b.listeners);
        this.policy = b.policy;
        this.rerunFailed = b.rerunFailed;
        this.maxAttempts = b.maxAttempts;
        this.warnings = b.warnings;
        this.cleanup = b.cleanup != null ? b.cleanup : Cleanup.standard();
        this.secrets = b.secrets;
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Discovers, runs and reports. Blocks until every test has a final result and every machine is released.
     *
     * @return the report; when interrupted, the report of what ran (the thread's interrupt flag is set again)
     * @throws DiscoveryException           for a broken tree, plan, test or selector; nothing was created
     * @throws SecretException              when a plan's or test's variable declared secret has a value too short
     *                                      to mask; nothing was created
     * @throws ProvisioningFailedException  when a target got no machine (reports were written first)
     * @throws InterruptedException         when interrupted during discovery; nothing was created
     * @throws dev.corral.results.ResultsException when a result cannot be recorded (e.g. no space left on the
     *                                     results disk): the run stops, {@code run.json} says interrupted and the
     *                                     journal keeps every result recorded before
     */
    public RunReport execute() throws InterruptedException {
        List<String> seen = new ArrayList<>();
        Consumer<String> warn = w -> {
            seen.add(w);
            warnings.accept(w);
        };
        Map<TargetSpec, List<DiscoveryResult>> discovered = discover(warn);
        Secrets masked = secretsOf(discovered);

        RunResults earlier = resume != null ? RunResults.read(ResultsDir.open(resume)) : null;
        Map<String, Set<String>> rerun = rerunOf != null ? failedTests(RunResults.read(ResultsDir.open(rerunOf))) : null;

        ResultsDir dir;
        RunId runId;
        if (resume != null) {
            dir = ResultsDir.open(resume);
            runId = dir.readRunInfo().id();
            reapEarlierIncarnation(dir, runId);
        } else {
            runId = RunId.generate();
            dir = resultsDir != null ? ResultsDir.at(resultsDir) : ResultsDir.create(resultsRoot, runId);
            if (commandLine != null) {
                dir.writeCommandLine(commandLine);
            }
        }
        ProvisionContext context = new ProvisionContext(runId, dir.path().resolve("machines"));
        RunRegistry.Registration live = cleanup.registry().register(runId);
        ActiveSecrets.Activation logs = ActiveSecrets.activate(masked);
        try {
            reapDeadRuns(dir.path().toAbsolutePath().getParent(), runId);
            return execute(dir, runId, context, discovered, earlier, rerun, seen, masked);
        } finally {
            logs.close();
            live.close();
        }
    }

    private RunReport execute(ResultsDir dir, RunId runId, ProvisionContext context,
                              Map<TargetSpec, List<DiscoveryResult>> discovered, RunResults earlier,
                              Map<String, Set<String>> rerun, List<String> seen, Secrets masked) {

        List<Target> scheduled = new ArrayList<>();
        Map<String, TmtRunner.PlanRun> plans = new HashMap<>();
        Map<String, String> described = new LinkedHashMap<>();
        Map<String, List<String>> runContext = new LinkedHashMap<>();
        List<Provisioner> provisioners = new ArrayList<>();
        RunListener all = RunListener.all(listeners);
        if (earlier != null) {
            all.runResumed(earlier);
        }
        try {
            for (Map.Entry<TargetSpec, List<DiscoveryResult>> entry : discovered.entrySet()) {
                TargetSpec spec = entry.getKey();
                runContext.putAll(spec.context());
                for (DiscoveryResult plan : entry.getValue()) {
                    if (plan.tests().isEmpty()) {
                        continue;
                    }
                    String name = entry.getValue().size() == 1 ? spec.name() : spec.name() + "." + slug(plan.plan().name());
                    Set<String> selected = selected(name, plan, earlier, rerun);
                    if (selected != null && selected.isEmpty()) {
                        continue;
                    }
                    Provisioner provisioner = spec.provisioner().apply(context);
                    provisioners.add(provisioner);
                    List<TestCase> tests = plan.tests().stream().map(DiscoveredTest::test).toList();
                    Target target = Target.of(name, provisioner, tests)
                            .withWorkers(spec.workers())
                            .withPerMachine(spec.perMachine())
                            .withContext(spec.context());
                    scheduled.add(selected == null ? target : target.withSelection(selected));
                    plans.put(name, new TmtRunner.PlanRun(treeOf(plan), new PlanEnvironment(plan.plan().environment())));
                    described.put(name, spec.description() + " " + plan.plan().name());
                }
            }
            RunInfo info = resume != null ? dir.readRunInfo()
                    : RunInfo.started(runId, described, runContext, version());
            dir.writeRunInfo(info);
            if (scheduled.isEmpty()) {
                if (earlier != null) {
                    // resuming a run with nothing left: listeners still see it, as a run of no more tests
                    all.runStarted(0);
                    all.runFinished(false);
                }
                dir.writeRunInfo(info.ended(RunInfo.Status.FINISHED));
                return new RunReport(dir, Reports.writeAll(dir), false, seen);
            }
            return dispatch(dir, info, scheduled, plans, runId, seen, masked, earlier);
        } finally {
            provisioners.forEach(Provisioner::close);
        }
    }

    /**
     * Before resuming: refuses when the run is still alive in another process, else removes what its killed
     * process left behind (containers, VMs, test processes), which carry the same run id as the resumed run.
     */
    private void reapEarlierIncarnation(ResultsDir dir, RunId runId) throws InterruptedException {
        if (cleanup.registry().isLive(runId)) {
            throw new CorralException("cannot resume " + dir.path() + ": run " + runId + " is still running");
        }
        reap(List.of(runId), "the interrupted run");
    }

    /**
     * Removes what earlier runs under the same results root left behind when they were killed: their
     * {@code run.json} still says running, and no process holds their lock.
     */
    private void reapDeadRuns(Path root, RunId self) throws InterruptedException {
        List<RunId> dead = new ArrayList<>();
        List<ResultsDir> dirs = new ArrayList<>();
        try (var entries = java.nio.file.Files.newDirectoryStream(root, "run-*")) {
            for (Path entry : entries) {
                try {
                    ResultsDir other = ResultsDir.open(entry);
                    Optional<RunInfo> running = other.readRunInfoIfRunning();
                    if (running.isPresent() && !running.get().id().equals(self)
                            && !cleanup.registry().isLive(running.get().id())) {
                        dead.add(running.get().id());
                        dirs.add(other);
                    }
                } catch (CorralException unreadable) {
                    // not a results directory of ours, or one being created: leave it alone
                }
            }
        } catch (java.io.IOException e) {
            return;
        }
        if (dead.isEmpty()) {
            return;
        }
        reap(dead, "a killed run");
        for (ResultsDir other : dirs) {
            other.writeRunInfo(other.readRunInfo().ended(RunInfo.Status.INTERRUPTED));
        }
    }

    /** Removes the leftovers of these dead runs, each removal and failure a warning naming {@code whose}. */
    private void reap(List<RunId> runs, String whose) throws InterruptedException {
        Cleanup.Report report = cleanup.runs(runs, false, Deadline.after(Duration.ofMinutes(2)));
        report.removed().forEach(r -> warnings.accept("removed leftover of " + whose + ": " + r));
        report.failed().forEach(f -> warnings.accept("could not clean up after " + whose + ": " + f));
    }

    private RunReport dispatch(ResultsDir dir, RunInfo info, List<Target> scheduled,
                               Map<String, TmtRunner.PlanRun> plans, RunId runId, List<String> seen,
                               Secrets masked, RunResults earlier) {
        boolean interrupted = false;
        ProvisioningFailedException failed = null;
        MaskedResults masking = new MaskedResults(masked);
        RuntimeException broken = null;
        // the reports are made from what the journal holds: the earlier incarnations' lines and this run's
        List<TestResult> journaled = new ArrayList<>(earlier == null ? List.of() : earlier.attempts());
        try (Journal journal = dir.openJournal(); MachineEventLog machines = MachineEventLog.open(dir)) {
            List<RunListener> all = new ArrayList<>();
            listeners.forEach(l -> all.add(masking.listener(l)));
            all.add(masking.listener(machines));
            RunListener listener = RunListener.all(all);
            Dispatcher.Builder dispatcher = Dispatcher.builder()
                    .runner(new TmtRunner(plans, dir.path(), runId, listener, masked, r -> journal.append(masking.mask(r))))
                    .sink(r -> journal.append(masking.mask(r)))
                    .policy(policy)
                    .rerunFailed(rerunFailed)
                    .maxAttempts(maxAttempts);
            Path parent = dir.path().toAbsolutePath().normalize().getParent();
            if (parent != null && parent.equals(resultsRoot.toAbsolutePath().normalize())) {
                // the history lives in the results root; a directory chosen elsewhere (--results) writes only itself
                dispatcher.history(parent);
            }
            scheduled.forEach(dispatcher::target);
            all.forEach(dispatcher::listener);
            try {
                interrupted = dispatcher.build().run().interrupted();
            } catch (ProvisioningFailedException e) {
                failed = e;
                interrupted = e.outcome() != null && e.outcome().interrupted();
            }
            journaled.addAll(journal.appended());
        } catch (RuntimeException e) {
            // e.g. the journal cannot be written (disk full): the run stopped before every test had its result
            broken = e;
            throw e;
        } finally {
            // reports are written even when the run was interrupted: clear the flag for the file work, set it again
            interrupted |= Thread.interrupted();
            boolean unfinished = interrupted || broken != null;
            try {
                dir.writeRunInfo(info.ended(unfinished ? RunInfo.Status.INTERRUPTED : RunInfo.Status.FINISHED));
            } catch (RuntimeException e) {
                if (broken == null) {
                    throw e;
                }
                broken.addSuppressed(e); // the first failure (often the same full disk) is the one to report
            }
        }
        RunResults results = RunResults.of(journaled);
        Reports.writeAll(dir, results);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failed != null) {
            throw failed;
        }
        return new RunReport(dir, results, interrupted, seen);
    }

    private Map<TargetSpec, List<DiscoveryResult>> discover(Consumer<String> warn) throws InterruptedException {
        if (targets.isEmpty()) {
            throw new CorralException("a run needs at least one target");
        }
        Set<String> names = new HashSet<>();
        FmfTrees fmf = new FmfTrees();
        Map<TargetSpec, List<DiscoveryResult>> found = new LinkedHashMap<>();
        Deadline deadline = Deadline.after(DISCOVERY_TIMEOUT);
        for (TargetSpec spec : targets) {
            if (!names.add(spec.name())) {
                throw new CorralException("target name '" + spec.name() + "' is used twice");
            }
            found.put(spec, TreeDiscovery.discover(fmf, tree, spec.context(), selection, warn, deadline));
        }
        return found;
    }

    /**
     * The run's secrets plus the values that plans and tests give to variables declared secret.
     *
     * @throws SecretException when such a value is too short to mask
     */
    private Secrets secretsOf(Map<TargetSpec, List<DiscoveryResult>> discovered) {
        Secrets all = secrets;
        for (List<DiscoveryResult> plans : discovered.values()) {
            for (DiscoveryResult plan : plans) {
                all = withDeclared(all, plan.plan().environment(), "plan " + plan.plan().name());
                for (DiscoveredTest test : plan.tests()) {
                    all = withDeclared(all, test.test().environment(), "test " + test.name());
                }
            }
        }
        return all;
    }

    private static Secrets withDeclared(Secrets secrets, Map<String, String> environment, String where) {
        Secrets all = secrets;
        for (Map.Entry<String, String> e : environment.entrySet()) {
            if (all.names().contains(e.getKey())) {
                try {
                    all = all.withValue(e.getKey(), e.getValue());
                } catch (SecretException bad) {
                    throw new SecretException(where + ": " + bad.getMessage());
                }
            }
        }
        return all;
    }

    /** Tests of this target to run: all ({@code null}), those without a final result, or those that failed. */
    private static Set<String> selected(String target, DiscoveryResult plan, RunResults earlier,
                                        Map<String, Set<String>> rerun) {
        Set<String> tests = null;
        if (rerun != null) {
            // a failed result of a custom or restraint entry (<test>/<entry>) reruns its test
            Set<String> names = new HashSet<>();
            plan.tests().forEach(t -> names.add(t.name()));
            tests = new HashSet<>();
            for (String failed : rerun.getOrDefault(target, Set.of())) {
                String test = failed;
                while (!names.contains(test) && test.lastIndexOf('/') > 0) {
                    test = test.substring(0, test.lastIndexOf('/'));
                }
                tests.add(names.contains(test) ? test : failed);
            }
        }
        if (earlier != null) {
            // resuming (a rerun too): what has a final result in the interrupted run is kept
            Set<String> left = new HashSet<>();
            for (DiscoveredTest test : plan.tests()) {
                if ((tests == null || tests.contains(test.name())) && !earlier.hasFinal(target, test.name())) {
                    left.add(test.name());
                }
            }
            return left;
        }
        return tests;
    }

    /** The tests whose final outcome was fail or error, per target. */
    private static Map<String, Set<String>> failedTests(RunResults results) {
        Map<String, Set<String>> failed = new HashMap<>();
        for (TestResult r : results.finals()) {
            if (r.outcome() == Outcome.FAIL || r.outcome() == Outcome.ERROR) {
                failed.computeIfAbsent(r.target(), t -> new HashSet<>()).add(r.name());
            }
        }
        return failed;
    }

    /** The one tree a plan's tests run from; plans mixing trees (several remote phases) are refused. */
    private static Path treeOf(DiscoveryResult plan) {
        Set<Path> trees = new HashSet<>();
        plan.tests().forEach(t -> trees.add(t.treeRoot()));
        if (trees.size() > 1) {
            throw new DiscoveryException("plan " + plan.plan().name() + " takes tests from " + trees.size()
                    + " different trees (" + trees + "); corral runs one tree per plan: split the plan");
        }
        return trees.iterator().next();
    }

    private static String slug(String planName) {
        String s = planName.replaceAll("[^A-Za-z0-9._-]+", "-").replaceAll("^-+|-+$", "");
        return s.isEmpty() ? "plan" : s.toLowerCase(Locale.ROOT);
    }

    private static String version() {
        String v = Run.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** Collects the parts of a {@link Run}; not thread-safe. */
    public static final class Builder {
        private Path tree = Path.of(".");
        private final List<TargetSpec> targets = new ArrayList<>();
        private Selection selection = Selection.all();
        private Path resultsRoot = ResultsDir.DEFAULT_PARENT;
        private Path resultsDir;
        private Path rerunOf;
        private Path resume;
        private final List<RunListener> listeners = new ArrayList<>();
        private Policy policy = Policy.defaults();
        private int rerunFailed;
        private int maxAttempts = 2;
        private Consumer<String> warnings = w -> { };
        private Cleanup cleanup;
        private Secrets secrets = Secrets.none();
        private RunCommandLine commandLine;

        private Builder() {
        }

        /**
         * Secret variables every test gets (like plan variables, they win over the test's and plan's own) and
         * names whose values in a test's or plan's {@code environment} are secret. Their values are masked as
         * {@code ***} in output files, collected files, the journal, reports, listener events and log messages;
         * default: none.
         */
        public Builder secrets(Secrets values) {
            this.secrets = Objects.requireNonNull(values, "secrets must not be null");
            return this;
        }

        /**
         * How the run registers itself as live and removes what killed runs under the same results root left
         * behind; default {@link Cleanup#standard()}.
         */
        public Builder cleanup(Cleanup reaping) {
            this.cleanup = Objects.requireNonNull(reaping, "cleanup must not be null");
            return this;
        }

        /** The FMF tree (its root or a directory inside it); default: the current directory. */
        public Builder tree(Path path) {
            this.tree = Objects.requireNonNull(path, "tree must not be null");
            return this;
        }

        /** Adds a target; at least one is required, names must differ. */
        public Builder target(TargetSpec target) {
            targets.add(Objects.requireNonNull(target, "target must not be null"));
            return this;
        }

        /** Which plans and tests run; default: all. */
        public Builder selection(Selection what) {
            this.selection = Objects.requireNonNull(what, "selection must not be null");
            return this;
        }

        /** Where {@code run-<id>} directories and {@code latest} go; default {@code ./corral-results}. */
        public Builder resultsRoot(Path root) {
            this.resultsRoot = Objects.requireNonNull(root, "resultsRoot must not be null");
            return this;
        }

        /** An explicit results directory instead of {@code <root>/run-<id>}. */
        public Builder resultsDir(Path dir) {
            this.resultsDir = dir;
            return this;
        }

        /** Runs only the tests whose final outcome was fail or error in that earlier results directory. */
        public Builder rerunFailedOf(Path earlierResults) {
            this.rerunOf = earlierResults;
            return this;
        }

        /**
         * Continues an interrupted run in its own directory: tests with a final result are kept, the rest run (of
         * an interrupted rerun, give its {@link #rerunFailedOf} too: the rest of the rerun runs). Listeners get the
         * journal's results first ({@link RunListener#runResumed}); {@code runStarted} then counts the tests left,
         * and is called with 0 when none is.
         */
        public Builder resume(Path interruptedResults) {
            this.resume = interruptedResults;
            return this;
        }

        /**
         * Records how the run was started in its results directory ({@code command.json}), for tools that resume
         * it; never pass secret values in it. Not recorded when resuming.
         */
        public Builder commandLine(RunCommandLine command) {
            this.commandLine = command;
            return this;
        }

        /** Adds a listener (progress display, user code); listener failures never break the run. */
        public Builder listener(RunListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener must not be null"));
            return this;
        }

        /** The dispatcher's pluggable decisions; default {@link Policy#defaults()} (longest expected first). */
        public Builder policy(Policy decisions) {
            this.policy = Objects.requireNonNull(decisions, "policy must not be null");
            return this;
        }

        /** Failed and errored tests run again up to {@code n} times (default 0). */
        public Builder rerunFailed(int n) {
            this.rerunFailed = n;
            return this;
        }

        /** Attempts a test gets when machines are lost under it (default 2). */
        public Builder maxAttempts(int n) {
            this.maxAttempts = n;
            return this;
        }

        /** Receives discovery warnings (unknown keys, unsupported options); default: dropped. */
        public Builder warnings(Consumer<String> sink) {
            this.warnings = Objects.requireNonNull(sink, "warnings must not be null");
            return this;
        }

        /** The run. */
        public Run build() {
            if (resume != null && resultsDir != null) {
                throw new CorralException("resume continues its own results directory: it cannot be combined with"
                        + " another results directory");
            }
            return new Run(this);
        }
    }
}
