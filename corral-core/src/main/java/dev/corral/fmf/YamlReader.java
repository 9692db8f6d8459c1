package dev.corral.fmf;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.ConstructNode;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.ReaderException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.resolver.ScalarResolver;
import org.snakeyaml.engine.v2.schema.Schema;

/**
 * Reads one YAML document the way fmf's loader (ruamel.yaml, safe, YAML 1.2) does: {@code yes}/{@code on} stay
 * strings, {@code 0o17} is octal, {@code 010} is ten, underscores in numbers are ignored, timestamps become
 * {@link Timestamp} (UTC, microseconds), duplicate keys are refused, aliases share one object. Thread-safe.
 */
final class YamlReader {

    private static final Tag TIMESTAMP = new Tag(Tag.PREFIX + "timestamp");
    private static final Tag VALUE = new Tag(Tag.PREFIX + "value");


    private static final ScalarResolver RESOLVER = YamlReader::resolve;
    private static final Schema SCHEMA = new Schema() {
        @Override
        public ScalarResolver getScalarResolver() {
            return RESOLVER;
        }

        @Override
        public Map<Tag, ConstructNode> getSchemaTagConstructors() {
            return Map.of();
        }
    };

    /**
     * Most values aliases may add to a document beyond its own text length: a few anchors can otherwise stand for
     * billions of values ("billion laughs") that every later copy, export or report would expand.
     */
    static final long MAX_ALIAS_EXPANSION = 1_000_000;

    private YamlReader() {
    }

    /** Parses {@code text}; {@code file} (relative) is used in error messages only. */
    static Object read(String text, Path file) {
        LoadSettings settings = LoadSettings.builder()
                .setLabel(file == null ? "<unicode string>" : file.toString())
                .setSchema(SCHEMA)
                .setAllowDuplicateKeys(true)
                .setAllowRecursiveKeys(true)
                .setAllowNonScalarKeys(true)
                .setMaxAliasesForCollections(Integer.MAX_VALUE)
                .setCodePointLimit(Integer.MAX_VALUE)
                .setUseMarks(true)
                .build();
        Optional<Node> root;
        try {
            root = new Compose(settings).composeString(text);
        } catch (MarkedYamlEngineException e) {
            Optional<Mark> mark = e.getProblemMark().isPresent() ? e.getProblemMark() : e.getContextMark();
            String problem = e.getProblem() == null ? "invalid YAML" : e.getProblem();
            String context = e.getContext() == null || e.getContext().isBlank() ? "" : e.getContext() + ": ";
            throw new FmfException(file, mark.map(m -> m.getLine() + 1).orElse(0),
                    "invalid YAML: " + context + problem, e);
        } catch (ReaderException e) {
            throw new FmfException(file, lineAt(text, e.getPosition()), "invalid YAML: " + e.getMessage()
                    + String.format(" (U+%04X)", e.getCodePoint()), e);
        } catch (YamlEngineException | IllegalArgumentException | IllegalStateException e) {
            throw new FmfException(file, 0, "invalid YAML: " + e.getMessage(), e);
        } catch (StackOverflowError e) {
            throw new FmfException(file, 0, "invalid YAML: nested too deeply");
        }
        if (root.isEmpty()) {
            return null;
        }
        Builder builder = new Builder(file);
        Object value = builder.construct(root.get());
        if (builder.aliased) {
            new Expansion(file, MAX_ALIAS_EXPANSION + text.length()).size(root.get());
        }
        return value;
    }

