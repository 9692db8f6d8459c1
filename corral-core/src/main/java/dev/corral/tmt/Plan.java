package dev.corral.tmt;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.apiguardian.api.API;

/**
 * A tmt plan (an fmf node with {@code execute}), as {@link PlanNormalizer} reads it. Immutable.
 *
 * @param name            node name, e.g. {@code /plans/smoke}
 * @param summary         summary, or {@code null}
 * @param enabled         whether the plan is enabled
 * @param order           plan order (default 50)
 * @param discover        discover phases in the order written (a phase's {@code order} sorts them later)
 * @param environment     the {@code environment} key, values stringified as tmt does
 * @param environmentFile the {@code environment-file} entries (paths relative to the tree root)
 * @param context         the {@code context} key: dimension to values
 * @param executeHow      the execute method: {@code tmt} ({@code shell} and {@code beakerlib} are read as tmt's
 *                        old aliases of it)
 * @param provision       provision phases as written
 * @param prepare         prepare phases as written
 * @param finish          finish phases as written
 * @param data            the whole node data
 */
@API(status = API.Status.EXPERIMENTAL)
public record Plan(String name, String summary, boolean enabled, int order, List<DiscoverPhase> discover,
                   Map<String, String> environment, List<String> environmentFile,
                   Map<String, List<String>> context, String executeHow, List<Map<String, Object>> provision,
                   List<Map<String, Object>> prepare, List<Map<String, Object>> finish, Map<String, Object> data) {

    /** The name of tmt's implicit plan for trees without plans. */
    public static final String DEFAULT_NAME = "/default/plan";

    public Plan {
        Objects.requireNonNull(name, "name must not be null");
        Objects.requireNonNull(executeHow, "executeHow must not be null");
        discover = List.copyOf(discover);
        environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment));
        environmentFile = List.copyOf(environmentFile);
        Map<String, List<String>> ctx = new LinkedHashMap<>();
        context.forEach((k, v) -> ctx.put(k, List.copyOf(v)));
        context = Collections.unmodifiableMap(ctx);
        provision = List.copyOf(provision);
        prepare = List.copyOf(prepare);
        finish = List.copyOf(finish);
        data = Collections.unmodifiableMap(new LinkedHashMap<>(data));
    }

    /**
     * tmt's default plan, used when a tree has no plan: {@code /default/plan} discovering every test of the tree
     * with {@code how: fmf} and executing with {@code how: tmt}.
     */
    public static Plan defaultPlan() {
        return new Plan(DEFAULT_NAME, "Default plan", true, TestCase.DEFAULT_ORDER,
                List.of(DiscoverPhase.Fmf.all("default-0")), Map.of(), List.of(), Map.of(), "tmt",
                List.of(), List.of(), List.of(),
                Map.of("summary", "Default plan", "discover", Map.of("how", "fmf"), "execute", Map.of("how", "tmt")));
    }
}
