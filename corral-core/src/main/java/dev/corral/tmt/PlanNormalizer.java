package dev.corral.tmt;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads tmt plans: a node with an {@code execute} key is a plan ({@code tmt/base/plan.py} and the step data
 * classes of {@code tmt/steps}). Unsupported discover options are warnings; wrong types are
 * {@link DiscoveryException}s naming the plan and the key. Immutable and thread-safe.
 */
@API(status = API.Status.EXPERIMENTAL)
public final class PlanNormalizer {

    private static final Logger LOG = LoggerFactory.getLogger(PlanNormalizer.class);
    private static final String DEFAULT_PHASE_PREFIX = "default-";
    private static final int DEFAULT_PHASE_ORDER = 50;
    /** Discover fmf keys that change which tests are found but that corral does not implement yet. */
    private static final List<String> UNSUPPORTED_FMF_KEYS = List.of("adjust-tests", "modified-only",
            "modified-url", "modified-ref", "dist-git-source", "dist-git-type", "dist-git-merge", "dist-git-init",
            "dist-git-extract", "dist-git-remove-fmf-root", "dist-git-download-only", "dist-git-install-builddeps",
            "dist-git-require", "fmf-id", "prune", "sync-repo", "upgrade-path", "where");

    private final KeyLocator locator;

    private PlanNormalizer(KeyLocator locator) {
        this.locator = locator;
    }

    /** A normalizer without locator. */
    public static PlanNormalizer create() {
        return new PlanNormalizer(KeyLocator.NONE);
    }

    /** A copy that asks {@code locator} where keys were written, for error messages. */
    public PlanNormalizer withLocator(KeyLocator locator) {
        return new PlanNormalizer(Objects.requireNonNull(locator, "locator must not be null"));
    }

    /** Whether tmt treats the node as a plan: it has an {@code execute} key. */
    public static boolean isPlan(FmfNode node) {
        return node.data().containsKey("execute");
    }

    /**
     * The plans among {@code nodes}, sorted by {@code order} (ties keep climb order) as tmt lists them. Nodes
     * importing a remote plan ({@code plan: import: ...}) are skipped with a warning.
     */
    public List<Plan> plans(List<FmfNode> nodes, Consumer<String> warnings) {
        List<Plan> plans = new ArrayList<>();
        for (FmfNode node : nodes) {
            if (node.data().containsKey("plan")) {
                warnings.accept("plan " + node.name() + ": importing remote plans ('plan: import') is not supported"
                        + " by corral yet; plan skipped");
            } else if (isPlan(node)) {
                plans.add(normalize(node, warnings));
            }
        }
        plans.sort(Comparator.comparingInt(Plan::order));
        return plans;
    }

    /** Reads one plan, logging warnings through SLF4J. */
    public Plan normalize(FmfNode node) {
        return normalize(node, warning -> LOG.warn("{}", warning));
    }

    /**
     * Reads one plan.
     *
     * @throws DiscoveryException when a key has the wrong type or value
     */
    public Plan normalize(FmfNode node, Consumer<String> warnings) {
        NodeReader r = new NodeReader("plan", node.name(), node.data(), locator);
        List<Map<String, Object>> execute = r.mappings("execute");
        Map<String, Object> executeData = execute.isEmpty() ? Map.of() : execute.getFirst();
        if (execute.size() > 1) {
            warnings.accept("plan " + node.name() + ": only the first execute phase is used");
        }
        String how = executeData.get("how") == null ? "tmt" : Coerce.str(executeData.get("how"));
        switch (how) {
            case "tmt" -> { }
            case "shell", "beakerlib" -> warnings.accept("plan " + node.name() + ": execute method '" + how
                    + "' is an old alias of 'tmt'");
            default -> throw r.error("execute", "unsupported execute method '" + how + "': expected tmt");
        }
        List<DiscoverPhase> discover = discover(r, warnings);
        discover = scriptsFromExecute(r, discover, executeData);
        return new Plan(node.name(), r.text("summary"), r.bool("enabled", true),
                r.integer("order", TestCase.DEFAULT_ORDER), discover, r.environment("environment"),
                r.stringList("environment-file"), context(r), "tmt", r.mappings("provision"), r.mappings("prepare"),
                r.mappings("finish"), node.data());
    }

    private List<DiscoverPhase> discover(NodeReader r, Consumer<String> warnings) {
        List<Map<String, Object>> raw = r.mappings("discover");
        if (raw.isEmpty()) {
            // tmt's default discover method is 'shell', which finds nothing without tests
            return List.of(new DiscoverPhase.Shell(DEFAULT_PHASE_PREFIX + "0", DEFAULT_PHASE_ORDER, List.of(), null,
                    null, List.of()));
        }
        Set<String> known = new HashSet<>();
        for (Map<String, Object> phase : raw) {
            if (phase.get("name") != null) {
                known.add(Coerce.str(phase.get("name")));
            }
        }
        List<DiscoverPhase> phases = new ArrayList<>();
        int generated = 0;
        for (int i = 0; i < raw.size(); i++) {
            Map<String, Object> data = raw.get(i);
            String name;
            if (data.get("name") != null) {
                name = Coerce.str(data.get("name"));
            } else {
                while (known.contains(DEFAULT_PHASE_PREFIX + generated)) {
                    generated++;
                }
                name = DEFAULT_PHASE_PREFIX + generated;
                known.add(name);
            }
            String address = raw.size() > 1 || r.raw("discover") instanceof List ? "discover[" + i + "]" : "discover";
            NodeReader p = new NodeReader("plan", r.nodeName(), prefixed(address, data), locatorFor(address));
            phases.add(phase(r, p, address, name, data, warnings));
        }
        return phases;
    }

