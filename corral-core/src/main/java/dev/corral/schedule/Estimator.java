package dev.corral.schedule;

import java.time.Duration;

import dev.corral.tmt.TestCase;

import org.apiguardian.api.API;

/**
 * Guesses how long a test will take, for the {@link Ordering}. Pure and thread-safe.
 */
@API(status = API.Status.EXPERIMENTAL)
@FunctionalInterface
public interface Estimator {

    /**
     * The expected duration of a test, or {@code null} when there is nothing to go by.
     *
     * @param target  the target's name
     * @param test    the test
     * @param history durations recorded in earlier runs under the same results root
     */
    Duration expected(String target, TestCase test, DurationHistory history);

    /**
     * The median of the last {@code window} recorded durations; else {@code fraction} of the test's
     * {@code duration} limit when the test sets one explicitly; else unknown. tmt's default limit (5m) says
     * nothing about a test, so it is not used.
     */
    static Estimator historyThenLimit(int window, double fraction) {
        if (window < 1 || !(fraction > 0)) {
            throw new IllegalArgumentException("window must be >= 1 and fraction > 0");
        }
        return (target, test, history) -> history.median(target, test.name(), window)
                .orElseGet(() -> test.metadata().containsKey("duration")
                        ? Duration.ofNanos((long) (test.duration().toNanos() * fraction))
                        : null);
    }

    /** The default: median of the last 5 runs, else a tenth of an explicit duration limit. */
    static Estimator defaults() {
        return historyThenLimit(5, 0.1);
    }
}