    /** The 1-based line of the code point at {@code position}. */
    private static int lineAt(String text, int position) {
        int line = 1;
        int end = text.offsetByCodePoints(0, Math.min(Math.max(position, 0), text.codePointCount(0, text.length())));
        for (int i = 0; i < end; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    /**
     * Counts the values of a composed document as if every alias were copied out, refusing recursive documents and
     * documents whose aliases expand past a limit; each node is counted once (memoized), so this is linear.
     */
    private static final class Expansion {
        private final Path file;
        private final long limit;
        private final IdentityHashMap<Node, Long> sizes = new IdentityHashMap<>();
        private final java.util.Set<Node> path = java.util.Collections.newSetFromMap(new IdentityHashMap<>());

        Expansion(Path file, long limit) {
            this.file = file;
            this.limit = limit;
        }

        long size(Node node) {
            if (node instanceof ScalarNode) {
                return 1;
            }
            Long known = sizes.get(node);
            if (known != null) {
                return known;
            }
            int line = node.getStartMark().map(m -> m.getLine() + 1).orElse(0);
            if (!path.add(node)) {
                throw new FmfException(file, line, "recursive alias: this value contains itself");
            }
            long size = 1;
            if (node instanceof SequenceNode sequence) {
                for (Node item : sequence.getValue()) {
                    size += size(item);
                }
            } else if (node instanceof MappingNode mapping) {
                for (NodeTuple tuple : mapping.getValue()) {
                    size += size(tuple.getKeyNode()) + size(tuple.getValueNode());
                }
            }
            if (size > limit) {
                throw new FmfException(file, line, "aliases expand this value to more than " + limit
                        + " values: refusing it (a 'billion laughs' document?)");
            }
            path.remove(node);
            sizes.put(node, size);
            return size;
        }
    }

    private static Tag resolve(String value, Boolean implicit) {
        if (!implicit) {
            return Tag.STR;
        }
        return switch (PlainScalar.resolve(value)) {
            case STR -> Tag.STR;
            case NULL -> Tag.NULL;
            case BOOL -> Tag.BOOL;
            case INT -> Tag.INT;
            case FLOAT -> Tag.FLOAT;
            case TIMESTAMP -> TIMESTAMP;
            case MERGE -> Tag.MERGE;
            case VALUE -> VALUE;
        };
    }

    /** Builds values from composed nodes; aliases (the same node) give the same object. */
    private static final class Builder {
        private final Path file;
        private final IdentityHashMap<Node, Object> done = new IdentityHashMap<>();
        /** Whether an alias referred to a collection (only then the expansion is checked). */
        boolean aliased;

        Builder(Path file) {
            this.file = file;
        }

        private FmfException error(Node node, String why) {
            int line = node.getStartMark().map(m -> m.getLine() + 1).orElse(0);
            return new FmfException(file, line, why);
        }

        Object construct(Node node) {
            Object existing = done.get(node);
            if (existing != null || done.containsKey(node)) {
                aliased |= !(node instanceof ScalarNode);
                return existing;
            }
            return switch (node) {
                case ScalarNode scalar -> {
                    Object value = scalar(scalar);
                    done.put(node, value);
                    yield value;
                }
                case SequenceNode sequence -> {
                    if (!sequence.getTag().equals(Tag.SEQ)) {
                        throw error(node, "cannot construct a value for the tag '" + sequence.getTag().getValue()
                                + "'");
                    }
                    List<Object> list = new ArrayList<>(sequence.getValue().size());
                    done.put(node, list);
                    boolean flow = sequence.getFlowStyle() == FlowStyle.FLOW;
                    for (Node item : sequence.getValue()) {
                        if (flow) {
                            checkFlowScalar(item);
                        }
                        list.add(construct(item));
                    }
                    yield list;
                }
                case MappingNode mapping -> {
                    if (!mapping.getTag().equals(Tag.MAP)) {
                        throw error(node, "cannot construct a value for the tag '" + mapping.getTag().getValue()
                                + "'");
                    }
                    YamlMap map = new YamlMap();
                    done.put(node, map);
                    if (mapping.getFlowStyle() == FlowStyle.FLOW) {
                        for (NodeTuple tuple : mapping.getValue()) {
                            checkFlowScalar(tuple.getKeyNode());
                            checkFlowScalar(tuple.getValueNode());
                        }
                    }
                    fill(map, mapping);
                    yield map;
                }
                default -> throw error(node, "unsupported YAML node");
            };
        }

        /**
         * The reference's scanner (libyaml) refuses a plain scalar holding {@code :} inside {@code [...]} or
         * {@code {...}}; the YAML 1.2 parser used here would accept it.
         */
        private void checkFlowScalar(Node node) {
            if (node instanceof ScalarNode scalar && scalar.isPlain() && scalar.getValue().indexOf(':') >= 0) {
                throw error(node, "while scanning a plain scalar: found unexpected ':' (quote values with a colon"
                        + " inside [...] or {...})");
            }
        }

        private void fill(YamlMap map, MappingNode mapping) {
            List<NodeTuple> merged = new ArrayList<>();
            List<NodeTuple> own = new ArrayList<>();
            boolean seenMerge = false;
            for (NodeTuple tuple : mapping.getValue()) {
                Node key = tuple.getKeyNode();
                if (key instanceof ScalarNode s && s.getTag().equals(Tag.MERGE)) {
                    if (seenMerge) {
                        throw error(key, "duplicate key '<<'");
                    }
                    seenMerge = true;
                    merged.addAll(mergeSource(tuple.getValueNode()));
                } else {
                    own.add(tuple);
                }
            }
            for (NodeTuple tuple : merged) {
                Object key = key(tuple.getKeyNode());
                if (PyObjects.findKey(map, key) == PyObjects.MISSING) {
                    map.putWithLine(key, construct(tuple.getValueNode()), line(tuple.getKeyNode()));
                }
            }
            int mergedCount = map.size();
            for (NodeTuple tuple : own) {
                Object key = key(tuple.getKeyNode());
                Object found = PyObjects.findKey(map, key);
                Object value = construct(tuple.getValueNode());
                if (found != PyObjects.MISSING) {
                    boolean fromMerge = indexOf(map, found) < mergedCount;
                    if (!fromMerge) {
                        throw error(tuple.getKeyNode(), "duplicate key '" + PyObjects.str(key) + "'");
                    }
                    map.remove(found);
                }
                map.putWithLine(key, value, line(tuple.getKeyNode()));
            }
        }

        private static int indexOf(Map<Object, Object> map, Object key) {
            int index = 0;
            for (Object candidate : map.keySet()) {
                if (candidate == key || (candidate != null && candidate.equals(key))) {
                    return index;
                }
                index++;
            }
            return -1;
        }

        private List<NodeTuple> mergeSource(Node value) {
            List<NodeTuple> tuples = new ArrayList<>();
            if (value instanceof MappingNode mapping) {
                flatten(mapping, tuples);
            } else if (value instanceof SequenceNode sequence) {
                List<Node> items = new ArrayList<>(sequence.getValue());
                for (Node item : items) {
                    if (!(item instanceof MappingNode mapping)) {
                        throw error(item, "expected a mapping for merging");
                    }
                    flatten(mapping, tuples);
                }
            } else {
                throw error(value, "expected a mapping or list of mappings for merging");
            }
            return tuples;
        }

        private void flatten(MappingNode mapping, List<NodeTuple> into) {
            List<NodeTuple> nested = new ArrayList<>();
            for (NodeTuple tuple : mapping.getValue()) {
                Node key = tuple.getKeyNode();
                if (key instanceof ScalarNode s && s.getTag().equals(Tag.MERGE)) {
                    nested.addAll(mergeSource(tuple.getValueNode()));
                } else {
                    into.add(tuple);
                }
            }
            into.addAll(nested);
        }

        private Object key(Node node) {
            Object key = construct(node);
            if (!PyObjects.hashable(key)) {
                throw error(node, "found unhashable key");
            }
            return key;
        }

        private static int line(Node node) {
            return node.getStartMark().map(m -> m.getLine() + 1).orElse(0);
        }

        private Object scalar(ScalarNode node) {
            String value = node.getValue();
            Tag tag = node.getTag();
            if (tag.equals(Tag.BINARY)) {
                try {
                    Base64.getMimeDecoder().decode(value);
                } catch (IllegalArgumentException e) {
                    throw error(node, "failed to decode base64 data");
                }
                throw error(node, "binary values are not supported");
            }
            try {
                return constructScalar(tag, value);
            } catch (IllegalArgumentException e) {
                throw error(node, e.getMessage());
            }
        }
    }

    private static Object constructScalar(Tag tag, String value) {
        PlainScalar.Kind kind;
        if (tag.equals(Tag.STR)) {
            kind = PlainScalar.Kind.STR;
        } else if (tag.equals(Tag.NULL)) {
            kind = PlainScalar.Kind.NULL;
        } else if (tag.equals(Tag.BOOL)) {
            kind = PlainScalar.Kind.BOOL;
        } else if (tag.equals(Tag.INT)) {
            kind = PlainScalar.Kind.INT;
        } else if (tag.equals(Tag.FLOAT)) {
            kind = PlainScalar.Kind.FLOAT;
        } else if (tag.equals(TIMESTAMP)) {
            kind = PlainScalar.Kind.TIMESTAMP;
        } else if (tag.equals(VALUE)) {
            kind = PlainScalar.Kind.VALUE;
        } else {
            throw new IllegalArgumentException("cannot construct a value for the tag '" + tag.getValue() + "'");
        }
        return PlainScalar.construct(kind, value);
    }
}
