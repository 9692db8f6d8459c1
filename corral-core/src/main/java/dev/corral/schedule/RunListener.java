package dev.corral.schedule;

import java.time.Duration;

import dev.corral.results.RunResults;
import dev.corral.results.TestResult;
import dev.corral.tmt.TestCase;

import org.apiguardian.api.API;

/**
 * Receives what happens during a run, for progress displays, reports and user code. Every method has an empty
 * default. Methods are called from the run's worker threads, possibly concurrently: implementations must be
 * thread-safe and quick. An exception thrown by a listener is logged and otherwise ignored: a listener cannot
 * break a run.
 */
@API(status = API.Status.EXPERIMENTAL)
public interface RunListener {

    /** One listener that forwards every event to each of {@code listeners} in order, logging their failures. */
    static RunListener all(java.util.List<RunListener> listeners) {
        return new Listeners(listeners);
    }

    /**
     * The run continues an interrupted one: called once, before {@link #runStarted}, with what its earlier
     * incarnations journaled, so that a display can show the whole run. {@code runStarted} counts the tests left.
     */
    default void runResumed(RunResults earlier) {
    }

    /** The run starts with this many tests over all targets. */
    default void runStarted(int tests) {
    }

    /** A machine is being requested for a target. */
    default void provisioningStarted(String target, String slot) {
    }

    /** A machine is ready and starts receiving tests. */
    default void machineReady(String target, String machineId, Duration took) {
    }

    /** Provisioning failed (it may be retried). */
    default void provisioningFailed(String target, String slot, String message, int attempt) {
    }

    /** A machine was released; {@code reason} says why (done, destructive test, lost, idle). */
    default void machineReleased(String target, String machineId, String reason) {
    }

    /** A test attempt starts on a machine. {@code expected} is the scheduler's estimate, or {@code null}. */
    default void testStarted(String target, TestCase test, String machineId, int attempt, Duration expected) {
    }

    /** A test attempt finished and was journaled. */
    default void testFinished(TestResult result) {
    }

    /** A machine is rebooting for a test ({@code tmt-reboot}). */
    default void machineRebooting(String target, String machineId, String test) {
    }

    /**
     * A machine is back after a reboot for a test (follows {@link #machineRebooting}); {@code took} is the time
     * from the reboot request until the machine answered again.
     */
    default void machineRebooted(String target, String machineId, String test, Duration took) {
    }

    /** The run ended; every result has been journaled. */
    default void runFinished(boolean interrupted) {
    }
}
