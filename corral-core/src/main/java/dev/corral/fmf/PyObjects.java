package dev.corral.fmf;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Python semantics for the YAML value model (String, Long/BigInteger, Double, Boolean, null, List, Map, Timestamp):
 * {@code str()}, {@code repr()}, {@code ==}, {@code +}, {@code -}, {@code deepcopy} and {@code type().__name__}.
 * Stateless, thread-safe.
 */
final class PyObjects {

    private PyObjects() {
    }

    /** Python's {@code type(value).__name__}. */
    static String typeName(Object value) {
        if (value == null) {
            return "NoneType";
        } else if (value instanceof String) {
            return "str";
        } else if (value instanceof Boolean) {
            return "bool";
        } else if (value instanceof Long || value instanceof BigInteger) {
            return "int";
        } else if (value instanceof Double) {
            return "float";
        } else if (value instanceof List) {
            return "list";
        } else if (value instanceof Map) {
            return "dict";
        } else if (value instanceof Timestamp t) {
            return t.value() instanceof java.time.LocalDate ? "date" : "datetime";
        }
        return value.getClass().getSimpleName();
    }

    static boolean isNumber(Object value) {
        return value instanceof Long || value instanceof BigInteger || value instanceof Double
                || value instanceof Boolean;
    }

    /** A Python int as Long when it fits, BigInteger otherwise. */
    static Object integer(BigInteger value) {
        return value.bitLength() < 64 ? (Object) value.longValue() : value;
    }

    private static BigInteger big(Object number) {
        if (number instanceof Boolean b) {
            return b ? BigInteger.ONE : BigInteger.ZERO;
        } else if (number instanceof Long l) {
            return BigInteger.valueOf(l);
        }
        return (BigInteger) number;
    }

    private static double dbl(Object number) {
        if (number instanceof Double d) {
            return d;
        }
        return big(number).doubleValue();
    }

    /** Python {@code a + b}; null when Python would raise TypeError. */
    static Object add(Object a, Object b) {
        if (isNumber(a) && isNumber(b)) {
            if (a instanceof Double || b instanceof Double) {
                return dbl(a) + dbl(b);
            }
            return integer(big(a).add(big(b)));
        }
        if (a instanceof String s && b instanceof String t) {
            return s + t;
        }
        if (a instanceof List<?> l && b instanceof List<?> m) {
            List<Object> out = new ArrayList<>(l.size() + m.size());
            out.addAll(l);
            out.addAll(m);
            return out;
        }
        return null;
    }

    /** Python {@code a - b} for numbers. */
    static Object subtract(Object a, Object b) {
        if (a instanceof Double || b instanceof Double) {
            return dbl(a) - dbl(b);
        }
        return integer(big(a).subtract(big(b)));
    }

    /** The message of Python's TypeError for {@code a + b}. */
    static String addError(Object a, Object b) {
        if (a instanceof String) {
            return "can only concatenate str (not \"" + typeName(b) + "\") to str";
        }
        if (a instanceof List) {
            return "can only concatenate list (not \"" + typeName(b) + "\") to list";
        }
        return "unsupported operand type(s) for +: '" + typeName(a) + "' and '" + typeName(b) + "'";
    }

