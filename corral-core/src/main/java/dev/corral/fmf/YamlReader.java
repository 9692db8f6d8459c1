package dev.corral.fmf;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.ConstructNode;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
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

    private static final Pattern BOOL = Pattern.compile("true|True|TRUE|false|False|FALSE");
    private static final Pattern FLOAT = Pattern.compile("[-+]?[0-9][0-9_]*\\.[0-9_]*(?:[eE][-+]?[0-9]+)?"
            + "|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+|[-+]?\\.[0-9_]+(?:[eE][-+][0-9]+)?"
            + "|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN)");
    private static final Pattern INT = Pattern.compile("[-+]?0b[0-1_]+|[-+]?0o?[0-7_]+|[-+]?[0-9_]+"
            + "|[-+]?0x[0-9a-fA-F_]+");
    private static final Pattern NULL = Pattern.compile("~|null|Null|NULL|");
    private static final Pattern TIMESTAMP_RESOLVE = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}"
            + "|[0-9]{4}-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \\t]+)[0-9][0-9]?:[0-9]{2}:[0-9]{2}(?:\\.[0-9]*)?"
            + "(?:[ \\t]*(?:Z|[-+][0-9][0-9]?(?::[0-9]{2})?))?");
    private static final Pattern TIMESTAMP_PARTS = Pattern.compile("([0-9]{4})-([0-9][0-9]?)-([0-9][0-9]?)"
            + "(?:(?:[Tt]|[ \\t]+)([0-9][0-9]?):([0-9]{2}):([0-9]{2})(?:\\.([0-9]*))?"
            + "(?:[ \\t]*(Z|([-+])([0-9][0-9]?)(?::([0-9]{2}))?))?)?");

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

    private YamlReader() {
    }

    /** Parses {@code text}; {@code file} (relative) is used in error messages only. */
    static Object read(String text, Path file) {
        LoadSettings settings = LoadSettings.builder()
                .setLabel(file == null ? "<unicode string>" : file.toString())
                .setSchema(SCHEMA)
                .setAllowDuplicateKeys(true)
                .setAllowRecursiveKeys(true)
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
            String context = e.getContext() == null ? "" : e.getContext() + ": ";
            throw new FmfException(file, mark.map(m -> m.getLine() + 1).orElse(0),
                    "invalid YAML: " + context + problem, e);
        } catch (YamlEngineException | IllegalArgumentException | IllegalStateException e) {
            throw new FmfException(file, 0, "invalid YAML: " + e.getMessage(), e);
        } catch (StackOverflowError e) {
            throw new FmfException(file, 0, "invalid YAML: nested too deeply");
        }
        if (root.isEmpty()) {
            return null;
        }
        return new Builder(file).construct(root.get());
    }

    private static Tag resolve(String value, Boolean implicit) {
        if (!implicit) {
            return Tag.STR;
        }
        if (value.isEmpty()) {
            return Tag.NULL;
        }
        char first = value.charAt(0);
        switch (first) {
            case 't', 'T', 'f', 'F' -> {
                if (BOOL.matcher(value).matches()) {
                    return Tag.BOOL;
                }
            }
            case '-', '+', '.', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9' -> {
                if (FLOAT.matcher(value).matches()) {
                    return Tag.FLOAT;
                }
                if (first != '.' && INT.matcher(value).matches()) {
                    return Tag.INT;
                }
                if (first >= '0' && first <= '9' && TIMESTAMP_RESOLVE.matcher(value).matches()) {
                    return TIMESTAMP;
                }
            }
            case '<' -> {
                if (value.equals("<<")) {
                    return Tag.MERGE;
                }
            }
            case '~', 'n', 'N' -> {
                if (NULL.matcher(value).matches()) {
                    return Tag.NULL;
                }
            }
            case '=' -> {
                if (value.equals("=")) {
                    return VALUE;
                }
            }
            default -> {
                return Tag.STR;
            }
        }
        return Tag.STR;
    }

    /** Builds values from composed nodes; aliases (the same node) give the same object. */
    private static final class Builder {
        private final Path file;
        private final IdentityHashMap<Node, Object> done = new IdentityHashMap<>();

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
                    for (Node item : sequence.getValue()) {
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
                    fill(map, mapping);
                    yield map;
                }
                default -> throw error(node, "unsupported YAML node");
            };
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
            if (tag.equals(Tag.STR)) {
                return value;
            } else if (tag.equals(Tag.NULL)) {
                return null;
            } else if (tag.equals(Tag.BOOL)) {
                return switch (value.toLowerCase(java.util.Locale.ROOT)) {
                    case "yes", "y", "true", "on" -> Boolean.TRUE;
                    case "no", "n", "false", "off" -> Boolean.FALSE;
                    default -> throw error(node, "invalid boolean '" + value + "'");
                };
            } else if (tag.equals(Tag.INT)) {
                return integer(node, value);
            } else if (tag.equals(Tag.FLOAT)) {
                return floating(node, value);
            } else if (tag.equals(TIMESTAMP)) {
                return timestamp(node, value);
            } else if (tag.equals(Tag.BINARY)) {
                try {
                    Base64.getMimeDecoder().decode(value);
                } catch (IllegalArgumentException e) {
                    throw error(node, "failed to decode base64 data");
                }
                throw error(node, "binary values are not supported");
            }
            throw error(node, "cannot construct a value for the tag '" + tag.getValue() + "'");
        }

        private Object integer(ScalarNode node, String text) {
            String s = text.replace("_", "");
            int sign = 1;
            if (!s.isEmpty() && s.charAt(0) == '-') {
                sign = -1;
            }
            if (!s.isEmpty() && (s.charAt(0) == '+' || s.charAt(0) == '-')) {
                s = s.substring(1);
            }
            try {
                BigInteger value;
                if (s.equals("0")) {
                    value = BigInteger.ZERO;
                } else if (s.startsWith("0b")) {
                    value = new BigInteger(s.substring(2), 2);
                } else if (s.startsWith("0x")) {
                    value = new BigInteger(s.substring(2), 16);
                } else if (s.startsWith("0o")) {
                    value = new BigInteger(s.substring(2), 8);
                } else {
                    value = PyObjects.parseInt(s);
                    if (value == null) {
                        throw new NumberFormatException(text);
                    }
                }
                return PyObjects.integer(sign < 0 ? value.negate() : value);
            } catch (NumberFormatException e) {
                throw error(node, "invalid integer '" + text + "'");
            }
        }

        private Object floating(ScalarNode node, String text) {
            String s = text.replace("_", "").toLowerCase(java.util.Locale.ROOT);
            double sign = 1;
            if (s.charAt(0) == '-') {
                sign = -1;
            }
            if (s.charAt(0) == '+' || s.charAt(0) == '-') {
                s = s.substring(1);
            }
            if (s.equals(".inf")) {
                return sign * Double.POSITIVE_INFINITY;
            } else if (s.equals(".nan")) {
                return Double.NaN;
            }
            try {
                return sign * Double.parseDouble(s);
            } catch (NumberFormatException e) {
                throw error(node, "invalid float '" + text + "'");
            }
        }

        private Object timestamp(ScalarNode node, String text) {
            Matcher m = TIMESTAMP_PARTS.matcher(text);
            if (!m.matches()) {
                throw error(node, "failed to construct timestamp from \"" + text + "\"");
            }
            try {
                int year = Integer.parseInt(m.group(1));
                int month = Integer.parseInt(m.group(2));
                int day = Integer.parseInt(m.group(3));
                if (m.group(4) == null) {
                    return new Timestamp(LocalDate.of(year, month, day));
                }
                String fraction = m.group(7);
                int frac = 0;
                final int maxFrac = 999_999;
                if (fraction != null && !fraction.isEmpty()) {
                    StringBuilder digits = new StringBuilder(fraction.length() > 6 ? fraction.substring(0, 6)
                            : fraction);
                    while (digits.length() < 6) {
                        digits.append('0');
                    }
                    frac = Integer.parseInt(digits.toString());
                    if (fraction.length() > 6 && fraction.charAt(6) > '4') {
                        frac++;
                    }
                }
                int micro = frac > maxFrac ? 0 : frac;
                LocalDateTime time = LocalDateTime.of(year, month, day, Integer.parseInt(m.group(4)),
                        Integer.parseInt(m.group(5)), Integer.parseInt(m.group(6)), micro * 1000);
                long deltaSeconds = 0;
                boolean delta = false;
                if (m.group(9) != null) {
                    int hours = Integer.parseInt(m.group(10));
                    int minutes = m.group(11) == null ? 0 : Integer.parseInt(m.group(11));
                    deltaSeconds = hours * 3600L + minutes * 60L + (frac > maxFrac ? 1 : 0);
                    if (m.group(9).equals("-")) {
                        deltaSeconds = -deltaSeconds;
                    }
                    delta = true;
                } else if (frac > maxFrac) {
                    deltaSeconds = -1;
                    delta = true;
                }
                if (delta) {
                    time = time.minusSeconds(deltaSeconds);
                }
                return new Timestamp(time);
            } catch (DateTimeException | NumberFormatException e) {
                throw error(node, "invalid timestamp '" + text + "'");
            }
        }
    }
}
