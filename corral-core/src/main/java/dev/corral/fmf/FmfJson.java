package dev.corral.fmf;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.apiguardian.api.API;

/**
 * Writes nodes as {@code {"nodes":[{"name":"/a","data":{...}}]}}: data in its order, timestamps as ISO strings,
 * map keys as Python's {@code json.dumps} writes them (strings; {@code true}, {@code null}, numbers as text),
 * floats in Python's shortest form and non-finite floats as the strings {@code "Infinity"}, {@code "-Infinity"},
 * {@code "NaN"} so that the output stays valid JSON. Stateless and thread-safe; blocks on the output.
 */
@API(status = API.Status.EXPERIMENTAL)
public final class FmfJson {

    private FmfJson() {
    }

    /**
     * Writes {@code nodes} to {@code out} (UTF-8); the stream is flushed, not closed. Large lists are turned into
     * text in parallel (in the common fork/join pool), then written in order.
     */
    public static void write(List<Node> nodes, OutputStream out) throws IOException {
        int chunk = 512;
        int chunks = (nodes.size() + chunk - 1) / chunk;
        out.write("{\"nodes\":[".getBytes(StandardCharsets.UTF_8));
        List<byte[]> parts = java.util.stream.IntStream.range(0, chunks).parallel().mapToObj(c -> {
            StringBuilder buffer = new StringBuilder(chunk * 512);
            Shared shared = new Shared(chunk);
            int end = Math.min(nodes.size(), (c + 1) * chunk);
            for (int i = c * chunk; i < end; i++) {
                if (i > 0) {
                    buffer.append(',');
                }
                node(nodes.get(i), buffer, shared);
            }
            return buffer.toString().getBytes(StandardCharsets.UTF_8);
        }).toList();
        for (byte[] part : parts) {
            out.write(part);
        }
        out.write("]}\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Appends {@code nodes} to {@code out}. */
    public static void write(List<Node> nodes, Appendable out) throws IOException {
        StringBuilder buffer = new StringBuilder();
        buffer.append("{\"nodes\":[");
        Shared shared = new Shared(nodes.size());
        for (int i = 0; i < nodes.size(); i++) {
            if (i > 0) {
                buffer.append(',');
            }
            node(nodes.get(i), buffer, shared);
        }
        buffer.append("]}\n");
        out.append(buffer);
    }

    /** The JSON text of {@code nodes}. */
    public static String toJson(List<Node> nodes) {
        StringBuilder out = new StringBuilder();
        try {
            write(nodes, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** The JSON text of one value of the fmf data model. */
    public static String valueToJson(Object value) {
        StringBuilder out = new StringBuilder();
        value(value, out, null);
        return out.toString();
    }

    /** Containers that several nodes share (inherited, unchanged): written once, then copied as text. */
    private static final class Shared {
        private static final Object SEEN = new Object();
        private final java.util.IdentityHashMap<Object, Object> state;

        Shared(int nodes) {
            state = new java.util.IdentityHashMap<>(Math.max(64, nodes * 4));
        }

        /** True when the value was appended from the cache. */
        boolean append(Object container, StringBuilder out) {
            Object known = state.get(container);
            if (known == null) {
                state.put(container, SEEN);
                return false;
            }
            if (known == SEEN) {
                StringBuilder text = new StringBuilder();
                write(container, text, null);
                known = text.toString();
                state.put(container, known);
            }
            out.append((String) known);
            return true;
        }
    }

    private static void node(Node node, StringBuilder out, Shared shared) {
        out.append("{\"name\":");
        string(node.name(), out);
        out.append(",\"data\":");
        write(node.data, out, shared);
        out.append('}');
    }

    private static void value(Object value, StringBuilder out, Shared shared) {
        if ((value instanceof List || value instanceof Map) && shared != null && shared.append(value, out)) {
            return;
        }
        write(value, out, shared);
    }

    private static void write(Object value, StringBuilder out, Shared shared) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String s) {
            string(s, out);
        } else if (value instanceof Boolean b) {
            out.append(b ? "true" : "false");
        } else if (value instanceof Long l) {
            out.append(l.longValue());
        } else if (value instanceof BigInteger || value instanceof Integer) {
            out.append(value);
        } else if (value instanceof Double d) {
            if (Double.isNaN(d)) {
                out.append("\"NaN\"");
            } else if (Double.isInfinite(d)) {
                out.append(d > 0 ? "\"Infinity\"" : "\"-Infinity\"");
            } else {
                out.append(PyObjects.floatRepr(d));
            }
        } else if (value instanceof Timestamp t) {
            string(t.iso(), out);
        } else if (value instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                value(list.get(i), out, shared);
            }
            out.append(']');
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                string(key(entry.getKey()), out);
                out.append(':');
                value(entry.getValue(), out, shared);
            }
            out.append('}');
        } else {
            string(String.valueOf(value), out);
        }
    }

    private static String key(Object key) {
        if (key instanceof String s) {
            return s;
        } else if (key == null) {
            return "null";
        } else if (key instanceof Boolean b) {
            return b ? "true" : "false";
        } else if (key instanceof Double d) {
            if (Double.isNaN(d)) {
                return "NaN";
            } else if (Double.isInfinite(d)) {
                return d > 0 ? "Infinity" : "-Infinity";
            }
            return PyObjects.floatRepr(d);
        } else if (key instanceof Timestamp t) {
            return t.iso();
        }
        return String.valueOf(key);
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private static void string(String s, StringBuilder out) {
        out.append('"');
        int start = 0;
        int length = s.length();
        for (int i = 0; i < length; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f && c != '\u2028' && c != '\u2029'
                    && !Character.isSurrogate(c)) {
                continue;
            }
            if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
                continue;
            }
            out.append(s, start, i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> out.append("\\u").append(HEX[(c >> 12) & 0xf]).append(HEX[(c >> 8) & 0xf])
                        .append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
            }
            start = i + 1;
        }
        out.append(s, start, length).append('"');
    }
}
