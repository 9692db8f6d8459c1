package dev.corral.execute;

import java.util.List;
import java.util.Objects;

import dev.corral.results.Outcome;
import dev.corral.results.TestResult;

import org.apiguardian.api.API;

/**
 * What one test attempt produced.
 *
 * @param test           the test's name
 * @param results        the results, never empty: one for the test itself, or one per entry of a
 *                       {@code result: custom} / {@code result: restraint} test (named {@code <test>/<entry>})
 * @param abortRequested whether the test called {@code tmt-abort}: the caller must not start the remaining tests
 * @param testDirectory  the attempt's directory relative to the results directory, e.g. {@code tests/login-3}
 */
@API(status = API.Status.EXPERIMENTAL)
public record InvocationResult(String test, List<TestResult> results, boolean abortRequested, String testDirectory) {

    public InvocationResult {
        Objects.requireNonNull(test, "test must not be null");
        results = List.copyOf(results);
        if (results.isEmpty()) {
            throw new IllegalArgumentException("an invocation has at least one result");
        }
        Objects.requireNonNull(testDirectory, "testDirectory must not be null");
    }

    /** The result of the test itself (named like the test), else the first one. */
    public TestResult main() {
        return results.stream().filter(r -> r.name().equals(test)).findFirst().orElse(results.getFirst());
    }

    /** The most severe outcome over all results (tmt's reduction). */
    public Outcome outcome() {
        return Outcome.reduce(results.stream().map(TestResult::outcome).toList());
    }
}
