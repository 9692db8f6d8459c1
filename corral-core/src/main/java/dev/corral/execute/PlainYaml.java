package dev.corral.execute;

import java.util.List;
import java.util.Map;

/**
 * Block YAML for a mapping of plain values, written by hand: byte for byte what snakeyaml-engine's {@code Dump}
 * writes with {@link MetadataFile}'s settings (block style, width 4096, JSON schema), without its per-scalar
 * analysis and regular expressions. It writes only what it knows snakeyaml writes the same way, and gives up on the
 * whole document (returns {@code null}) as soon as a key or value is outside that:
 * <ul>
 *   <li>keys: strings written plain or single-quoted as below, 1 to 100 characters;</li>
 *   <li>values: {@code null}, booleans, {@link Integer}s and {@link Long}s, strings, {@code []}, {@code {}}, nested
 *       mappings, and lists of those scalars (not of lists or mappings);</li>
 *   <li>strings: {@code ''} when empty; single-quoted when {@code null}, {@code true}, {@code false}, {@code 0} or
 *       digits without a leading zero, which would otherwise read back as another type; plain when digits followed
 *       by one of {@code s m h d} ({@code 5m}), or when starting with a letter, {@code /}, {@code _} or {@code ./},
 *       going on with only {@code [A-Za-z0-9 _./=-]}, not ending in a space, at most 1000 characters (far from the
 *       width where snakeyaml would fold the line), and not another case of {@code null}, {@code true} or
 *       {@code false} (snakeyaml writes {@code True} plain, but that is left to it).</li>
 * </ul>
 */
final class PlainYaml {
    private static final int MAX_KEY_LENGTH = 100;
    private static final int MAX_STRING_LENGTH = 1000;
    private static final int MAX_INDENT = 40;

    private PlainYaml() {
    }

    /** The non-empty {@code document} as snakeyaml writes it, or {@code null} if anything in it is outside. */
    static String write(Map<?, ?> document) {
        StringBuilder out = new StringBuilder(1024);
        return !document.isEmpty() && mapping(document, 0, out) ? out.toString() : null;
    }

    private static boolean mapping(Map<?, ?> map, int indent, StringBuilder out) {
        if (indent > MAX_INDENT) {
            return false;
        }
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            if (!(entry.getKey() instanceof String key) || key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
                return false;
            }
            out.repeat(' ', indent);
            if (!string(key, out)) {
                return false;
            }
            out.append(':');
            Object value = entry.getValue();
            if (value instanceof Map<?, ?> nested) {
                if (nested.isEmpty()) {
                    out.append(" {}\n");
                } else if (!mapping(nested, indent + 2, out.append('\n'))) {
                    return false;
                }
            } else if (value instanceof List<?> items) {
                if (items.isEmpty()) {
                    out.append(" []\n");
                } else if (!sequence(items, indent, out.append('\n'))) {
                    return false;
                }
            } else {
                if (!scalar(value, out.append(' '))) {
                    return false;
                }
                out.append('\n');
            }
        }
        return true;
    }

    /** A list under a key: its items at the key's indentation, as snakeyaml writes them. */
    private static boolean sequence(List<?> items, int indent, StringBuilder out) {
        for (Object item : items) {
            if (!scalar(item, out.repeat(' ', indent).append("- "))) {
                return false;
            }
            out.append('\n');
        }
        return true;
    }

    private static boolean scalar(Object value, StringBuilder out) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof Boolean flag) {
            out.append(flag.booleanValue());
        } else if (value instanceof Integer || value instanceof Long) {
            out.append(((Number) value).longValue());
        } else if (value instanceof String string) {
            return string(string, out);
        } else {
            return false;
        }
        return true;
    }

    private static boolean string(String value, StringBuilder out) {
        if (value.isEmpty()) {
            out.append("''");
        } else if (value.equals("null") || value.equals("true") || value.equals("false") || isJsonInteger(value)) {
            out.append('\'').append(value).append('\'');
        } else if (isDuration(value) || isPlain(value)) {
            out.append(value);
        } else {
            return false;
        }
        return true;
    }

    /** {@code 0}, or digits not starting with {@code 0}: what the JSON schema reads as an integer. */
    private static boolean isJsonInteger(String value) {
        int length = value.length();
        return length <= MAX_STRING_LENGTH && digits(value) == length && (length == 1 || value.charAt(0) != '0');
    }

    /** Digits and one of {@code s m h d}, like {@code 5m}. */
    private static boolean isDuration(String value) {
        int last = value.length() - 1;
        char unit = value.charAt(last);
        return last > 0 && last <= MAX_STRING_LENGTH && digits(value) == last
                && (unit == 's' || unit == 'm' || unit == 'h' || unit == 'd');
    }

    private static int digits(String value) {
        int i = 0;
        while (i < value.length() && value.charAt(i) >= '0' && value.charAt(i) <= '9') {
            i++;
        }
        return i;
    }

    private static boolean isPlain(String value) {
        int length = value.length();
        char first = value.charAt(0);
        boolean start = isLetter(first) || first == '/' || first == '_' || value.startsWith("./");
        if (!start || length > MAX_STRING_LENGTH || value.charAt(length - 1) == ' ') {
            return false;
        }
        for (int i = 1; i < length; i++) {
            char c = value.charAt(i);
            if (!isLetter(c) && !(c >= '0' && c <= '9') && " _./=-".indexOf(c) < 0) {
                return false;
            }
        }
        return !value.equalsIgnoreCase("null") && !value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false");
    }

    private static boolean isLetter(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }
}
