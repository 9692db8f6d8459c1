package dev.corral.tmt;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import dev.corral.Deadline;

import org.apiguardian.api.API;

/**
 * Discovers the tests of every selected plan of a tree, as {@code tmt run discover} does: the tree is loaded with
 * the context applied, plans are found (tmt's default plan when the tree has none), and each enabled plan
 * selected by name runs its discover phases.
 *
 * <pre>{@code
 * List<DiscoveryResult> plans = TreeDiscovery.discover(new FmfTrees(), Path.of("."),
 *         Map.of("distro", List.of("fedora-40")), Selection.all(), Deadline.after(Duration.ofMinutes(5)));
 * }</pre>
 */
@API(status = API.Status.EXPERIMENTAL)
public final class TreeDiscovery {
    private TreeDiscovery() {
    }

    /**
     * The discovered tests per plan, plans in tmt's order.
     *
     * @param warnings receives one line per unknown key or unsupported option
     * @throws DiscoveryException   for a broken tree, plan, test or selector (the message names file:line)
     * @throws InterruptedException when interrupted while fetching a remote tree
     */
    public static List<DiscoveryResult> discover(FmfTrees fmf, Path tree, Map<String, List<String>> context,
                                                 Selection selection, Consumer<String> warnings, Deadline deadline)
            throws InterruptedException {
        List<FmfNode> nodes = fmf.load(tree, context);
        List<Plan> plans = PlanNormalizer.create().withLocator(fmf).plans(nodes, warnings);
        if (plans.isEmpty()) {
            plans = List.of(Plan.defaultPlan());
        }
        List<Pattern> wanted = patterns(selection.plans(), "plan");
        List<DiscoveryResult> found = new ArrayList<>();
        for (Plan plan : plans) {
            if (!plan.enabled() || !wanted.isEmpty() && wanted.stream().noneMatch(p -> p.matcher(plan.name()).find())) {
                continue;
            }
            DiscoveryRequest request = fmf.request(tree, nodes, context)
                    .plan(plan)
                    .names(selection.names())
                    .filters(selection.filters())
                    .environment(selection.environment())
                    .build();
            DiscoveryResult result = Discovery.run(request, deadline);
            result.warnings().forEach(warnings);
            found.add(result);
        }
        if (found.isEmpty() && !wanted.isEmpty()) {
            throw new DiscoveryException("no plan matches " + String.join(", ", selection.plans())
                    + " (plans: " + String.join(", ", plans.stream().map(Plan::name).toList()) + ")");
        }
        return found;
    }

    private static List<Pattern> patterns(List<String> regexes, String what) {
        List<Pattern> patterns = new ArrayList<>();
        for (String regex : regexes) {
            try {
                patterns.add(Pattern.compile(regex));
            } catch (PatternSyntaxException e) {
                throw new DiscoveryException("invalid " + what + " name pattern '" + regex + "': " + e.getDescription());
            }
        }
        return patterns;
    }
}
