package dev.corral.fmf;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * An fmf metadata tree, loaded and inherited exactly as python fmf 1.7 does it.
 *
 * <p>{@link #load(Path)} finds the root (the nearest directory with {@code .fmf/}), reads every metadata file and
 * applies inheritance; {@link #adjust(Context)} returns a new tree with the {@code adjust} rules applied;
 * {@link #climb()} and {@link #prune} select nodes in fmf's order. A tree is immutable and may be shared between
 * threads. Loading blocks on file I/O.
 *
 * <pre>{@code
 * Tree tree = Tree.load(Path.of("tests")).adjust(Context.parse("distro=fedora-40"));
 * for (Node test : tree.prune(List.of("test"), List.of(), List.of("tier: 1"))) {
 *     System.out.println(test.name() + " " + test.data().get("test"));
 * }
 * }</pre>
 */
@API(status = API.Status.EXPERIMENTAL)
public final class Tree {

    /** The root directory, shared by all nodes of one tree. */
    record Root(Path path) {
        /** {@code file} relative to the root when it is inside, else as is. */
        Path relative(Path file) {
            if (file == null || !file.isAbsolute()) {
                return file;
            }
            try {
                return file.startsWith(path) ? path.relativize(file) : file;
            } catch (IllegalArgumentException e) {
                return file;
            }
        }
    }

    private static final String ADJUST = "adjust";
    private static final List<String> CONTROL = List.of("because", "continue", "when");

    private final Root root;
    private final Node top;
    private volatile List<Node> climbed;

    Tree(Root root, Node top) {
        this.root = root;
        this.top = top;
    }

    /**
     * Loads the tree containing {@code path} (the root itself or any directory inside it).
     *
     * @throws FmfException when the tree is not valid for fmf: no root, bad version, bad YAML, duplicate keys,
     *                       unknown directives, merge errors and the like
     */
    public static Tree load(Path path) {
        Objects.requireNonNull(path, "path");
        return TreeLoader.load(path);
    }

    /** The root directory of the tree (the one holding {@code .fmf/}). */
    public Path root() {
        return root.path();
    }

    /** The root node, named {@code /}. */
    public Node rootNode() {
        return top;
    }

    /**
     * The selected nodes in fmf's climb order: depth first, children sorted by name, leaves and nodes with the
     * {@code select: true} directive, without those with {@code select: false}.
     */
    public List<Node> climb() {
        List<Node> result = climbed;
        if (result == null) {
            result = Collections.unmodifiableList(climb(false));
            climbed = result;
        }
        return result;
    }

    /** Like {@link #climb()}; with {@code whole} every node, the root included. */
    public List<Node> climb(boolean whole) {
        List<Node> result = new ArrayList<>();
        climb(top, whole, result);
        return result;
    }

    private static void climb(Node node, boolean whole, List<Node> into) {
        if (whole || node.selected()) {
            into.add(node);
        }
        for (Node child : node.children()) {
            climb(child, whole, into);
        }
    }

    /** The node named {@code name} (e.g. {@code /tests/smoke}), or null. */
    public Node find(String name) {
        for (Node node : climb(true)) {
            if (node.name().equals(name)) {
                return node;
            }
        }
        return null;
    }

    /**
     * fmf's {@code prune()}: climbed nodes having every key of {@code keys}, whose name matches (Python
     * {@code re.search}) any of {@code names} when given, and passing every filter in regex mode, case-sensitively;
     * a filter on a key a node lacks drops that node.
     *
     * @throws FmfException for an invalid regular expression
     */
    public List<Node> prune(List<String> keys, List<String> names, List<String> filters) {
        return prune(false, keys, names, filters);
    }

    /** Like {@link #prune(List, List, List)}; with {@code whole} all nodes are candidates. */
    public List<Node> prune(boolean whole, List<String> keys, List<String> names, List<String> filters) {
        List<PyRegex> nameRegexes = names.stream().map(PyRegex::compile).toList();
        List<Filter> parsed = filters.stream().map(Filter::parse).toList();
        List<Node> result = new ArrayList<>();
        for (Node node : whole ? climb(true) : climb()) {
            if (!node.data().keySet().containsAll(keys)) {
                continue;
            }
            if (!nameRegexes.isEmpty() && nameRegexes.stream().noneMatch(r -> r.search(node.name()))) {
                continue;
            }
            boolean passed = true;
            for (Filter filter : parsed) {
                if (!filter.matches(node.data(), node.name(), true, true)) {
                    passed = false;
                    break;
                }
            }
            if (passed) {
                result.add(node);
            }
        }
        return result;
    }

    /**
     * A new tree with each node's {@code adjust} rules applied for {@code context} (fmf's {@code Tree.adjust} with
     * undecided rules skipped and the context's case sensitivity); this tree is left unchanged.
     *
     * @throws FmfException for invalid rules: not a mapping, a bad {@code when} or {@code continue}, merge errors
     */
    public Tree adjust(Context context) {
        Objects.requireNonNull(context, "context");
        Decisions decisions = new Decisions(context);
        Node copy = copy(top, null);
        java.util.concurrent.ForkJoinPool pool = Subtrees.pool();
        try {
            Subtrees.preorder(copy, node -> {
                copyChildren(node);
                try {
                    applyRules(node, decisions);
                } catch (FmfException e) {
                    Node.Location where = node.location(ADJUST);
                    throw where == null ? e : e.at(root.relative(where.file()), where.line());
                }
                node.freeze();
            }, pool);
        } finally {
            pool.shutdown();
        }
        return new Tree(root, copy);
    }

    /** Decisions of one adjust run, memoized per parsed rule and per rule mapping. Thread-safe. */
    private static final class Decisions {
        private final Context context;
        private final Map<Rule, Decision> known = new java.util.concurrent.ConcurrentHashMap<>();
        private final Map<Object, Boolean> merging = java.util.Collections.synchronizedMap(
                new java.util.IdentityHashMap<>());

        Decisions(Context context) {
            this.context = context;
        }

        /** Whether a rule has a key with a merge suffix, a non-string key, or an adjust key (memoized). */
        boolean mayMerge(Map<?, ?> rule) {
            Boolean known = merging.get(rule);
            if (known == null) {
                known = false;
                for (Object key : rule.keySet()) {
                    if (!(key instanceof String text) || !Merger.baseKey(text).equals(text)
                            || text.equals(ADJUST)) {
                        known = true;
                        break;
                    }
                }
                merging.put(rule, known);
            }
            return known;
        }

        Decision decide(Rule rule) {
            return known.computeIfAbsent(rule, context::decide);
        }
    }

    /**
     * A copy of {@code node} sharing its data (until a rule changes it), without children yet:
     * {@link #copyChildren} adds them when the parallel walk reaches the copy.
     */
    private Node copy(Node node, Node parent) {
        Node copy = new Node(node.name(), parent, root);
        copy.data = node.data;
        copy.sources = node.sources;
        copy.keySources = node.keySources;
        copy.directives.putAll(node.directives);
        copy.updated = node.updated;
        copy.inherits = node.inherits;
        copy.original = node;
        return copy;
    }

    /** Gives {@code copy} copies of its original's children, keeping their order. */
    private void copyChildren(Node copy) {
        Node node = copy.original;
        copy.original = null;
        if (node.children.isEmpty()) {
            return;
        }
        java.util.IdentityHashMap<Node, Node> copies = new java.util.IdentityHashMap<>(node.children.size() * 2);
        for (Map.Entry<String, Node> child : node.children.entrySet()) {
            Node copied = copy(child.getValue(), copy);
            copy.children.put(child.getKey(), copied);
            copies.put(child.getValue(), copied);
        }
        List<Node> sorted = new ArrayList<>(node.children().size());
        for (Node child : node.children()) {
            sorted.add(copies.get(child));
        }
        copy.presorted = sorted;
    }

    /** fmf's adjust of one node: the first applied rule makes the node's data private (a deep copy). */
    @SuppressWarnings("unchecked")
    private static void applyRules(Node node, Decisions context) {
        if (!node.data.containsKey(ADJUST)) {
            return;
        }
        Object original = node.data.get(ADJUST);
        List<Object> rules;
        if (original instanceof Map) {
            rules = List.of(original);
        } else if (original instanceof List<?> list) {
            rules = (List<Object>) list;
        } else {
            throw new FmfException("invalid adjust rule format in '" + node.name()
                    + "': should be a dictionary or a list of dictionaries, got '" + PyObjects.typeName(original)
                    + "'");
        }
        Ownership owned = null;
        for (int i = 0; i < rules.size(); i++) {
            Object rule = rules.get(i);
            if (!(rule instanceof Map<?, ?> map)) {
                throw new FmfException("adjust rule should be a dictionary in '" + node.name() + "'");
            }
            Rule condition = condition(map, node);
            Object proceed = map.containsKey("continue") ? map.get("continue") : Boolean.TRUE;
            if (!(proceed instanceof Boolean proceedFlag)) {
                throw new FmfException("the 'continue' value should be bool, got '" + PyObjects.str(proceed) + "'");
            }
            if (context.decide(condition) != Decision.TRUE) {
                continue;
            }
            if (owned == null) {
                owned = Merger.ownership();
                node.data = new LinkedHashMap<>(node.data);
                owned.add(node.data);
                if (rulesMayChange(rules, i, context, node)) {
                    Object copy = Merger.ownedCopy(original, owned);
                    node.data.put(ADJUST, copy);
                    rules = original instanceof Map ? List.of(copy) : (List<Object>) copy;
                    map = (Map<?, ?>) rules.get(i);
                }
            }
            Merger.mergeRule((Map<Object, Object>) (Map<?, ?>) node.data, map, CONTROL, node.name(), owned);
            if (!proceedFlag) {
                break;
            }
        }
    }

    /**
     * Whether applying the rules from {@code first} on may change rule content in place, as the reference does
     * when a rule merges (with a suffix) into a value an earlier rule has set, or touches {@code adjust} itself;
     * only then the rules are copied first so that the node's {@code adjust} shows the same result. Conservative.
     */
    private static boolean rulesMayChange(List<Object> rules, int first, Decisions context, Node node) {
        boolean later = false;
        for (int i = first + 1; i < rules.size() && !later; i++) {
            later = !(rules.get(i) instanceof Map<?, ?> map) || context.mayMerge(map);
        }
        if (!later && rules.get(first) instanceof Map<?, ?> map && !context.mayMerge(map)) {
            return false;
        }
        java.util.Set<String> touched = new java.util.HashSet<>();
        int last = later ? rules.size() : first + 1;
        for (int i = first; i < last; i++) {
            if (!(rules.get(i) instanceof Map<?, ?> map)) {
                return true;
            }
            Rule condition = condition(map, node);
            Object proceed = map.containsKey("continue") ? map.get("continue") : Boolean.TRUE;
            if (!(proceed instanceof Boolean)) {
                return true;
            }
            if (i > first && context.decide(condition) != Decision.TRUE) {
                continue;
            }
            for (Object key : map.keySet()) {
                if (CONTROL.contains(key)) {
                    continue;
                }
                if (!(key instanceof String text)) {
                    return true;
                }
                String base = Merger.baseKey(text);
                if (base.equals(ADJUST) || (!base.equals(text) && touched.contains(base))) {
                    return true;
                }
                touched.add(base);
            }
            if (Boolean.FALSE.equals(proceed)) {
                break;
            }
        }
        return false;
    }

    private static Rule condition(Map<?, ?> rule, Node node) {
        if (!rule.containsKey("when")) {
            return Rule.TRUE;
        }
        Object when = rule.get("when");
        if (when instanceof Boolean b) {
            return b ? Rule.TRUE : Rule.FALSE;
        }
        if (when instanceof String text) {
            return Rule.parse(text);
        }
        throw new FmfException("invalid adjust rule in '" + node.name() + "': 'when' should be a string, got '"
                + PyObjects.typeName(when) + "'");
    }

    @Override
    public String toString() {
        return "Tree[" + root.path() + "]";
    }
}
