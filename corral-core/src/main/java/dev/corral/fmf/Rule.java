package dev.corral.fmf;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed {@code when} condition: OR groups of AND-ed expressions, parsed exactly as fmf's
 * {@code Context.parse_rule} (so {@code and} binds tighter than {@code or}, a comma in values means or). Parsed
 * rules are cached; instances are immutable and thread-safe.
 */
final class Rule {

    /** One expression: a boolean literal, {@code dim is [not] defined}, or {@code dim OP v1, v2}. */
    record Expression(String dimension, String operator, List<String> values, Boolean literal,
            List<ContextValue> parsed) {
    }

    private static final int FLAGS = Pattern.UNICODE_CHARACTER_CLASS | Pattern.UNIX_LINES;
    private static final Pattern SINGLE_EQUALS = Pattern.compile("(?<!=|!|~|<|>)=(?!=)", FLAGS);
    private static final Pattern OR = Pattern.compile("\\bor\\b", FLAGS);
    private static final Pattern AND = Pattern.compile("\\band\\b", FLAGS);
    private static final Pattern BOOLEAN = Pattern.compile("(true|false)", FLAGS);
    private static final Pattern TRIPLE = Pattern.compile(
            "([\\w-]+)\\s*(~!=|~<=|~>=|==|!=|<=|>=|~=|~<|~>|!~|<|>|~)\\s*([^=].*)", FLAGS);
    private static final Pattern DOUBLE = Pattern.compile("([\\w-]+)\\s*(is defined|is not defined)", FLAGS);
    private static final Map<String, Rule> CACHE = new ConcurrentHashMap<>();

    final List<List<Expression>> groups;

    private Rule(List<List<Expression>> groups) {
        this.groups = groups;
    }

    static final Rule TRUE = new Rule(List.of(List.of(new Expression(null, null, null, Boolean.TRUE, null))));
    static final Rule FALSE = new Rule(List.of(List.of(new Expression(null, null, null, Boolean.FALSE, null))));

    /** Parses (or takes from the cache) a rule; syntax errors raise {@link FmfException}. */
    static Rule parse(String rule) {
        Rule cached = CACHE.get(rule);
        if (cached != null) {
            return cached;
        }
        Rule parsed = new Rule(groups(rule));
        if (CACHE.size() > 10_000) {
            CACHE.clear();
        }
        CACHE.put(rule, parsed);
        return parsed;
    }

    private static List<List<Expression>> groups(String original) {
        String rule = SINGLE_EQUALS.matcher(original).replaceAll("==");
        List<List<Expression>> result = new ArrayList<>();
        for (String orGroup : OR.split(rule, -1)) {
            if (orGroup.isEmpty()) {
                throw new FmfException("invalid rule '" + original + "': empty OR expression");
            }
            List<Expression> and = new ArrayList<>();
            for (String part : AND.split(orGroup, -1)) {
                String stripped = PyObjects.strip(part);
                if (stripped.isEmpty()) {
                    throw new FmfException("invalid rule '" + original + "': empty AND expression");
                }
                and.add(expression(stripped, original));
            }
            result.add(List.copyOf(and));
        }
        return List.copyOf(result);
    }

    private static Expression expression(String text, String rule) {
        Matcher bool = BOOLEAN.matcher(text);
        if (bool.lookingAt()) {
            return new Expression(null, null, null, bool.group(1).charAt(0) == 't', null);
        }
        Matcher triple = TRIPLE.matcher(text);
        if (triple.lookingAt()) {
            List<String> values = new ArrayList<>();
            String raw = triple.group(3);
            int start = 0;
            for (int i = 0; i <= raw.length(); i++) {
                if (i == raw.length() || raw.charAt(i) == ',') {
                    values.add(PyObjects.strip(raw.substring(start, i)));
                    start = i + 1;
                }
            }
            return new Expression(triple.group(1), triple.group(2), List.copyOf(values), null,
                    values.stream().map(ContextValue::new).toList());
        }
        Matcher pair = DOUBLE.matcher(text);
        if (pair.lookingAt()) {
            return new Expression(pair.group(1), pair.group(2), null, null, null);
        }
        throw new FmfException("invalid rule '" + rule + "': cannot parse expression '" + text + "'");
    }
}
