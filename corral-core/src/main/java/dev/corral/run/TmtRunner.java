package dev.corral.run;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

import dev.corral.Deadline;
import dev.corral.RunId;
import dev.corral.execute.Invocation;
import dev.corral.execute.InvocationResult;
import dev.corral.execute.MachineLostException;
import dev.corral.execute.PlanEnvironment;
import dev.corral.execute.PreparedMachine;
import dev.corral.execute.RebootObserver;
import dev.corral.execute.TestInvoker;
import dev.corral.machine.Machine;
import dev.corral.results.TestResult;
import dev.corral.schedule.MachineSession;
import dev.corral.schedule.RunListener;
import dev.corral.schedule.ScheduledTest;
import dev.corral.schedule.TestRunner;
import dev.corral.secret.Secrets;

/**
 * The scheduler's seam to the tmt executor: prepares each machine once (tree copy, helper scripts) and runs each
 * test through the {@link TestInvoker}. Thread-safe.
 */
final class TmtRunner implements TestRunner {
    private final Map<String, PlanRun> plans;
    private final Path resultsDir;
    private final RunId runId;
    private final TestInvoker invoker = new TestInvoker();
    private final RunListener listener;
    private final Secrets secrets;
    private final MaskedResults masked;
    private final Consumer<TestResult> partials;

    /** The tree and plan environment of one scheduler target. */
    record PlanRun(Path tree, PlanEnvironment environment) {
        PlanRun {
            Objects.requireNonNull(tree, "tree must not be null");
            Objects.requireNonNull(environment, "environment must not be null");
        }
    }

    /**
     * @param partials receives the results of an attempt other than the test's own ({@code result: custom} and
     *                 {@code result: restraint} entries), before the scheduler gets the test's own; thread-safe; it
     *                 masks them, as the journal's sink does every result it writes
     */
    TmtRunner(Map<String, PlanRun> plans, Path resultsDir, RunId runId, RunListener listener, Secrets secrets,
              Consumer<TestResult> partials) {
        this.secrets = secrets;
        this.masked = new MaskedResults(secrets);
        this.listener = listener;
        this.partials = partials;
        this.plans = Map.copyOf(plans);
        this.resultsDir = resultsDir;
        this.runId = runId;
    }

    @Override
    public MachineSession open(Machine machine, String target, Deadline deadline) throws InterruptedException {
        PlanRun plan = plan(target);
        PreparedMachine prepared = PreparedMachine.prepare(machine, plan.tree(), deadline);
        return new Session(prepared, plan);
    }

    private PlanRun plan(String target) {
        PlanRun plan = plans.get(target);
        if (plan == null) {
            throw new IllegalStateException("no plan for target " + target);
        }
        return plan;
    }

    private final class Session implements MachineSession {
        private final PreparedMachine prepared;
        private final PlanRun plan;

        Session(PreparedMachine prepared, PlanRun plan) {
            this.prepared = prepared;
            this.plan = plan;
        }

        @Override
        public Machine machine() {
            return prepared.machine();
        }

        @Override
        public TestResult run(ScheduledTest test, int attempt, Deadline deadline) throws InterruptedException {
            Invocation invocation = Invocation.builder(prepared, test.test(), test.serialNumber(), resultsDir)
                    .attempt(attempt)
                    .target(test.target())
                    .planEnvironment(plan.environment())
                    .context(test.context())
                    .runId(runId)
                    .secrets(secrets)
                    .reboots(new RebootObserver() {
                        @Override
                        public void rebooting() {
                            listener.machineRebooting(test.target(), machine().id(), test.name());
                        }

                        @Override
                        public void rebooted(Duration took) {
                            listener.machineRebooted(test.target(), machine().id(), test.name(), took);
                        }
                    })
                    .build();
            InvocationResult result;
            try {
                result = invoker.invoke(invocation, deadline);
            } catch (MachineLostException e) {
                throw new MachineLostException(secrets.mask(e.getMessage()), e.getCause(), masked.mask(e.result()));
            }
            // the scheduler decides on the test's own result; the other entries are results of their own, as in tmt
            TestResult main = result.main();
            result.results().stream().filter(r -> r != main).forEach(partials);
            return masked.mask(main);
        }

        @Override
        public void close() {
            // the tree copy lives in the machine's work directory, which goes away with the machine
        }
    }
}
