package dev.corral.fmf;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apiguardian.api.API;

/**
 * An fmf filter such as {@code tag: a, b & tier: -1 | component: x}: {@code |} is or, {@code &} is and (both can
 * be escaped as {@code \|} and {@code \&}), a comma in values is or, a leading {@code -} negates a value, a literal
 * without {@code key:} matches the node name. Values are compared literally or, in regex mode, as
 * {@code re.match("^VALUE$")}; every data value is first turned into a string the way Python's {@code str()} does.
 * A filter naming a key the data lacks selects nothing. Immutable and thread-safe.
 *
 * <pre>{@code
 * Filter filter = Filter.parse("tag: fast & tier: 1");
 * boolean selected = filter.matches(node.data(), node.name(), true, true);
 * }</pre>
 */
@API(status = API.Status.EXPERIMENTAL)
public final class Filter {

    private static final int FLAGS = Pattern.UNICODE_CHARACTER_CLASS | Pattern.UNIX_LINES;
    private static final Pattern OR = Pattern.compile("\\s*(?<!\\\\)\\|\\s*", FLAGS);
    private static final Pattern AND = Pattern.compile("\\s*(?<!\\\\)&\\s*", FLAGS);
    private static final Pattern LITERAL = Pattern.compile("^([^:]*)\\s*:\\s*(.*)$", FLAGS);
    private static final Pattern COMMA = Pattern.compile("\\s*,\\s*", FLAGS);
    private static final String NAME = "\u0000name";

    /** Raised while evaluating when the data lacks a key (fmf's FilterError). */
    private static final class Missing extends Exception {
        private static final Missing INSTANCE = new Missing();

        private Missing() {
            super("missing key", null, false, false);
        }
    }

    /** Parsed clauses: each maps a dimension to its values (AND-ed). */
    private record Parsed(List<Map<String, List<List<String>>>> clauses, boolean invalid, String invalidLiteral) {
    }

    private final String source;
    private volatile Parsed sensitive;
    private volatile Parsed insensitive;

    private Filter(String source) {
        this.source = source;
    }

    /** A filter from its text; the syntax is checked when it is evaluated, as in fmf. */
    public static Filter parse(String filter) {
        return new Filter(Objects.requireNonNull(filter, "filter"));
    }

    /** The filter text as given. */
    public String source() {
        return source;
    }

    /**
     * Whether {@code data} passes {@code filter} (no node name: every literal needs {@code key:}).
     *
     * @throws FmfException for a literal without {@code key:} or an invalid regular expression
     */
    public static boolean matches(String filter, Map<String, ?> data, boolean regex, boolean caseSensitive) {
        return parse(filter).matches(data, null, regex, caseSensitive);
    }

    /**
     * Whether a node with {@code data} and {@code name} (null for none) passes this filter; a key missing from the
     * data fails the whole filter, as fmf's {@code prune()} treats its FilterError.
     *
     * @throws FmfException for a literal without {@code key:} when no name is given, or an invalid regular expression
     */
    public boolean matches(Map<String, ?> data, String name, boolean regex, boolean caseSensitive) {
        try {
            return evaluate(data, name, regex, caseSensitive);
        } catch (Missing e) {
            return false;
        }
    }

    private boolean evaluate(Map<String, ?> data, String name, boolean regex, boolean caseSensitive)
            throws Missing {
        if (source.isEmpty()) {
            return true;
        }
        Parsed parsed = parsed(caseSensitive);
        if (parsed.invalid() && name == null) {
            throw new FmfException("invalid filter '" + parsed.invalidLiteral() + "': use KEY: VALUE");
        }
        Lookup lookup = new Lookup(data, name, caseSensitive);
        boolean any = false;
        for (Map<String, List<List<String>>> clause : parsed.clauses()) {
            boolean all = true;
            for (Map.Entry<String, List<List<String>>> literal : clause.entrySet()) {
                List<String> values = lookup.values(literal.getKey());
                if (values == null) {
                    throw Missing.INSTANCE;
                }
                for (List<String> atoms : literal.getValue()) {
                    boolean passed;
                    try {
                        passed = checkValue(atoms, values, regex, caseSensitive);
                    } catch (FmfException e) {
                        throw new FmfException("invalid filter '" + source + "': " + e.reason(), e);
                    }
                    if (!passed) {
                        all = false;
                    }
                }
            }
            any |= all;
        }
        return any;
    }

