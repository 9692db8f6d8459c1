package dev.corral.tmt;

import java.util.Map;

import org.apiguardian.api.API;

/**
 * Evaluates one fmf filter expression such as {@code tier: 1 & tag: -slow} against the data of a test, with fmf
 * semantics (regular expressions on, as tmt calls it). The fmf engine provides the implementation.
 *
 * <p>A filter naming a key the data lacks must evaluate to {@code false} (tmt treats fmf's {@code FilterError} as
 * "does not match"). A malformed expression should throw a {@link dev.corral.CorralException} naming it.
 */
@API(status = API.Status.EXPERIMENTAL)
@FunctionalInterface
public interface FmfFilter {

    /**
     * @param expression the filter, as written by the user
     * @param data       the test's tmt metadata: normalized keys, plus every other key of the node; booleans are
     *                   given as {@code [value, "true"|"false"]} lists as tmt does before calling fmf
     * @return whether the data passes the filter
     */
    boolean matches(String expression, Map<String, Object> data);
}
