package dev.corral.tmt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import dev.corral.CorralException;
import dev.corral.Deadline;

import org.apiguardian.api.API;

/**
 * tmt's discover step for one plan: runs the plan's discover phases in order and returns the tests to execute,
 * numbered as tmt numbers them ({@code tmt/steps/discover/__init__.py}, {@code fmf.py}, {@code shell.py}).
 *
 * <p>For each {@code how: fmf} phase: the nodes with a {@code test} key, in climb order, are normalized; with
 * {@code test} names, tests are taken name by name in the order of that list (a test matching two names is listed
 * twice, as in tmt), otherwise all at once; each group is stably sorted by {@code order}. Then filters, links,
 * {@code include} and {@code exclude} prune the list, manual and disabled tests are dropped. Test names get a
 * {@code /<phase>} prefix when the plan has more than one discover phase. The plan environment
 * ({@code environment-file}, then {@code environment}, then {@code --environment}) is merged over each test's own
 * environment: tmt lets the plan win. Serial numbers count from 1 in discovery order.
 *
 * <p>Stateless; blocks only to fetch git repositories (bounded by the deadline and the request's git timeout).
 *
 * <pre>{@code
 * DiscoveryResult found = Discovery.run(request, Deadline.after(Duration.ofMinutes(5)));
 * found.tests().forEach(t -> System.out.println(t.serialNumber() + " " + t.name()));
 * }</pre>
 */
@API(status = API.Status.EXPERIMENTAL)
public final class Discovery {

    private Discovery() {
    }

    /**
     * Discovers the tests of the request's plan.
     *
     * @throws DiscoveryException   for a broken test, plan or selector, or a repository that cannot be fetched
     * @throws InterruptedException when interrupted while fetching a repository (git is killed)
     */
    public static DiscoveryResult run(DiscoveryRequest request, Deadline deadline) throws InterruptedException {
        Objects.requireNonNull(request, "request must not be null");
        Objects.requireNonNull(deadline, "deadline must not be null");
        Plan plan = request.plan() == null ? Plan.defaultPlan() : request.plan();
        List<String> warnings = new ArrayList<>();
        Consumer<String> warn = warnings::add;

        Map<String, String> planEnvironment;
        try {
            planEnvironment = new LinkedHashMap<>(
                    EnvironmentFiles.load(plan.name(), plan.environmentFile(), request.treeRoot(), warn));
        } catch (DiscoveryException e) {
            String location = request.locator().locate(plan.name(), "environment-file");
            throw location == null ? e : new DiscoveryException(location + ": " + e.getMessage(), e);
        }
        planEnvironment.putAll(plan.environment());
        planEnvironment.putAll(request.environment());
        Map<String, List<String>> context = new LinkedHashMap<>(plan.context());
        context.putAll(request.context());

        List<DiscoverPhase> phases = new ArrayList<>(plan.discover());
        phases.sort(Comparator.comparingInt(DiscoverPhase::order));
        boolean prefix = phases.size() > 1;

        List<DiscoveredTest> tests = new ArrayList<>();
        for (DiscoverPhase phase : phases) {
            if (!enabledByWhen(request, plan, phase, warn)) {
                continue;
            }
            PhaseTests found = switch (phase) {
                case DiscoverPhase.Fmf fmf -> fmfPhase(request, plan, fmf, context, deadline, warn);
                case DiscoverPhase.Shell shell -> shellPhase(request, plan, shell, deadline, warn);
            };
            for (TestCase test : found.tests()) {
                Map<String, String> environment = new LinkedHashMap<>(test.environment());
                environment.putAll(planEnvironment);
                TestCase named = prefix ? renamed(test, "/" + phase.name() + test.name()) : test;
                tests.add(new DiscoveredTest(tests.size() + 1, phase.name(), named.withEnvironment(environment),
                        found.root()));
            }
        }
        return new DiscoveryResult(plan, tests, warnings);
    }

    private record PhaseTests(Path root, List<TestCase> tests) {
    }