    private static boolean checkValue(List<String> atoms, List<String> values, boolean regex, boolean caseSensitive) {
        for (String atom : atoms) {
            if (atom.startsWith("-")) {
                String pattern = atom.substring(1);
                boolean found = false;
                for (String value : values) {
                    if (matchValue(pattern, value, regex)) {
                        found = true;
                        break;
                    }
                }
                if (!found) {
                    return true;
                }
            } else {
                for (String value : values) {
                    if (matchValue(atom, value, regex)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static boolean matchValue(String pattern, String text, boolean regex) {
        if (regex) {
            PyRegex anchored;
            try {
                anchored = PyRegex.compile("^" + pattern + "$");
            } catch (FmfException e) {
                PyRegex.compile(pattern); // names the pattern as written when it is the culprit
                throw e;
            }
            return anchored.matchStart(text);
        }
        return pattern.equals(text);
    }

    private Parsed parsed(boolean caseSensitive) {
        Parsed parsed = caseSensitive ? sensitive : insensitive;
        if (parsed == null) {
            parsed = build(caseSensitive ? source : PyObjects.lower(source));
            if (caseSensitive) {
                sensitive = parsed;
            } else {
                insensitive = parsed;
            }
        }
        return parsed;
    }

    private static Parsed build(String text) {
        List<Map<String, List<List<String>>>> clauses = new ArrayList<>();
        boolean invalid = false;
        String invalidLiteral = null;
        for (String clause : OR.split(text, -1)) {
            Map<String, List<List<String>>> literals = new LinkedHashMap<>();
            for (String literal : AND.split(clause, -1)) {
                Matcher matcher = LITERAL.matcher(literal);
                String dimension;
                String value;
                if (matcher.find()) {
                    dimension = matcher.group(1);
                    value = matcher.group(2);
                } else {
                    if (!invalid) {
                        invalidLiteral = literal;
                    }
                    invalid = true;
                    dimension = NAME;
                    value = literal;
                }
                value = value.replace("\\|", "|").replace("\\&", "&");
                literals.computeIfAbsent(dimension, k -> new ArrayList<>()).add(List.of(COMMA.split(value, -1)));
            }
            clauses.add(literals);
        }
        return new Parsed(clauses, invalid, invalidLiteral);
    }

    /** Data values as Python's filter sees them: lists of {@code str()}, keys lowered when case-insensitive. */
    private static final class Lookup {
        private final Map<String, ?> data;
        private final String name;
        private final boolean caseSensitive;

        Lookup(Map<String, ?> data, String name, boolean caseSensitive) {
            this.data = data;
            this.name = name;
            this.caseSensitive = caseSensitive;
        }

        List<String> values(String dimension) {
            if (dimension.equals(NAME)) {
                return name == null ? null : List.of(caseSensitive ? name : PyObjects.lower(name));
            }
            Object value;
            if (caseSensitive) {
                if (!data.containsKey(dimension)) {
                    return null;
                }
                value = data.get(dimension);
            } else {
                Object found = MISSING;
                for (Map.Entry<String, ?> entry : data.entrySet()) {
                    if (PyObjects.lower(entry.getKey()).equals(dimension)) {
                        found = entry.getValue();
                    }
                }
                if (found == MISSING) {
                    return null;
                }
                value = found;
            }
            List<String> strings = new ArrayList<>();
            if (value instanceof List<?> list) {
                for (Object item : list) {
                    strings.add(convert(item));
                }
            } else {
                strings.add(convert(value));
            }
            return strings;
        }

        private String convert(Object item) {
            String text = PyObjects.str(item);
            return caseSensitive ? text : PyObjects.lower(text);
        }

        private static final Object MISSING = new Object();
    }

    @Override
    public String toString() {
        return source;
    }
}
