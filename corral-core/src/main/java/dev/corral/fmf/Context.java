package dev.corral.fmf;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * The environment a tree is adjusted for: dimensions ({@code distro}, {@code arch}, ...) each with one or more
 * values, and fmf 1.7's rule language to test it ({@code distro < fedora-33 and arch == x86_64, ppc64},
 * {@code trigger is defined}, {@code arch ~ ^ppc}, ...), with fmf's three-valued outcome.
 *
 * <p>Values are compared case-insensitively by default, as tmt calls fmf; {@link #caseSensitive(boolean)} gives
 * fmf's own default. Regular expressions ({@code ~}, {@code !~}) always respect case, as in fmf. Immutable and
 * thread-safe.
 *
 * <pre>{@code
 * Context context = Context.parse("distro=fedora-33", "arch=x86_64,ppc64");
 * context.matches("distro < fedora-rawhide");   // Decision.TRUE
 * }</pre>
 */
@API(status = API.Status.EXPERIMENTAL)
public final class Context {

    private static final Context EMPTY = new Context(Map.of(), false);

    private final Map<String, List<ContextValue>> dimensions;
    private final Map<String, List<String>> values;
    private final boolean caseSensitive;

    private Context(Map<String, List<String>> values, boolean caseSensitive) {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        Map<String, List<ContextValue>> parsed = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> entry : values.entrySet()) {
            List<String> list = List.copyOf(entry.getValue());
            copy.put(entry.getKey(), list);
            parsed.put(entry.getKey(), list.stream().map(ContextValue::new).toList());
        }
        this.values = Collections.unmodifiableMap(copy);
        this.dimensions = parsed;
        this.caseSensitive = caseSensitive;
    }

    /** A context with no dimension. */
    public static Context empty() {
        return EMPTY;
    }

    /**
     * A context from dimension names to a value or a collection of values (each turned into a string with
     * {@link String#valueOf(Object)}). Null maps or names are refused.
     */
    public static Context of(Map<String, ?> dimensions) {
        Objects.requireNonNull(dimensions, "dimensions");
        Map<String, List<String>> values = new LinkedHashMap<>();
        dimensions.forEach((name, value) -> {
            Objects.requireNonNull(name, "dimension name");
            List<String> list = new ArrayList<>();
            if (value instanceof Collection<?> many) {
                many.forEach(v -> list.add(String.valueOf(v)));
            } else {
                list.add(String.valueOf(value));
            }
            values.put(name, list);
        });
        return new Context(values, false);
    }

    /**
     * A context from definitions like {@code distro=fedora-33} or {@code arch=x86_64,ppc64} (a comma separates the
     * values of a multi-valued dimension; the same dimension given twice collects all values).
     *
     * @throws FmfException for a definition without {@code =} or with an empty dimension name
     */
    public static Context parse(String... definitions) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        for (String definition : definitions) {
            int equals = definition.indexOf('=');
            if (equals <= 0) {
                throw new FmfException("invalid context '" + definition + "': use DIMENSION=VALUE[,VALUE...]");
            }
            String name = PyObjects.strip(definition.substring(0, equals));
            if (name.isEmpty()) {
                throw new FmfException("invalid context '" + definition + "': empty dimension name");
            }
            List<String> list = values.computeIfAbsent(name, k -> new ArrayList<>());
            for (String value : definition.substring(equals + 1).split(",", -1)) {
                list.add(PyObjects.strip(value));
            }
        }
        return new Context(values, false);
    }

    /** A copy comparing values case-sensitively ({@code true}, fmf's default) or not ({@code false}, tmt's way). */
    public Context caseSensitive(boolean sensitive) {
        return sensitive == caseSensitive ? this : new Context(values, sensitive);
    }

    /** Whether values are compared case-sensitively. */
    public boolean isCaseSensitive() {
        return caseSensitive;
    }

    /** The dimensions and their values, in the order given. */
    public Map<String, List<String>> dimensions() {
        return values;
    }

    /**
     * Decides a {@code when} rule against this context.
     *
     * @throws FmfException when the rule cannot be parsed or holds an invalid regular expression
     */
    public Decision matches(String rule) {
        return decide(Rule.parse(Objects.requireNonNull(rule, "rule")));
    }

    Decision decide(Rule rule) {
        Boolean finalOutcome = null;
        boolean valid = false;
        List<List<Rule.Expression>> groups = rule.groups;
        for (int g = 0; g < groups.size(); g++) {
            List<Rule.Expression> group = groups.get(g);
            Boolean andOutcome = null;
            boolean andValid = false;
            for (int e = 0; e < group.size(); e++) {
                Rule.Expression expression = group.get(e);
                Boolean result = evaluate(expression);
                if (andValid) {
                    if (Boolean.FALSE.equals(andOutcome) || Boolean.FALSE.equals(result)) {
                        andOutcome = false;
                    } else if (Boolean.TRUE.equals(result) && Boolean.TRUE.equals(andOutcome)) {
                        andOutcome = true;
                    } else {
                        andOutcome = null;
                    }
                } else {
                    andValid = true;
                    andOutcome = result;
                }
                if (Boolean.FALSE.equals(andOutcome)) {
                    break;
                }
            }
            if (Boolean.TRUE.equals(andOutcome)) {
                return Decision.TRUE;
            }
            if (valid) {
                finalOutcome = (andOutcome == null || finalOutcome == null) ? null : Boolean.FALSE;
            } else {
                finalOutcome = andOutcome;
                valid = true;
            }
        }
        return Boolean.FALSE.equals(finalOutcome) ? Decision.FALSE : Decision.CANNOT_DECIDE;
    }

    /** TRUE, FALSE, or null for CannotDecide. */
    private Boolean evaluate(Rule.Expression expression) {
        if (expression.literal() != null) {
            return expression.literal();
        }
        String operator = expression.operator();
        if (operator.equals("is defined")) {
            return dimensions.containsKey(expression.dimension());
        }
        if (operator.equals("is not defined")) {
            return !dimensions.containsKey(expression.dimension());
        }
        List<ContextValue> known = dimensions.get(expression.dimension());
        if (known == null) {
            return null;
        }
        boolean decided = false;
        List<ContextValue> values = expression.parsed();
        for (int l = 0; l < known.size(); l++) {
            ContextValue left = known.get(l);
            for (int v = 0; v < values.size(); v++) {
                ContextValue value = values.get(v);
                try {
                    if (compare(operator, left, value)) {
                        return true;
                    }
                    decided = true;
                } catch (ContextValue.CannotDecide e) {
                    // try the other pairs
                }
            }
        }
        return decided ? Boolean.FALSE : null;
    }

    private boolean compare(String operator, ContextValue left, ContextValue value) throws ContextValue.CannotDecide {
        return switch (operator) {
            case "==" -> cmp(left, value, false, false) == 0;
            case "!=" -> cmp(left, value, false, false) != 0;
            case "<" -> cmp(left, value, false, true) < 0;
            case "<=" -> cmp(left, value, false, true) <= 0;
            case ">" -> cmp(left, value, false, true) > 0;
            case ">=" -> cmp(left, value, false, true) >= 0;
            case "~=" -> cmp(left, value, true, false) == 0;
            case "~!=" -> cmp(left, value, true, false) != 0;
            case "~<" -> cmp(left, value, true, true) < 0;
            case "~<=" -> cmp(left, value, true, true) <= 0;
            case "~>" -> cmp(left, value, true, true) > 0;
            case "~>=" -> cmp(left, value, true, true) >= 0;
            case "~" -> PyRegex.compile(value.raw).search(left.raw);
            case "!~" -> !PyRegex.compile(value.raw).search(left.raw);
            default -> throw new FmfException("unknown operator '" + operator + "'");
        };
    }

    private int cmp(ContextValue left, ContextValue value, boolean minor, boolean ordered)
            throws ContextValue.CannotDecide {
        return left.versionCompare(value, minor, ordered, caseSensitive);
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
