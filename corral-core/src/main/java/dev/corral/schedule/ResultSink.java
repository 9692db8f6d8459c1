package dev.corral.schedule;

import dev.corral.results.TestResult;

import org.apiguardian.api.API;

/**
 * Receives every test attempt before the scheduler counts it as finished: the place for the journal. Called for
 * executed attempts (from the attempt's virtual thread) and for results the scheduler makes itself (skipped,
 * not run), so implementations must be thread-safe.
 *
 * <p>A sink that throws stops the run: dispatching ends, running attempts are interrupted, machines are
 * released, and {@link Dispatcher#run()} rethrows the sink's exception.
 */
@API(status = API.Status.EXPERIMENTAL)
@FunctionalInterface
public interface ResultSink {

    /** A sink that keeps nothing; {@link RunOutcome} still has every result. */
    static ResultSink discard() {
        return result -> { };
    }

    /** Records one attempt durably; returns when it is recorded. */
    void accept(TestResult result);
}
