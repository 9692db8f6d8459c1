package dev.corral.results;

import java.util.Collection;
import java.util.Objects;

import org.apiguardian.api.API;

/**
 * The exit code of a run from its final outcomes, with tmt's convention and rules (tmt's
 * {@code results_to_exit_code}), checked in this order:
 * <ol>
 *   <li>{@link #NO_RESULTS} (3): no result at all;</li>
 *   <li>{@link #ERROR} (2): any {@code error}; Corral also counts {@code pending} here (a test that never
 *       finished, which tmt cannot express);</li>
 *   <li>{@link #FAILED} (1): any {@code fail} or {@code warn};</li>
 *   <li>{@link #ALL_SKIPPED} (4): every result is {@code skip};</li>
 *   <li>{@link #PASSED} (0): otherwise, i.e. only {@code pass}, {@code info} and {@code skip}.</li>
 * </ol>
 * An interrupted run exits 130 or 143 instead; that is the CLI's decision, not a result's.
 */
@API(status = API.Status.EXPERIMENTAL)
public enum ExitCode {
    PASSED(0), FAILED(1), ERROR(2), NO_RESULTS(3), ALL_SKIPPED(4);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    /** The process exit code. */
    public int code() {
        return code;
    }

    /** The exit code for the final outcomes of a run (one per test). */
    public static ExitCode of(Collection<Outcome> finalOutcomes) {
        Objects.requireNonNull(finalOutcomes, "finalOutcomes must not be null");
        if (finalOutcomes.isEmpty()) {
            return NO_RESULTS;
        }
        if (finalOutcomes.contains(Outcome.ERROR) || finalOutcomes.contains(Outcome.PENDING)) {
            return ERROR;
        }
        if (finalOutcomes.contains(Outcome.FAIL) || finalOutcomes.contains(Outcome.WARN)) {
            return FAILED;
        }
        if (finalOutcomes.stream().allMatch(o -> o == Outcome.SKIP)) {
            return ALL_SKIPPED;
        }
        return PASSED;
    }
}
