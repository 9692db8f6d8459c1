package dev.corral.results;

import java.util.Collection;
import java.util.Locale;

import dev.corral.CorralException;

import org.apiguardian.api.API;

/** The outcome of a test, with tmt's names and tmt's order of severity. */
@API(status = API.Status.EXPERIMENTAL)
public enum Outcome {
    PASS, FAIL, INFO, WARN, ERROR, SKIP, PENDING;

    /** Severity order used by {@link #reduce}: the first present wins (tmt's {@code ResultOutcome.reduce}). */
    private static final Outcome[] BY_SEVERITY = {ERROR, FAIL, WARN, PASS, INFO, SKIP, PENDING};

    /** The tmt spelling: {@code pass}, {@code fail}, ... */
    public String tmtName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a tmt outcome name (case-insensitive).
     *
     * @throws CorralException naming the value when it is not an outcome
     */
    public static Outcome parse(String value) {
        if (value != null) {
            for (Outcome o : values()) {
                if (o.name().equalsIgnoreCase(value.strip())) {
                    return o;
                }
            }
        }
        throw new CorralException("invalid result '" + value + "': expected one of pass, fail, info, warn, error, skip, pending");
    }

    /** The most severe of several outcomes, as tmt reduces them; {@code null} for none. */
    public static Outcome reduce(Collection<Outcome> outcomes) {
        for (Outcome o : BY_SEVERITY) {
            if (outcomes.contains(o)) {
                return o;
            }
        }
        return null;
    }
}
