package dev.corral.fmf;

import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * YAML 1.2 scalar resolution and construction as the reference's loader (ruamel.yaml, safe) does it: which plain
 * scalars are booleans, integers ({@code 0o17}, {@code 0x1f}, {@code 0b101}, {@code 010}, underscores), floats,
 * nulls and timestamps, and their values. Stateless, thread-safe.
 */
final class PlainScalar {

    /** The type a scalar resolves to. */
    enum Kind { STR, NULL, BOOL, INT, FLOAT, TIMESTAMP, MERGE, VALUE }

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

    private PlainScalar() {
    }

    /** The kind of an untagged plain scalar. */
    static Kind resolve(String value) {
        if (value.isEmpty()) {
            return Kind.NULL;
        }
        char first = value.charAt(0);
        if (first >= '1' && first <= '9' && allDigits(value)) {
            return Kind.INT;
        }
        if (((first >= '0' && first <= '9') || first == '-' || first == '+' || first == '.') && !numeric(value)) {
            return Kind.STR;
        }
        switch (first) {
            case 't', 'T', 'f', 'F' -> {
                if (value.length() <= 5 && BOOL.matcher(value).matches()) {
                    return Kind.BOOL;
                }
            }
            case '-', '+', '.', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9' -> {
                if (FLOAT.matcher(value).matches()) {
                    return Kind.FLOAT;
                }
                if (first != '.' && INT.matcher(value).matches()) {
                    return Kind.INT;
                }
                if (first >= '0' && first <= '9' && TIMESTAMP_RESOLVE.matcher(value).matches()) {
                    return Kind.TIMESTAMP;
                }
            }
            case '<' -> {
                if (value.equals("<<")) {
                    return Kind.MERGE;
                }
            }
            case '~', 'n', 'N' -> {
                if (value.length() <= 4 && NULL.matcher(value).matches()) {
                    return Kind.NULL;
                }
            }
            case '=' -> {
                if (value.equals("=")) {
                    return Kind.VALUE;
                }
            }
            default -> {
                return Kind.STR;
            }
        }
        return Kind.STR;
    }

    /** Whether every character may appear in a number or a timestamp (a quick filter before the patterns). */
    private static boolean numeric(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '_' || c == '.'
                    || c == '+' || c == '-' || c == ':' || c == ' ' || c == '\t' || c == 'x' || c == 'o' || c == 'b'
                    || c == 'n' || c == 'i' || c == 'N' || c == 'I' || c == 'T' || c == 't' || c == 'Z')) {
                return false;
            }
        }
        return true;
    }

    private static boolean allDigits(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** The value of an untagged plain scalar; {@link IllegalArgumentException} when it cannot be constructed. */
    static Object plain(String text) {
        return construct(resolve(text), text);
    }

    /** The value of a scalar of the given kind; {@link IllegalArgumentException} when invalid. */
    static Object construct(Kind kind, String value) {
        return switch (kind) {
            case STR -> value;
            case NULL -> null;
            case BOOL -> switch (value.toLowerCase(Locale.ROOT)) {
                case "yes", "y", "true", "on" -> Boolean.TRUE;
                case "no", "n", "false", "off" -> Boolean.FALSE;
                default -> throw new IllegalArgumentException("invalid boolean '" + value + "'");
            };
            case INT -> integer(value);
            case FLOAT -> floating(value);
            case TIMESTAMP -> timestamp(value);
            case MERGE -> throw new IllegalArgumentException("a merge key '<<' is not a value");
            case VALUE -> throw new IllegalArgumentException(
                    "could not determine a constructor for the tag 'tag:yaml.org,2002:value'");
        };
    }

    private static Object integer(String text) {
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
            } else if (s.length() < 18 && !s.isEmpty() && allDigits(s)) {
                return sign * Long.parseLong(s);
            } else {
                value = PyObjects.parseInt(s);
                if (value == null) {
                    throw new NumberFormatException(text);
                }
            }
            return PyObjects.integer(sign < 0 ? value.negate() : value);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("invalid integer '" + text + "'");
        }
    }

    private static Object floating(String text) {
        String s = text.replace("_", "").toLowerCase(Locale.ROOT);
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
            throw new IllegalArgumentException("invalid float '" + text + "'");
        }
    }

    private static Object timestamp(String text) {
        Matcher m = TIMESTAMP_PARTS.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("failed to construct timestamp from \"" + text + "\"");
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
            throw new IllegalArgumentException("invalid timestamp '" + text + "'");
        }
    }
}
