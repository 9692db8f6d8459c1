package dev.corral.schedule;

import dev.corral.Deadline;
import dev.corral.machine.Machine;
import dev.corral.results.TestResult;

import org.apiguardian.api.API;

/**
 * A machine prepared for tests by a {@link TestRunner} (the test tree copied once, helper scripts installed).
 * The scheduler runs up to {@code perMachine} tests at once through one session, each from its own virtual
 * thread, so implementations must be thread-safe. It closes the session before it releases the machine.
 */
@API(status = API.Status.EXPERIMENTAL)
public interface MachineSession extends AutoCloseable {

    /** The machine this session runs tests on. */
    Machine machine();

    /**
     * Runs one attempt of a test and returns its result, whatever the test's outcome. The result must carry the
     * test's target, serial number and this attempt number, and this machine's id; the scheduler fills them in
     * when they are missing or wrong.
     *
     * <p>Signals the scheduler understands:
     * <ul>
     *   <li>a {@link dev.corral.machine.ConnectionException}, or an {@code error} result after which
     *       {@link Machine#isAlive} is false, means the machine was lost: the attempt is recorded as
     *       {@code error}, the machine replaced and the test requeued;</li>
     *   <li>any other {@link RuntimeException}, or an {@code error} result with {@code extra.reason ==
     *       "infrastructure"}, is an infrastructure error: recorded as {@code error}, the machine replaced;</li>
     *   <li>a result with the note {@code aborted} (tmt-abort) stops the target: its remaining tests are not
     *       run.</li>
     * </ul>
     *
     * @throws InterruptedException when the run is cancelled; the test's processes must be killed first. A
     *                              result noting {@code interrupted} may be returned instead.
     */
    TestResult run(ScheduledTest test, int attempt, Deadline deadline) throws InterruptedException;

    /** Cleans up what the session put on the machine, if anything; idempotent, never throws checked exceptions. */
    @Override
    void close();
}
