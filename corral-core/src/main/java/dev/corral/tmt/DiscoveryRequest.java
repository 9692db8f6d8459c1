package dev.corral.tmt;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

import org.apiguardian.api.API;

/**
 * Everything {@link Discovery} needs: the tree, the plan and the command-line selectors. Immutable; build with
 * {@link #builder()}.
 *
 * <pre>{@code
 * DiscoveryRequest request = DiscoveryRequest.builder()
 *         .treeRoot(Path.of("."))
 *         .nodes(nodes)                 // climb order, adjusted with the context
 *         .plan(plan)                   // null: tmt's default plan
 *         .names(List.of("^/tests/smoke"))
 *         .filter(fmf::filterMatches)   // the fmf engine's filter
 *         .loader(fmf::load)            // for url/path phases
 *         .build();
 * }</pre>
 *
 * @param treeRoot    root directory of the fmf tree the nodes come from
 * @param nodes       the tree's nodes in climb order, adjusted with the context
 * @param plan        the plan to discover tests for; {@code null} means {@link Plan#defaultPlan()}
 * @param names       {@code --test}/{@code --name} regular expressions (any must match, {@code re.search})
 * @param filters     {@code --filter} expressions; when given they replace the phases' {@code filter}, as in tmt
 * @param includes    {@code --include} regular expressions; when given they replace the phases' {@code include}
 * @param excludes    {@code --exclude} regular expressions; when given they replace the phases' {@code exclude}
 * @param links       {@code --link} needles; when given they replace the phases' {@code link}
 * @param environment {@code --environment} variables, applied over the plan environment
 * @param context     {@code --context} dimensions, applied over the plan's {@code context}
 * @param filter      the fmf filter engine, or {@code null} (then any filter is an error)
 * @param loader      loads other trees ({@code url}/{@code path} phases), or {@code null}
 * @param when        decides whether a phase's {@code when} rule matches the context, or {@code null} (then
 *                    phases with {@code when} are kept with a warning)
 * @param locator     where keys of {@code nodes} were written, for error messages
 * @param gitCache    where {@code url} phases are cloned
 * @param gitTimeout  the longest a git operation may take
 */
@API(status = API.Status.EXPERIMENTAL)
public record DiscoveryRequest(Path treeRoot, List<FmfNode> nodes, Plan plan, List<String> names,
                               List<String> filters, List<String> includes, List<String> excludes,
                               List<String> links, Map<String, String> environment,
                               Map<String, List<String>> context, FmfFilter filter, TreeLoader loader,
                               Predicate<String> when, KeyLocator locator, GitCache gitCache,
                               Duration gitTimeout) {

    public DiscoveryRequest {
        Objects.requireNonNull(treeRoot, "treeRoot must not be null");
        Objects.requireNonNull(locator, "locator must not be null");
        Objects.requireNonNull(gitCache, "gitCache must not be null");
        Objects.requireNonNull(gitTimeout, "gitTimeout must not be null");
        nodes = List.copyOf(nodes);
        names = List.copyOf(names);
        filters = List.copyOf(filters);
        includes = List.copyOf(includes);
        excludes = List.copyOf(excludes);
        links = List.copyOf(links);
        environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment));
        Map<String, List<String>> ctx = new LinkedHashMap<>();
        context.forEach((k, v) -> ctx.put(k, List.copyOf(v)));
        context = Collections.unmodifiableMap(ctx);
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link DiscoveryRequest}; not thread-safe. */
    @API(status = API.Status.EXPERIMENTAL)
    public static final class Builder {
        private Path treeRoot;
        private List<FmfNode> nodes;
        private Plan plan;
        private List<String> names = List.of();
        private List<String> filters = List.of();
        private List<String> includes = List.of();
        private List<String> excludes = List.of();
        private List<String> links = List.of();
        private Map<String, String> environment = Map.of();
        private Map<String, List<String>> context = Map.of();
        private FmfFilter filter;
        private TreeLoader loader;
        private Predicate<String> when;
        private KeyLocator locator = KeyLocator.NONE;
        private GitCache gitCache;
        private Duration gitTimeout = Duration.ofMinutes(10);

        private Builder() {
        }

        public Builder treeRoot(Path treeRoot) {
            this.treeRoot = treeRoot;
            return this;
        }

        public Builder nodes(List<FmfNode> nodes) {
            this.nodes = nodes;
            return this;
        }

        public Builder plan(Plan plan) {
            this.plan = plan;
            return this;
        }

        public Builder names(List<String> names) {
            this.names = names;
            return this;
        }

        public Builder filters(List<String> filters) {
            this.filters = filters;
            return this;
        }

        public Builder includes(List<String> includes) {
            this.includes = includes;
            return this;
        }

        public Builder excludes(List<String> excludes) {
            this.excludes = excludes;
            return this;
        }

        public Builder links(List<String> links) {
            this.links = links;
            return this;
        }

        public Builder environment(Map<String, String> environment) {
            this.environment = environment;
            return this;
        }

        public Builder context(Map<String, List<String>> context) {
            this.context = context;
            return this;
        }

        public Builder filter(FmfFilter filter) {
            this.filter = filter;
            return this;
        }

        public Builder loader(TreeLoader loader) {
            this.loader = loader;
            return this;
        }

        public Builder when(Predicate<String> when) {
            this.when = when;
            return this;
        }

        public Builder locator(KeyLocator locator) {
            this.locator = locator;
            return this;
        }

        public Builder gitCache(GitCache gitCache) {
            this.gitCache = gitCache;
            return this;
        }

        public Builder gitTimeout(Duration gitTimeout) {
            this.gitTimeout = gitTimeout;
            return this;
        }

        /**
         * @throws NullPointerException when the tree root or the nodes are missing
         * @throws IllegalArgumentException for a non-positive git timeout
         */
        public DiscoveryRequest build() {
            Objects.requireNonNull(treeRoot, "treeRoot must be set");
            Objects.requireNonNull(nodes, "nodes must be set");
            if (gitTimeout.isNegative() || gitTimeout.isZero()) {
                throw new IllegalArgumentException("gitTimeout must be positive, got " + gitTimeout);
            }
            return new DiscoveryRequest(treeRoot, nodes, plan, names, filters, includes, excludes, links,
                    environment, context, filter, loader, when, locator,
                    gitCache == null ? GitCache.standard() : gitCache, gitTimeout);
        }
    }
}
