package dev.corral.schedule;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.BiPredicate;
import java.util.function.Predicate;

import dev.corral.results.Outcome;
import dev.corral.results.TestResult;
import dev.corral.tmt.TestCase;

import org.apiguardian.api.API;

/**
 * The pluggable decisions of a {@link Dispatcher}: order, duration estimates, which tests need a machine of
 * their own, which spoil their machine, which results are re-run and which stop a target. Immutable;
 * {@code withX} methods return copies. Every function must be pure and thread-safe.
 *
 * @param ordering    dispatch order and static lanes
 * @param estimator   expected durations for the ordering
 * @param exclusive   tests that run alone on their machine (default: {@code extra-exclusive: true}, or
 *                    destructive)
 * @param replace     whether a machine is released and replaced after a test's attempt (default: destructive
 *                    tests, and attempts ending in an infrastructure error)
 * @param rerunWhen   attempts that count as failed for {@code rerunFailed} (default: {@code fail} and
 *                    {@code error})
 * @param abortWhen   attempts that stop their target (default: the tmt note {@code aborted})
 */
@API(status = API.Status.EXPERIMENTAL)
public record Policy(Ordering ordering, Estimator estimator, Predicate<TestCase> exclusive,
                     BiPredicate<TestCase, TestResult> replace, Predicate<TestResult> rerunWhen,
                     Predicate<TestResult> abortWhen) {

    /** {@code extra.reason} of an attempt that ended in an infrastructure error. */
    public static final String INFRASTRUCTURE = "infrastructure";
    /** The note tmt gives a test that called {@code tmt-abort}. */
    public static final String ABORTED = "aborted";

    public Policy {
        Objects.requireNonNull(ordering, "ordering must not be null");
        Objects.requireNonNull(estimator, "estimator must not be null");
        Objects.requireNonNull(exclusive, "exclusive must not be null");
        Objects.requireNonNull(replace, "replace must not be null");
        Objects.requireNonNull(rerunWhen, "rerunWhen must not be null");
        Objects.requireNonNull(abortWhen, "abortWhen must not be null");
    }

    /** Longest expected first with duration history; the defaults described on each component. */
    public static Policy defaults() {
        return new Policy(Ordering.longestFirst(), Estimator.defaults(),
                t -> flag(t, "extra-exclusive") || destructive(t),
                (t, r) -> destructive(t) || infrastructureError(r),
                r -> r.outcome() == Outcome.FAIL || r.outcome() == Outcome.ERROR,
                r -> r.notes().contains(ABORTED) || Boolean.TRUE.equals(r.extra().get(ABORTED)));
    }

    /** The defaults with a static round-robin split ({@code --schedule static}), for comparison. */
    public static Policy staticSplit() {
        return defaults().withOrdering(Ordering.staticRoundRobin());
    }

    public Policy withOrdering(Ordering o) {
        return new Policy(o, estimator, exclusive, replace, rerunWhen, abortWhen);
    }

    public Policy withEstimator(Estimator e) {
        return new Policy(ordering, e, exclusive, replace, rerunWhen, abortWhen);
    }

    public Policy withExclusive(Predicate<TestCase> p) {
        return new Policy(ordering, estimator, p, replace, rerunWhen, abortWhen);
    }

    public Policy withReplace(BiPredicate<TestCase, TestResult> p) {
        return new Policy(ordering, estimator, exclusive, p, rerunWhen, abortWhen);
    }

    public Policy withRerunWhen(Predicate<TestResult> p) {
        return new Policy(ordering, estimator, exclusive, replace, p, abortWhen);
    }

    public Policy withAbortWhen(Predicate<TestResult> p) {
        return new Policy(ordering, estimator, exclusive, replace, rerunWhen, p);
    }

    /** Whether a test is destructive: {@code tag: destructive} or {@code extra-destructive: true}. */
    public static boolean destructive(TestCase test) {
        return test.tag().contains("destructive") || flag(test, "extra-destructive");
    }

    /** Whether an attempt ended in an infrastructure error ({@code extra.reason == "infrastructure"}). */
    public static boolean infrastructureError(TestResult result) {
        return result.outcome() == Outcome.ERROR && INFRASTRUCTURE.equals(result.extra().get("reason"));
    }

    /** Whether an {@code extra-*} key is set to true ({@code true}, {@code yes}, {@code 1}, as YAML allows). */
    public static boolean flag(TestCase test, String key) {
        Object v = test.extra(key);
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof List<?> || v == null) {
            return false;
        }
        String s = v.toString().strip().toLowerCase(Locale.ROOT);
        return s.equals("true") || s.equals("yes") || s.equals("1") || s.equals("on");
    }
}
