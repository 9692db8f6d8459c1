package dev.corral.execute;

import dev.corral.Deadline;

import org.apiguardian.api.API;

/**
 * Runs one test on one prepared machine exactly as tmt's internal executor does, and returns its results.
 *
 * <p>The test runs from {@code <tree>/<path>} in bash (with {@code set -eo pipefail} for shell tests), in its own
 * directory on the machine ({@code TMT_TEST_DATA} is its {@code data/}), with the plan and test environment and
 * every {@code TMT_*} variable tmt sets. Its output streams into {@code <results>/tests/<name>-<serial>/output.txt}
 * while it runs (never held in memory); afterwards its directory is copied next to it. The test's
 * {@code duration} is enforced (the whole process tree is killed, the result is an {@code error} with the note
 * {@code timeout}). A reboot requested with {@code tmt-reboot} reboots the machine and runs the test again when
 * the machine can reboot; restarts follow {@code restart-on-exit-code}. The outcome is read as tmt reads it (exit
 * code, {@code tmt-report-result}, beakerlib's {@code TestResults}, custom results) and the test's {@code result}
 * key is applied. Secret variables ({@link Invocation#secrets()}) reach the test like the others, but off every
 * command line; their values, and those of the test's and plan's variables with a secret name, are masked as
 * {@code ***} in {@code output.txt} while it streams, in the collected files, in {@code metadata.yaml} and in the
 * results' notes.
 *
 * <p>Only the machine's {@link dev.corral.machine.Connection} is used on the machine, so the invoker works the same
 * on every kind of machine. Stateless and thread-safe: one invoker serves a whole run; several tests may run on
 * one machine at once. Blocks until the test and its collection are done.
 *
 * <pre>{@code
 * PlanEnvironment plan = new PlanEnvironment(Map.of("ARCH", "x86_64"));
 * InvocationResult r = new TestInvoker().invoke(
 *         Invocation.builder(prepared, test, 1, resultsDir).planEnvironment(plan).runId(runId).build(),
 *         Deadline.after(Duration.ofHours(1)));
 * if (r.abortRequested()) { ... stop scheduling the remaining tests ... }
 * }</pre>
 */
@API(status = API.Status.EXPERIMENTAL)
public final class TestInvoker {

    /** The tmt release whose behaviour is reproduced; tests see it as {@code TMT_VERSION}. */
    public static final String TMT_VERSION = TestEnvironment.TMT_VERSION;

    /**
     * Runs the test and collects its results.
     *
     * @param invocation what to run where
     * @param deadline   limit for the whole attempt, reboots included; the test's own {@code duration} applies
     *                   to each run of it within this limit
     * @return the results, and whether the test asked to abort the run
     * @throws MachineLostException when the machine is lost during the attempt (its partial result attached)
     * @throws dev.corral.CorralException when the local results directory cannot be written
     * @throws InterruptedException when interrupted; the test's processes are killed first
     */
    public InvocationResult invoke(Invocation invocation, Deadline deadline) throws InterruptedException {
        return new Attempt(invocation, deadline).run();
    }
}
