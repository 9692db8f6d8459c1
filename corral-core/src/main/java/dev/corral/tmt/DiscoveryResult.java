package dev.corral.tmt;

import java.util.List;
import java.util.Objects;

import org.apiguardian.api.API;

/**
 * What {@link Discovery} found for one plan. Immutable.
 *
 * @param plan     the plan (the default plan when none was given)
 * @param tests    the tests in execution order, serial numbers 1..n
 * @param warnings one line per unknown key, unsupported option or skipped phase, to show to the user
 */
@API(status = API.Status.EXPERIMENTAL)
public record DiscoveryResult(Plan plan, List<DiscoveredTest> tests, List<String> warnings) {

    public DiscoveryResult {
        Objects.requireNonNull(plan, "plan must not be null");
        tests = List.copyOf(tests);
        warnings = List.copyOf(warnings);
    }
}
