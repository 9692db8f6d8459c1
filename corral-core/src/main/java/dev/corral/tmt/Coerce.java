package dev.corral.tmt;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Date;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * How tmt (Python) turns raw YAML values into strings and integers: {@code str()}, {@code repr()} and
 * {@code int()} as Python computes them, so that stringified values are the same as tmt's.
 */
final class Coerce {

    private Coerce() {
    }

    /** Python's {@code str(value)}. */
    static String str(Object value) {
        return value instanceof String s ? s : repr(value);
    }

    /** Python's {@code repr(value)} for the types a YAML loader produces. */
    static String repr(Object value) {
        if (value == null) {
            return "None";
        }
        if (value instanceof String s) {
            return quote(s);
        }
        if (value instanceof Boolean b) {
            return b ? "True" : "False";
        }
        if (value instanceof Double || value instanceof Float) {
            return floatRepr(((Number) value).doubleValue());
        }
        if (value instanceof BigDecimal d) {
            return floatRepr(d.doubleValue());
        }
        if (value instanceof Number n) {
            return n.toString();
        }
        if (value instanceof List<?> list) {
            StringBuilder out = new StringBuilder("[");
            for (Iterator<?> it = list.iterator(); it.hasNext(); ) {
                out.append(repr(it.next()));
                if (it.hasNext()) {
                    out.append(", ");
                }
            }
            return out.append(']').toString();
        }
        if (value instanceof Map<?, ?> map) {
            StringBuilder out = new StringBuilder("{");
            for (Iterator<? extends Map.Entry<?, ?>> it = map.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<?, ?> e = it.next();
                out.append(repr(e.getKey())).append(": ").append(repr(e.getValue()));
                if (it.hasNext()) {
                    out.append(", ");
                }
            }
            return out.append('}').toString();
        }
        String temporal = temporal(value);
        return temporal != null ? temporal : value.toString();
    }

    /** Python's name of the value's type, for messages. */
    static String typeName(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof String) {
            return "a string";
        }
        if (value instanceof Boolean) {
            return "a boolean";
        }
        if (value instanceof Double || value instanceof Float || value instanceof BigDecimal) {
            return "a float";
        }
        if (value instanceof Number) {
            return "an integer";
        }
        if (value instanceof List) {
            return "a list";
        }
        if (value instanceof Map) {
            return "a mapping";
        }
        return temporal(value) != null ? "a timestamp" : value.getClass().getSimpleName();
    }

    /** A value as it appears in an error message: {@code '5x'} or {@code [1, 2]}. */
    static String show(Object value) {
        String shown = repr(value);
        return shown.length() > 80 ? shown.substring(0, 77) + "..." : shown;
    }

    /**
     * Python's {@code int(value)}: integers as they are, booleans as 0/1, floats truncated, strings of digits
     * (surrounding whitespace, a sign and {@code _} between digits allowed).
     *
     * @throws IllegalArgumentException when Python would raise
     */
    static long toLong(Object value) {
        if (value instanceof Boolean b) {
            return b ? 1 : 0;
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof BigInteger big) {
            if (big.bitLength() < 64) {
                return big.longValue();
            }
            throw new IllegalArgumentException("integer out of range");
        }
        if (value instanceof Double || value instanceof Float || value instanceof BigDecimal) {
            double d = ((Number) value).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d) || Math.abs(d) >= 9.2e18) {
                throw new IllegalArgumentException("not an integer");
            }
            return (long) d;
        }
        if (value instanceof String s) {
            String t = s.strip();
            String digits = t.startsWith("+") || t.startsWith("-") ? t.substring(1) : t;
            if (!digits.matches("[0-9]+(_[0-9]+)*")) {
                throw new IllegalArgumentException("not an integer");
            }
            try {
                return Long.parseLong((t.startsWith("-") ? "-" : "") + digits.replace("_", ""));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("integer out of range");
            }
        }
        throw new IllegalArgumentException("not an integer");
    }

    /** {@code "tests/a/"} or {@code "./tests/a"} as tmt writes paths: {@code /tests/a}; the root is {@code /}. */
    static String rootedPath(String path) {
        List<String> parts = new ArrayList<>();
        for (String part : path.split("/")) {
            if (!part.isEmpty() && !part.equals(".")) {
                parts.add(part);
            }
        }
        return "/" + String.join("/", parts);
    }

    private static String quote(String s) {
        char q = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder out = new StringBuilder().append(q);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c == q) {
                        out.append('\\');
                    }
                    if (c < 0x20 || c == 0x7f) {
                        out.append(String.format("\\x%02x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append(q).toString();
    }

    /** Python's {@code repr(float)}: the shortest round-tripping digits, exponent form outside 1e-4..1e16. */
    static String floatRepr(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0) {
            return 1 / d < 0 ? "-0.0" : "0.0";
        }
        BigDecimal shortest = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        String digits = shortest.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - shortest.scale();
        String sign = d < 0 ? "-" : "";
        if (exponent >= -4 && exponent < 16) {
            String plain = shortest.abs().toPlainString();
            return sign + (plain.contains(".") ? plain : plain + ".0");
        }
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        String exp = String.format("%02d", Math.abs(exponent));
        return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + exp;
    }

    /** Python's {@code str()} of the datetime types a YAML loader produces, or {@code null}. */
    private static String temporal(Object value) {
        if (value instanceof LocalDate date) {
            return date.toString();
        }
        if (value instanceof LocalDateTime dateTime) {
            return dateTime.toLocalDate() + " " + time(dateTime.toLocalTime());
        }
        if (value instanceof OffsetDateTime odt) {
            return odt.toLocalDate() + " " + time(odt.toLocalTime()) + offset(odt.getOffset());
        }
        if (value instanceof ZonedDateTime zdt) {
            return temporal(zdt.toOffsetDateTime());
        }
        if (value instanceof Instant instant) {
            return temporal(instant.atOffset(ZoneOffset.UTC));
        }
        if (value instanceof Date date) {
            return temporal(date.toInstant());
        }
        return null;
    }

    private static String time(LocalTime t) {
        String base = String.format("%02d:%02d:%02d", t.getHour(), t.getMinute(), t.getSecond());
        int micros = t.getNano() / 1000;
        return micros == 0 ? base : base + String.format(".%06d", micros);
    }

    private static String offset(ZoneOffset offset) {
        int total = offset.getTotalSeconds();
        String sign = total < 0 ? "-" : "+";
        total = Math.abs(total);
        String hhmm = String.format("%s%02d:%02d", sign, total / 3600, total / 60 % 60);
        return total % 60 == 0 ? hhmm : hhmm + String.format(":%02d", total % 60);
    }
}
