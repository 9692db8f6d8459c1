package dev.corral.tmt;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import dev.corral.fmf.Context;
import dev.corral.fmf.Decision;
import dev.corral.fmf.Filter;
import dev.corral.fmf.Node;
import dev.corral.fmf.Tree;

import org.apiguardian.api.API;

/**
 * Plugs the fmf engine into tmt discovery: loads trees with {@code adjust} applied (case-insensitively, as tmt
 * calls fmf), evaluates filters and phase {@code when} rules, and tells where keys were written for error
 * messages. Thread-safe; trees loaded once are kept for the life of this object.
 *
 * <pre>{@code
 * FmfTrees fmf = new FmfTrees();
 * List<FmfNode> nodes = fmf.load(Path.of("."), Map.of("distro", List.of("fedora-40")));
 * DiscoveryRequest request = fmf.request(Path.of("."), nodes).build();
 * }</pre>
 */
@API(status = API.Status.EXPERIMENTAL)
public final class FmfTrees implements TreeLoader, FmfFilter, KeyLocator {
    private final Map<Path, Tree> trees = new ConcurrentHashMap<>();
    private final Map<String, Node> located = new ConcurrentHashMap<>();

    /** The fmf tree at or above {@code path}, loaded once. */
    public Tree tree(Path path) {
        return trees.computeIfAbsent(path.toAbsolutePath().normalize(), Tree::load);
    }

    @Override
    public List<FmfNode> load(Path root, Map<String, List<String>> context) {
        Tree tree = tree(root);
        Tree adjusted = tree.adjust(context(context));
        List<Node> climbed = adjusted.climb();
        List<FmfNode> nodes = new ArrayList<>(climbed.size());
        for (Node node : climbed) {
            located.put(node.name(), node);
            nodes.add(node(tree.root(), node));
        }
        return nodes;
    }

    @Override
    public boolean matches(String expression, Map<String, Object> data) {
        return Filter.matches(expression, data, true, true);
    }

    @Override
    public String locate(String nodeName, String key) {
        Node node = located.get(nodeName);
        if (node == null) {
            return null;
        }
        Optional<Path> file = node.file(key);
        if (file.isEmpty()) {
            return null;
        }
        int line = node.line(key);
        return line > 0 ? file.get() + ":" + line : file.get().toString();
    }

    /** A phase {@code when} rule: enabled only when the context decides it is true, as tmt does. */
    public Predicate<String> when(Map<String, List<String>> context) {
        Context ctx = context(context);
        return rule -> ctx.matches(rule) == Decision.TRUE;
    }

    /** A discovery request wired to this engine: tree root, nodes, filter, loader, locator and {@code when}. */
    public DiscoveryRequest.Builder request(Path root, List<FmfNode> nodes, Map<String, List<String>> context) {
        return DiscoveryRequest.builder()
                .treeRoot(tree(root).root())
                .nodes(nodes)
                .context(context)
                .filter(this)
                .loader(this)
                .locator(this)
                .when(when(context));
    }

    /** tmt's fmf context: case-insensitive comparisons. */
    private static Context context(Map<String, List<String>> dimensions) {
        return Context.of(dimensions).caseSensitive(false);
    }

    private static FmfNode node(Path root, Node node) {
        Path dir = node.directory();
        String definedIn = dir.startsWith(root) ? root.relativize(dir).toString() : "";
        return new FmfNode(node.name(), node.data(), definedIn);
    }
}