    /** Python {@code a == b}. */
    static boolean equal(Object a, Object b) {
        if (a == b) {
            return true;
        }
        if (a == null || b == null) {
            return false;
        }
        if (isNumber(a) && isNumber(b)) {
            if (a instanceof Double || b instanceof Double) {
                double x = dbl(a);
                double y = dbl(b);
                if (a instanceof Double && b instanceof Double) {
                    return x == y;
                }
                // int vs float: exact comparison like Python
                Object integral = a instanceof Double ? b : a;
                double floating = a instanceof Double ? x : y;
                if (Double.isNaN(floating) || Double.isInfinite(floating)) {
                    return false;
                }
                return new BigDecimal(floating).compareTo(new BigDecimal(big(integral))) == 0;
            }
            return big(a).equals(big(b));
        }
        if (a instanceof String || b instanceof String) {
            return a.equals(b);
        }
        if (a instanceof List<?> l && b instanceof List<?> m) {
            if (l.size() != m.size()) {
                return false;
            }
            for (int i = 0; i < l.size(); i++) {
                if (!equal(l.get(i), m.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Map<?, ?> l && b instanceof Map<?, ?> m) {
            if (l.size() != m.size()) {
                return false;
            }
            for (Map.Entry<?, ?> entry : l.entrySet()) {
                Object key = findKey(m, entry.getKey());
                if (key == MISSING || !equal(entry.getValue(), m.get(key))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    static final Object MISSING = new Object();

    /** The key of {@code map} equal (Python-wise) to {@code key}, or {@link #MISSING}. */
    static Object findKey(Map<?, ?> map, Object key) {
        if (map.containsKey(key)) {
            return key;
        }
        if (key == null || key instanceof String) {
            return MISSING;
        }
        for (Object candidate : map.keySet()) {
            if (!(candidate instanceof String) && equal(candidate, key)) {
                return candidate;
            }
        }
        return MISSING;
    }

    /** Whether Python could use the value as a dict key (hashable). */
    static boolean hashable(Object value) {
        return !(value instanceof List) && !(value instanceof Map);
    }

    /** Python's {@code str(value)}. */
    static String str(Object value) {
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof Timestamp t) {
            return t.pythonStr();
        }
        return repr(value);
    }

    /** Python's {@code repr(value)}. */
    static String repr(Object value) {
        StringBuilder out = new StringBuilder();
        repr(value, out, new IdentityHashMap<>());
        return out.toString();
    }

    private static void repr(Object value, StringBuilder out, IdentityHashMap<Object, Boolean> active) {
        if (value == null) {
            out.append("None");
        } else if (value instanceof String s) {
            reprString(s, out);
        } else if (value instanceof Boolean b) {
            out.append(b ? "True" : "False");
        } else if (value instanceof Double d) {
            out.append(floatRepr(d));
        } else if (value instanceof Long || value instanceof BigInteger) {
            out.append(value);
        } else if (value instanceof Timestamp t) {
            out.append(t.pythonRepr());
        } else if (value instanceof List<?> list) {
            if (active.put(value, Boolean.TRUE) != null) {
                out.append("[...]");
                return;
            }
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    out.append(", ");
                }
                repr(list.get(i), out, active);
            }
            out.append(']');
            active.remove(value);
        } else if (value instanceof Map<?, ?> map) {
            if (active.put(value, Boolean.TRUE) != null) {
                out.append("{...}");
                return;
            }
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (!first) {
                    out.append(", ");
                }
                first = false;
                repr(entry.getKey(), out, active);
                out.append(": ");
                repr(entry.getValue(), out, active);
            }
            out.append('}');
            active.remove(value);
        } else {
            out.append(value);
        }
    }

    private static void reprString(String s, StringBuilder out) {
        char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        out.append(quote);
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            if (c == quote || c == '\\') {
                out.append('\\').appendCodePoint(c);
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c == '\r') {
                out.append("\\r");
            } else if (c == '\t') {
                out.append("\\t");
            } else if (c < 0x20 || c == 0x7f) {
                out.append(String.format(Locale.ROOT, "\\x%02x", c));
            } else if (!printable(c)) {
                if (c <= 0xff) {
                    out.append(String.format(Locale.ROOT, "\\x%02x", c));
                } else if (c <= 0xffff) {
                    out.append(String.format(Locale.ROOT, "\\u%04x", c));
                } else {
                    out.append(String.format(Locale.ROOT, "\\U%08x", c));
                }
            } else {
                out.appendCodePoint(c);
            }
        }
        out.append(quote);
    }

    private static boolean printable(int c) {
        if (c == ' ') {
            return true;
        }
        int type = Character.getType(c);
        return switch (type) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE,
                 Character.UNASSIGNED, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                 Character.SPACE_SEPARATOR -> false;
            default -> true;
        };
    }

    /** Python's {@code repr(float)}: shortest round-trip digits, exponent form below 1e-4 and from 1e16. */
    static String floatRepr(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0.0" : "0.0";
        }
        BigDecimal exact = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
        String digits = exact.unscaledValue().toString();
        int exponent = digits.length() - 1 - exact.scale();
        StringBuilder out = new StringBuilder(d < 0 ? "-" : "");
        if (exponent < -4 || exponent >= 16) {
            out.append(digits.charAt(0));
            if (digits.length() > 1) {
                out.append('.').append(digits, 1, digits.length());
            }
            out.append('e').append(exponent < 0 ? '-' : '+');
            int e = Math.abs(exponent);
            if (e < 10) {
                out.append('0');
            }
            out.append(e);
        } else if (exponent < 0) {
            out.append("0.");
            for (int i = -1; i > exponent; i--) {
                out.append('0');
            }
            out.append(digits);
        } else if (digits.length() <= exponent + 1) {
            out.append(digits);
            for (int i = digits.length(); i <= exponent; i++) {
                out.append('0');
            }
            out.append(".0");
        } else {
            out.append(digits, 0, exponent + 1).append('.').append(digits, exponent + 1, digits.length());
        }
        return out.toString();
    }

