package dev.corral.fmf;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * One node of an fmf tree, such as {@code /tests/smoke}: its name, its data after inheritance (and after
 * {@code adjust} when it comes from an adjusted tree), its place in the tree and where it was defined.
 *
 * <p>{@link #data()} is an ordered, unmodifiable map; nested values are unmodifiable {@link List}s and {@link Map}s
 * (nested map keys may be non-strings), and leaves are {@link String}, {@link Long} or {@link java.math.BigInteger},
 * {@link Double}, {@link Boolean}, {@code null} or {@link Timestamp}. A node is immutable once its tree is returned
 * and may be shared between threads; {@link #parent()} is null only for the root.
 */
@API(status = API.Status.EXPERIMENTAL)
public final class Node {

    /** Where a key was written: a file (absolute) and a 1-based line. */
    record Location(Path file, int line) {
    }

    /** A mapping that gave this node keys, and the file it comes from (absolute). */
    record KeySource(Path file, Map<?, ?> map) {
    }

    private final String name;
    private final Node parent;
    final Tree.Root root;
    final LinkedHashMap<String, Node> children = new LinkedHashMap<>();
    LinkedHashMap<String, Object> own = new LinkedHashMap<>();
    LinkedHashMap<String, Object> data = new LinkedHashMap<>();
    List<KeySource> keySources = new ArrayList<>(2);
    List<Path> sources = new ArrayList<>(2);
    final Map<String, Object> directives = new LinkedHashMap<>();
    boolean updated;
    boolean inherits;
    private List<Node> sortedChildren;
    /** Children already in climb order (set by adjust, which keeps the order). */
    List<Node> presorted;
    /** While {@link Tree#adjust} copies a tree: the node this one copies, whose children it has yet to copy. */
    Node original;
    private Map<String, Object> view;

    Node(String name, Node parent, Tree.Root root) {
        this.name = name;
        this.parent = parent;
        this.root = root;
    }

    /** The node name, like {@code /a/b}; the root is {@code /}. */
    public String name() {
        return name;
    }

    /** The parent node, or null for the root. */
    public Node parent() {
        return parent;
    }

    /** The children in climb order (sorted by name, code point by code point). */
    public List<Node> children() {
        return sortedChildren;
    }

    /** The node data: ordered, unmodifiable, never null. */
    public Map<String, Object> data() {
        return view;
    }

    /** The source files that define this node (inherited ones first), as absolute paths. */
    public List<Path> sources() {
        return Collections.unmodifiableList(sources);
    }

    /**
     * The directory of the file that defines this node (the last of {@link #sources()}), which tmt uses as the
     * default test path; the tree root when no file defines it.
     */
    public Path directory() {
        if (sources.isEmpty()) {
            return root.path();
        }
        Path last = sources.get(sources.size() - 1).getParent();
        return last == null ? root.path() : last;
    }

    /** The file (relative to the tree root) where {@code key} of {@link #data()} was written, when known. */
    public Optional<Path> file(String key) {
        Location location = location(key);
        return location == null ? Optional.empty() : Optional.of(root.relative(location.file()));
    }

    /** Where {@code key} was written: here, or in an ancestor this node inherits it from. */
    Location location(String key) {
        for (Node node = this; node != null; node = node.inherits ? node.parent : null) {
            Location location = node.ownLocation(key);
            if (location != null) {
                return location;
            }
        }
        return null;
    }

    /** Where this node's own data (merge suffixes ignored) defines {@code key}. */
    Location ownLocation(String key) {
        for (int i = keySources.size() - 1; i >= 0; i--) {
            KeySource source = keySources.get(i);
            Object found = null;
            for (Object candidate : source.map().keySet()) {
                if (candidate instanceof String k && !k.startsWith("/") && Merger.baseKey(k).equals(key)) {
                    found = candidate;
                }
            }
            if (found != null) {
                int line = source.map() instanceof YamlMap yaml ? yaml.line(found) : 0;
                return new Location(source.file(), line);
            }
        }
        return null;
    }

    /** Where this node's own data defines exactly {@code key} (with its suffix). */
    Location ownExactLocation(String key) {
        for (int i = keySources.size() - 1; i >= 0; i--) {
            KeySource source = keySources.get(i);
            if (source.map().containsKey(key)) {
                int line = source.map() instanceof YamlMap yaml ? yaml.line(key) : 0;
                return new Location(source.file(), line);
            }
        }
        return null;
    }

    /** The 1-based line where {@code key} of {@link #data()} was written, or 0 when unknown. */
    public int line(String key) {
        Location location = location(key);
        return location == null ? 0 : location.line();
    }

    /** Whether {@code climb()} selects this node: the {@code select} directive, else being a leaf. */
    public boolean selected() {
        Object select = directives.get("select");
        if (select instanceof Boolean b) {
            return b;
        }
        return children.isEmpty();
    }

    @Override
    public String toString() {
        return name;
    }

    /** Sorts children and publishes the read-only data view; called once when the tree is complete. */
    void freeze() {
        List<Node> sorted = presorted;
        if (sorted == null) {
            sorted = new ArrayList<>(children.values());
            if (sorted.size() > 1) {
                sorted.sort((a, b) -> PyObjects.compareCodePoints(a.name, b.name));
            }
        }
        presorted = null;
        sortedChildren = Collections.unmodifiableList(sorted);
        view = ReadOnly.data(data);
        own = null;
    }
}
