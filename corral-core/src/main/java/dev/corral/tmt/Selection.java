package dev.corral.tmt;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apiguardian.api.API;

/**
 * What the user selected on the command line, as tmt's {@code plan --name}, {@code test --name},
 * {@code --filter} and {@code --environment}. Immutable.
 *
 * @param plans       plan name regular expressions (any must match, searched); empty: every plan
 * @param names       test name regular expressions (any must match, searched); empty: every test
 * @param filters     fmf filter expressions (all must pass); empty: no filtering
 * @param environment variables applied over every plan's environment
 */
@API(status = API.Status.EXPERIMENTAL)
public record Selection(List<String> plans, List<String> names, List<String> filters, Map<String, String> environment) {

    /**
     * @throws DiscoveryException for an environment variable no process can receive: an empty name, or a name with
     *                            {@code =} or NUL, or a value with NUL
     */
    public Selection {
        plans = List.copyOf(plans);
        names = List.copyOf(names);
        filters = List.copyOf(filters);
        environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment));
        environment.forEach((name, value) -> {
            String problem = invalidVariable(name, value);
            if (problem != null) {
                throw new DiscoveryException("--environment: " + problem);
            }
        });
    }

    /** Why {@code name=value} cannot be passed to a process (empty name, {@code =} or NUL in it), or null. */
    static String invalidVariable(String name, String value) {
        if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0) {
            return "invalid environment variable name '" + name.replace("\0", "\\0")
                    + "': it must be non-empty and hold neither '=' nor NUL";
        }
        if (value.indexOf('\0') >= 0) {
            return "the value of environment variable '" + name + "' holds a NUL character, which no process can"
                    + " receive";
        }
        return null;
    }

    /** Everything: every plan, every test. */
    public static Selection all() {
        return new Selection(List.of(), List.of(), List.of(), Map.of());
    }

    /** A copy that also requires these fmf filters. */
    public Selection withFilters(String... more) {
        return new Selection(plans, names, concat(filters, more), environment);
    }

    /** A copy that also selects tests by these name patterns. */
    public Selection withNames(String... more) {
        return new Selection(plans, concat(names, more), filters, environment);
    }

    /** A copy that also selects plans by these name patterns. */
    public Selection withPlans(String... more) {
        return new Selection(concat(plans, more), names, filters, environment);
    }

    private static List<String> concat(List<String> list, String... more) {
        List<String> all = new java.util.ArrayList<>(list);
        all.addAll(List.of(more));
        return all;
    }
}