    /** Python's {@code copy.deepcopy} with a shared memo: shared objects stay shared inside one copy. */
    static Object deepCopy(Object value, IdentityHashMap<Object, Object> memo) {
        if (value instanceof Map<?, ?> map) {
            Object done = memo.get(value);
            if (done != null) {
                return done;
            }
            LinkedHashMap<Object, Object> copy = new LinkedHashMap<>(Math.max(4, map.size() * 2));
            memo.put(value, copy);
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                copy.put(entry.getKey(), deepCopy(entry.getValue(), memo));
            }
            return copy;
        }
        if (value instanceof List<?> list) {
            Object done = memo.get(value);
            if (done != null) {
                return done;
            }
            List<Object> copy = new ArrayList<>(list.size());
            memo.put(value, copy);
            for (Object item : list) {
                copy.add(deepCopy(item, memo));
            }
            return copy;
        }
        return value;
    }

    /** Python's {@code str.isspace()} for one code point. */
    static boolean isSpace(int c) {
        if (c == ' ' || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f) || c == 0x85 || c == 0xa0) {
            return true;
        }
        if (c < 0x1680) {
            return false;
        }
        return Character.getType(c) == Character.SPACE_SEPARATOR || c == 0x2028 || c == 0x2029;
    }

    /** Python's {@code str.strip()}. */
    static String strip(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isSpace(s.charAt(start))) {
            start++;
        }
        while (end > start && isSpace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    /** Python's {@code int(text)} for a str; null when Python raises ValueError. */
    static BigInteger parseInt(String text) {
        String s = strip(text);
        int i = 0;
        boolean negative = false;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        if (i >= s.length()) {
            return null;
        }
        StringBuilder digits = new StringBuilder();
        boolean lastDigit = false;
        for (; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            if (c == '_') {
                if (!lastDigit) {
                    return null;
                }
                lastDigit = false;
                continue;
            }
            int value = Character.getType(c) == Character.DECIMAL_DIGIT_NUMBER ? Character.digit(c, 10) : -1;
            if (value < 0) {
                return null;
            }
            digits.append((char) ('0' + value));
            lastDigit = true;
        }
        if (!lastDigit) {
            return null;
        }
        BigInteger result = new BigInteger(digits.toString());
        return negative ? result.negate() : result;
    }

    /** Python's {@code str.casefold()}, close enough for comparisons. */
    static String casefold(String s) {
        return s.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
    }

    /** Python's {@code str.lower()}. */
    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    /** Compares strings by code points, as Python does (UTF-16 order differs only around surrogates). */
    static int compareCodePoints(String a, String b) {
        int length = Math.min(a.length(), b.length());
        for (int i = 0; i < length; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                boolean sx = Character.isSurrogate(x);
                boolean sy = Character.isSurrogate(y);
                if (sx == sy) {
                    return x - y;
                }
                return sx ? 1 : -1;
            }
        }
        return a.length() - b.length();
    }
}
