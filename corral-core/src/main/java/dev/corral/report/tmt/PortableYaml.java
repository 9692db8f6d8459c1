package dev.corral.report.tmt;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Block YAML written by hand: byte for byte what snakeyaml-engine's {@code Dump} writes with {@link TmtResultsYaml}'s
 * settings (block style, lines never split, {@link PortableSchema}), without its per-scalar analysis and regular
 * expressions. It writes only what it knows snakeyaml writes the same way, and gives up on the whole document
 * (returns {@code null}) as soon as anything is outside that:
 * <ul>
 *   <li>the document: a non-empty list; list items are scalars, {@code []}, {@code {}} or mappings (not lists);
 *       mapping values are scalars, {@code []}, {@code {}}, lists or mappings;</li>
 *   <li>scalars: {@link Integer}s and {@link Long}s, written plain, and strings of printable ASCII (space to
 *       {@code ~}: no tab, line break or other character snakeyaml escapes); keys are strings of 1 to 100
 *       characters (from 128 snakeyaml writes a key as {@code ? key});</li>
 *   <li>a string is single-quoted (each {@code '} doubled) when empty, or when the emitter does not write it plain in
 *       block context: it starts or ends with a space, starts with {@code ---}, {@code ...}, one of
 *       {@code #,[]{}&*!|>'"%@`}, or one of {@code ? : -} followed by a space or nothing, or has {@code :} followed by
 *       a space or at its end, or {@code #} after a space;</li>
 *   <li>otherwise it is plain when surely a string under {@link PortableSchema}, single-quoted when surely another
 *       type there (a YAML 1.1 or 1.2 boolean or null word, {@code ~}, {@code <<}, {@code =}, digits, digits with
 *       one {@code .}, a timestamp as {@link TmtResultsYaml#timestamp} writes it, {@code h+:mm:ss} with {@code h}
 *       not starting with {@code 0}), and the document is given up when not sure. Surely a string: starting with
 *       none of {@code 0-9 + - . $} and not one of those words; starting with {@code $} but not <code>${</code>; or
 *       starting with {@code 0-9 + - .} and having a character no number or timestamp has (one other than
 *       {@code 0-9 + - . _ :}, space, {@code a-f A-F o x i n I N T t Z}), or having a {@code -} after the first
 *       character and not after {@code e} or {@code E} without starting as a date ({@code dddd-}), or being
 *       {@code 0h+:mm:ss}.</li>
 * </ul>
 */
final class PortableYaml {
    private static final int MAX_KEY_LENGTH = 100;

    /** Every YAML 1.1 or 1.2 boolean and null, and the other words {@link PortableSchema} resolves to a type. */
    private static final Set<String> WORDS = Set.of("y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
            "true", "True", "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF",
            "null", "Null", "NULL", "~", "<<", "=");
    private static final int MAX_WORD_LENGTH = 5;

    /** Every first character of a value that any of {@link PortableSchema}'s types can have. */
    private static final String TYPED_FIRST_CHARACTERS = "yYnNtTfFoO0123456789+-.<~=$";

    /** Every character a number or timestamp starting with a digit, sign or dot can have (tabs are never plain). */
    private static final boolean[] NUMBER_CHARACTERS = characters("0123456789+-._: abcdefABCDEFoxinINTtZ");

    /** {@link TmtResultsYaml#timestamp}'s shape: {@code 9} is a digit, anything else itself. */
    private static final String TIMESTAMP = "9999-99-99T99:99:99.999999+99:99";

    private enum Style { PLAIN, QUOTED }

    private PortableYaml() {
    }

    /** The non-empty {@code document} as snakeyaml writes it, or {@code null} if anything in it is outside. */
    static String write(List<?> document) {
        StringBuilder out = new StringBuilder(document.size() * 640);
        return !document.isEmpty() && sequence(document, 0, out) ? out.toString() : null;
    }

    /** A block list: items at {@code indent}, mappings in items going on at {@code indent + 2}. */
    private static boolean sequence(List<?> items, int indent, StringBuilder out) {
        for (Object item : items) {
            out.repeat(' ', indent).append("- ");
            if (item instanceof List<?> list && !list.isEmpty()) {
                return false;
            }
            boolean written = item instanceof Map<?, ?> map && !map.isEmpty()
                    ? mapping(map, indent + 2, true, out)
                    : leaf(item, out);
            if (!written) {
                return false;
            }
        }
        return true;
    }

    /** A block mapping at {@code indent}; the first key right where the output is when {@code inline}. */
    private static boolean mapping(Map<?, ?> map, int indent, boolean inline, StringBuilder out) {
        boolean first = true;
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            if (!(first && inline)) {
                out.repeat(' ', indent);
            }
            first = false;
            if (!(entry.getKey() instanceof String key) || key.isEmpty() || key.length() > MAX_KEY_LENGTH
                    || !string(key, out)) {
                return false;
            }
            out.append(':');
            Object value = entry.getValue();
            boolean written;
            if (value instanceof Map<?, ?> nested && !nested.isEmpty()) {
                written = mapping(nested, indent + 2, false, out.append('\n'));
            } else if (value instanceof List<?> items && !items.isEmpty()) {
                written = sequence(items, indent, out.append('\n'));
            } else {
                written = leaf(value, out.append(' '));
            }
            if (!written) {
                return false;
            }
        }
        return true;
    }

    /** A scalar, {@code []} or {@code {}}, and the line's end. */
    private static boolean leaf(Object value, StringBuilder out) {
        if (value instanceof String string) {
            if (!string(string, out)) {
                return false;
            }
        } else if (value instanceof Integer || value instanceof Long) {
            out.append(((Number) value).longValue());
        } else if (value instanceof List<?> list && list.isEmpty()) {
            out.append("[]");
        } else if (value instanceof Map<?, ?> map && map.isEmpty()) {
            out.append("{}");
        } else {
            return false;
        }
        out.append('\n');
        return true;
    }

    private static boolean string(String value, StringBuilder out) {
        Style style = style(value);
        if (style == Style.PLAIN) {
            out.append(value);
        } else if (style == Style.QUOTED) {
            out.append('\'');
            int start = 0;
            for (int quote = value.indexOf('\''); quote >= 0; quote = value.indexOf('\'', start)) {
                out.append(value, start, quote + 1).append('\'');
                start = quote + 1;
            }
            out.append(value, start, value.length()).append('\'');
        } else {
            return false;
        }
        return true;
    }

    /** How snakeyaml writes {@code value}, or {@code null} when not sure. */
    private static Style style(String value) {
        if (value.isEmpty()) {
            return Style.QUOTED;
        }
        Style allowed = analyze(value);
        if (allowed != Style.PLAIN) {
            return allowed;
        }
        Boolean string = isString(value);
        return string == null ? null : string ? Style.PLAIN : Style.QUOTED;
    }

    /**
     * The emitter's analysis of the non-empty {@code value}, in one pass: {@code null} unless it is printable ASCII,
     * {@link Style#QUOTED} when the emitter does not write it plain in block context, {@link Style#PLAIN} when it
     * does if the schema resolves it to a string.
     */
    private static Style analyze(String value) {
        int last = value.length() - 1;
        char first = value.charAt(0);
        boolean plain = first != ' ' && value.charAt(last) != ' ' && "#,[]{}&*!|>'\"%@`".indexOf(first) < 0
                && !("?:-".indexOf(first) >= 0 && (last == 0 || value.charAt(1) == ' '))
                && !value.startsWith("---") && !value.startsWith("...");
        char previous = first;
        for (int i = 0; i <= last; i++) {
            char c = value.charAt(i);
            if (c < ' ' || c > '~') {
                return null;
            }
            if (i > 0 && (c == ':' && (i == last || value.charAt(i + 1) == ' ') || c == '#' && previous == ' ')) {
                plain = false;
            }
            previous = c;
        }
        return plain ? Style.PLAIN : Style.QUOTED;
    }

    /**
     * Whether {@link PortableSchema} surely resolves the non-empty printable ASCII {@code value}, which has no
     * space at either end, to a string ({@code true}) or surely to another type ({@code false}); {@code null} when
     * not sure.
     */
    private static Boolean isString(String value) {
        char first = value.charAt(0);
        if (value.length() <= MAX_WORD_LENGTH && WORDS.contains(value)) {
            return false;
        }
        if (TYPED_FIRST_CHARACTERS.indexOf(first) < 0 || "yYnNtTfFoO<~=".indexOf(first) >= 0) {
            return true;
        }
        if (first == '$') {
            return value.startsWith("${") ? null : Boolean.TRUE;
        }
        return isNumberlessString(value) ? Boolean.TRUE : isNumberShapedString(value);
    }

    /** Whether the printable ASCII {@code value}, starting with a digit, sign or dot, surely is no number or date. */
    private static boolean isNumberlessString(String value) {
        boolean dash = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!NUMBER_CHARACTERS[c]) {
                return true;
            }
            // numbers have a '-' only first or after an exponent's e, timestamps first after four digits
            dash |= c == '-' && i > 0 && value.charAt(i - 1) != 'e' && value.charAt(i - 1) != 'E';
        }
        return dash && !(value.length() > 4 && digits(value, 0, 4) && value.charAt(4) == '-');
    }

    /**
     * Whether {@code value}, starting with a digit, sign or dot, surely is a string ({@code true}: a duration that is
     * no YAML 1.1 integer), surely a number or timestamp ({@code false}), or {@code null} when not sure.
     */
    private static Boolean isNumberShapedString(String value) {
        int length = value.length();
        int dot = value.indexOf('.');
        if (digits(value, 0, length)
                || dot > 0 && dot < length - 1 && digits(value, 0, dot) && digits(value, dot + 1, length)
                || isTimestamp(value)) {
            return false;
        }
        // h+:mm:ss is a YAML 1.1 sexagesimal integer unless h starts with 0, or a minute or second digit is 6-9
        int colon = length - 6;
        if (colon > 0 && digits(value, 0, colon) && value.charAt(colon) == ':' && digits(value, colon + 1, colon + 3)
                && value.charAt(colon + 3) == ':' && digits(value, colon + 4, length)) {
            if (value.charAt(0) == '0') {
                return true;
            }
            if (value.charAt(colon + 1) <= '5' && value.charAt(colon + 4) <= '5') {
                return false;
            }
        }
        return null;
    }

    private static boolean isTimestamp(String value) {
        if (value.length() != TIMESTAMP.length()) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char shape = TIMESTAMP.charAt(i);
            if (shape == '9' ? !digits(value, i, i + 1) : value.charAt(i) != shape) {
                return false;
            }
        }
        return true;
    }

    /** A table of the ASCII {@code characters}. */
    private static boolean[] characters(String characters) {
        boolean[] table = new boolean[128];
        for (int i = 0; i < characters.length(); i++) {
            table[characters.charAt(i)] = true;
        }
        return table;
    }

    /** Whether {@code value} has only digits from {@code from} to {@code to}. */
    private static boolean digits(String value, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