    private static boolean enabledByWhen(DiscoveryRequest request, Plan plan, DiscoverPhase phase,
                                         Consumer<String> warn) {
        if (phase.when().isEmpty()) {
            return true;
        }
        if (request.when() == null) {
            warn.accept("plan " + plan.name() + ": discover phase '" + phase.name()
                    + "': 'when' rules cannot be evaluated without the fmf context engine; phase kept");
            return true;
        }
        return phase.when().stream().anyMatch(request.when());
    }

    // --- how: fmf ---------------------------------------------------------------------------------------------

    private static PhaseTests fmfPhase(DiscoveryRequest request, Plan plan, DiscoverPhase.Fmf phase,
                                       Map<String, List<String>> context, Deadline deadline,
                                       Consumer<String> warn) throws InterruptedException {
        String where = phaseWhere(request, plan, phase);
        Path root;
        List<FmfNode> nodes;
        KeyLocator locator = KeyLocator.NONE;
        Deadline gitDeadline = deadline.min(request.gitTimeout());
        if (phase.url() != null) {
            GitCache.Checkout checkout = request.gitCache().checkout(phase.url(), phase.ref(), gitDeadline);
            root = subtree(checkout.directory(), phase.path(), where);
            nodes = load(request, root, context, where);
        } else if (phase.ref() != null) {
            Path local = localRoot(request, phase, where);
            Path top = request.gitCache().repositoryRoot(local, gitDeadline);
            GitCache.Checkout checkout = request.gitCache().checkout(top.toString(), phase.ref(), gitDeadline);
            root = subtree(checkout.directory(), realPath(top).relativize(realPath(local)).toString(), where);
            nodes = load(request, root, context, where);
        } else if (phase.path() != null) {
            root = localRoot(request, phase, where);
            nodes = load(request, root, context, where);
        } else {
            root = request.treeRoot();
            if (!plan.context().isEmpty() && request.loader() != null) {
                nodes = request.loader().load(root, context);
            } else {
                nodes = request.nodes();
                locator = request.locator();
            }
        }

        List<Pattern> names = patterns(phase.test(), where + ": key 'test'");
        List<Pattern> cliNames = patterns(request.names(), "--test");
        List<String> filters = request.filters().isEmpty() ? phase.filter() : request.filters();
        List<Pattern> includes = patterns(request.includes().isEmpty() ? phase.include() : request.includes(),
                request.includes().isEmpty() ? where + ": key 'include'" : "--include");
        List<Pattern> excludes = patterns(request.excludes().isEmpty() ? phase.exclude() : request.excludes(),
                request.excludes().isEmpty() ? where + ": key 'exclude'" : "--exclude");
        List<String> links = request.links().isEmpty() ? phase.link() : request.links();

        TestNormalizer normalizer = TestNormalizer.create().withLocator(locator);
        Map<FmfNode, TestCase> normalized = new IdentityHashMap<>();
        List<FmfNode> candidates = nodes.stream()
                .filter(n -> n.data().containsKey("test"))
                .filter(n -> cliNames.isEmpty() || anyFind(cliNames, n.name()))
                .toList();
        List<TestCase> selected = new ArrayList<>();
        if (names.isEmpty()) {
            selected.addAll(sortedByOrder(candidates, normalizer, normalized, warn));
        } else {
            for (Pattern name : names) {
                List<FmfNode> group = candidates.stream().filter(n -> name.matcher(n.name()).find()).toList();
                selected.addAll(sortedByOrder(group, normalizer, normalized, warn));
            }
        }
        return new PhaseTests(root, prune(request, selected, filters, links, includes, excludes,
                request.filters().isEmpty() ? where + ": key 'filter'" : "--filter"));
    }

    /** {@code [FILE:LINE: ]plan NAME: discover phase 'PHASE'}, the start of a phase's error messages. */
    private static String phaseWhere(DiscoveryRequest request, Plan plan, DiscoverPhase phase) {
        String location = request.locator().locate(plan.name(), "discover");
        return (location == null ? "" : location + ": ") + "plan " + plan.name() + ": discover phase '"
                + phase.name() + "'";
    }