    private DiscoverPhase phase(NodeReader plan, NodeReader p, String address, String name, Map<String, Object> data,
                                Consumer<String> warnings) {
        String how = data.get("how") == null ? "shell" : Coerce.str(data.get("how"));
        int order = p.integer(address + ".order", DEFAULT_PHASE_ORDER);
        List<String> when = p.stringList(address + ".when");
        switch (how) {
            case "fmf" -> {
                for (String key : UNSUPPORTED_FMF_KEYS) {
                    Object value = data.get(key);
                    if (value != null && !Boolean.FALSE.equals(value)
                            && !(value instanceof List<?> l && l.isEmpty())) {
                        warnings.accept("plan " + plan.nodeName() + ": discover phase '" + name + "': key '" + key
                                + "' is not supported by corral yet and ignored");
                    }
                }
                String url = p.strictText(address + ".url");
                if (url == null) {
                    url = p.strictText(address + ".repository");
                }
                String ref = p.strictText(address + ".ref");
                if (ref == null) {
                    ref = p.strictText(address + ".revision");
                }
                return new DiscoverPhase.Fmf(name, order, when, url, ref, p.text(address + ".path"),
                        p.stringList(address + ".test"), p.stringList(address + ".filter"),
                        p.stringList(address + ".include"), p.stringList(address + ".exclude"),
                        p.stringList(address + ".link"), data);
            }
            case "shell" -> {
                Object tests = data.get("tests");
                List<Map<String, Object>> list = new ArrayList<>();
                if (tests != null) {
                    if (!(tests instanceof List<?> items)) {
                        throw p.wrongType(address + ".tests", tests, "a list of tests");
                    }
                    for (int i = 0; i < items.size(); i++) {
                        if (!(items.get(i) instanceof Map<?, ?> test)) {
                            throw p.wrongType(address + ".tests[" + i + "]", items.get(i),
                                    "a mapping with 'name' and 'test'");
                        }
                        Map<String, Object> t = NodeReader.stringKeys(test);
                        if (!(t.get("name") instanceof String testName) || testName.isEmpty()) {
                            throw p.error(address + ".tests[" + i + "].name", "missing test name");
                        }
                        list.add(t);
                    }
                }
                return new DiscoverPhase.Shell(name, order, when, p.strictText(address + ".url"),
                        p.strictText(address + ".ref"), list);
            }
            default -> throw plan.error(address + ".how", "unsupported discover method '" + how
                    + "': expected fmf or shell");
        }
    }

    /** tmt's legacy form: tests as {@code execute: script:}, run by the shell discover phase. */
    private static List<DiscoverPhase> scriptsFromExecute(NodeReader r, List<DiscoverPhase> discover,
                                                          Map<String, Object> execute) {
        Object script = execute.get("script");
        if (script == null) {
            return discover;
        }
        List<String> scripts = r.stringList("execute.script", script);
        if (scripts.isEmpty()) {
            return discover;
        }
        boolean bare = discover.size() == 1 && discover.getFirst() instanceof DiscoverPhase.Shell shell
                && shell.tests().isEmpty() && shell.url() == null;
        if (!bare) {
            throw r.error("execute", "use either 'discover' or 'execute' to define tests, but not both");
        }
        Object duration = execute.getOrDefault("duration", TestNormalizer.DEFAULT_PLAN_TEST_DURATION);
        List<Map<String, Object>> tests = new ArrayList<>();
        for (int i = 0; i < scripts.size(); i++) {
            Map<String, Object> test = new LinkedHashMap<>();
            test.put("name", String.format("script-%02d", i));
            test.put("test", scripts.get(i));
            test.put("duration", duration);
            tests.add(test);
        }
        DiscoverPhase.Shell shell = (DiscoverPhase.Shell) discover.getFirst();
        return List.of(new DiscoverPhase.Shell(shell.name(), shell.order(), shell.when(), null, null, tests));
    }

    private static Map<String, List<String>> context(NodeReader r) {
        Object raw = r.raw("context");
        Map<String, List<String>> context = new LinkedHashMap<>();
        if (raw == null) {
            return context;
        }
        if (raw instanceof Map<?, ?> map) {
            map.forEach((dimension, values) -> {
                List<String> list = new ArrayList<>();
                if (values instanceof List<?> items) {
                    items.forEach(v -> list.add(Coerce.str(v)));
                } else {
                    list.add(Coerce.str(values));
                }
                context.put(Coerce.str(dimension), list);
            });
            return context;
        }
        if (raw instanceof List<?> items) {
            for (Object item : items) {
                String spec = Coerce.str(item);
                int eq = spec.indexOf('=');
                if (eq <= 0 || spec.substring(eq + 1).isBlank()) {
                    throw r.error("context", "invalid context '" + spec + "': expected DIMENSION=VALUE[,VALUE...]");
                }
                context.put(spec.substring(0, eq), List.of(spec.substring(eq + 1).split(",")));
            }
            return context;
        }
        throw r.wrongType("context", raw, "a mapping of dimensions to values");
    }

    /** Phase data readable under addresses like {@code discover[1].test} for precise error messages. */
    private static Map<String, Object> prefixed(String address, Map<String, Object> data) {
        Map<String, Object> out = new LinkedHashMap<>();
        data.forEach((k, v) -> out.put(address + "." + k, v));
        return out;
    }

    private KeyLocator locatorFor(String address) {
        return (node, key) -> locator.locate(node, address.startsWith("discover") ? "discover" : key);
    }
}