    private static List<FmfNode> load(DiscoveryRequest request, Path root, Map<String, List<String>> context,
                                      String where) {
        if (request.loader() == null) {
            throw new DiscoveryException(where + ": reading the tree at " + root + " needs an fmf tree loader");
        }
        return request.loader().load(root, context);
    }

    private static Path localRoot(DiscoveryRequest request, DiscoverPhase.Fmf phase, String where) {
        if (phase.path() == null) {
            return request.treeRoot();
        }
        Path given = Path.of(phase.path());
        if (given.isAbsolute() && Files.isDirectory(given)) {
            return given;
        }
        return subtree(request.treeRoot(), phase.path(), where);
    }

    private static Path subtree(Path base, String path, String where) {
        if (path == null || path.isBlank()) {
            return base;
        }
        String relative = Coerce.rootedPath(path).substring(1);
        Path root = base.resolve(relative).normalize();
        if (!root.startsWith(base.normalize())) {
            throw new DiscoveryException(where + ": key 'path': '" + path + "' lies outside " + base);
        }
        if (!Files.isDirectory(root)) {
            throw new DiscoveryException(where + ": key 'path': metadata tree path '" + path + "' not found in "
                    + base);
        }
        return root;
    }

    private static Path realPath(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            throw new DiscoveryException("cannot resolve " + path + ": " + e.getMessage(), e);
        }
    }

    // --- how: shell -------------------------------------------------------------------------------------------

    private static PhaseTests shellPhase(DiscoveryRequest request, Plan plan, DiscoverPhase.Shell phase,
                                         Deadline deadline, Consumer<String> warn) throws InterruptedException {
        String where = phaseWhere(request, plan, phase);
        Path root = request.treeRoot();
        if (phase.url() != null) {
            root = request.gitCache().checkout(phase.url(), phase.ref(), deadline.min(request.gitTimeout()))
                    .directory();
        }
        TestNormalizer normalizer = TestNormalizer.create()
                .withDefaultDuration(TestNormalizer.DEFAULT_PLAN_TEST_DURATION);
        List<FmfNode> nodes = new ArrayList<>();
        for (Map<String, Object> raw : phase.tests()) {
            String name = Coerce.rootedPath(Coerce.str(raw.get("name")));
            if (nodes.stream().anyMatch(n -> n.name().equals(name))) {
                throw new DiscoveryException(where + ": duplicate test name '" + name + "'");
            }
            Map<String, Object> data = new LinkedHashMap<>(raw);
            data.remove("name");
            nodes.add(new FmfNode(name, data, ""));
        }
        // fmf climbs child nodes sorted by name
        nodes.sort(Comparator.comparing(FmfNode::name, Discovery::compareNodeNames));
        List<Pattern> cliNames = patterns(request.names(), "--test");
        List<FmfNode> candidates = nodes.stream()
                .filter(n -> cliNames.isEmpty() || anyFind(cliNames, n.name()))
                .toList();
        List<TestCase> selected = sortedByOrder(candidates, normalizer, new IdentityHashMap<>(), warn);
        return new PhaseTests(root, prune(request, selected, request.filters(), request.links(),
                patterns(request.includes(), "--include"), patterns(request.excludes(), "--exclude"), "--filter"));
    }

    /** fmf's order of sibling nodes: by name, level by level. */
    static int compareNodeNames(String a, String b) {
        String[] x = a.split("/", -1);
        String[] y = b.split("/", -1);
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            int c = x[i].compareTo(y[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.length, y.length);
    }

    // --- selection shared by both methods ---------------------------------------------------------------------

    private static List<TestCase> sortedByOrder(List<FmfNode> nodes, TestNormalizer normalizer,
                                                Map<FmfNode, TestCase> cache, Consumer<String> warn) {
        List<TestCase> tests = new ArrayList<>(nodes.size());
        for (FmfNode node : nodes) {
            tests.add(cache.computeIfAbsent(node, n -> normalizer.normalize(n, warn)));
        }
        tests.sort(Comparator.comparingInt(TestCase::order));
        return tests;
    }

    /** tmt's {@code _filters_conditions} with {@code manual is False}, then {@code enabled}. */
    private static List<TestCase> prune(DiscoveryRequest request, List<TestCase> tests, List<String> filters,
                                        List<String> links, List<Pattern> includes, List<Pattern> excludes,
                                        String filterWhere) {
        if (!filters.isEmpty() && request.filter() == null) {
            throw new DiscoveryException(filterWhere + ": filters " + filters + " need the fmf filter engine");
        }
        List<LinkNeedle> needles = links.stream().map(LinkNeedle::parse).toList();
        List<TestCase> kept = new ArrayList<>();
        for (TestCase test : tests) {
            if (test.manual() || !test.enabled()) {
                continue;
            }
            if (!filters.isEmpty()) {
                Map<String, Object> vars = filterVariables(test.metadata());
                boolean passed;
                try {
                    passed = filters.stream().allMatch(f -> request.filter().matches(f, vars));
                } catch (DiscoveryException e) {
                    throw e;
                } catch (CorralException e) {
                    throw new DiscoveryException(filterWhere + ": " + e.getMessage(), e);
                }
                if (!passed) {
                    continue;
                }
            }
            if (!needles.isEmpty() && needles.stream().noneMatch(n -> n.matchesAny(test.link()))) {
                continue;
            }
            if (anyFind(excludes, test.name())) {
                continue;
            }
            if (!includes.isEmpty() && !anyFind(includes, test.name())) {
                continue;
            }
            kept.add(test);
        }
        return kept;
    }

    /** tmt adds the lower-case spelling of booleans before handing data to fmf's filter. */
    private static Map<String, Object> filterVariables(Map<String, Object> metadata) {
        Map<String, Object> vars = new LinkedHashMap<>(metadata);
        vars.replaceAll((k, v) -> v instanceof Boolean b ? List.of(b, b.toString()) : v);
        return vars;
    }

    private static List<Pattern> patterns(List<String> regexes, String where) {
        List<Pattern> out = new ArrayList<>(regexes.size());
        for (String regex : regexes) {
            try {
                out.add(Pattern.compile(regex));
            } catch (PatternSyntaxException e) {
                throw new DiscoveryException(where + ": invalid regular expression '" + regex + "': "
                        + e.getDescription());
            }
        }
        return out;
    }

    private static boolean anyFind(List<Pattern> patterns, String text) {
        return patterns.stream().anyMatch(p -> p.matcher(text).find());
    }

    private static TestCase renamed(TestCase t, String name) {
        Map<String, Object> metadata = new LinkedHashMap<>(t.metadata());
        metadata.put("name", name);
        return new TestCase(name, t.summary(), t.description(), t.contact(), t.component(), t.id(), t.link(),
                t.test(), t.path(), t.framework(), t.manual(), t.require(), t.recommend(), t.environment(),
                t.duration(), t.enabled(), t.order(), t.result(), t.tag(), t.tier(), t.check(),
                t.restartOnExitCode(), t.restartMaxCount(), t.restartWithReboot(), t.tty(), t.extra(), metadata);
    }

    /** tmt's {@code LinkNeedle}: {@code [RELATION:]TARGET}, both regular expressions searched. */
    private record LinkNeedle(Pattern relation, Pattern target) {
        static LinkNeedle parse(String spec) {
            int colon = spec.indexOf(':');
            String relation = colon < 0 ? ".*" : spec.substring(0, colon);
            String target = colon < 0 ? spec : spec.substring(colon + 1);
            List<Pattern> compiled = patterns(List.of(relation, target), "link needle '" + spec + "'");
            return new LinkNeedle(compiled.get(0), compiled.get(1));
        }

        boolean matchesAny(List<Link> links) {
            for (Link link : links) {
                if (!relation.matcher(link.relation()).find()) {
                    continue;
                }
                if (link.target() instanceof String s && target.matcher(s).find()) {
                    return true;
                }
                if (link.target() instanceof Map<?, ?> id && id.get("name") instanceof String name
                        && target.matcher(name).find()) {
                    return true;
                }
            }
            return false;
        }
    }
}
