package dev.corral.fmf;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
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
     * bytes in parallel (in the common fork/join pool), then written in order.
     */
    public static void write(List<Node> nodes, OutputStream out) throws IOException {
        out.write(OPEN);
        for (Bytes part : parts(nodes)) {
            out.write(part.buffer, 0, part.length);
        }
        out.write(CLOSE);
        out.flush();
    }

    /** Appends {@code nodes} to {@code out}. */
    public static void write(List<Node> nodes, Appendable out) throws IOException {
        out.append(toJson(nodes));
    }

    /** The JSON text of {@code nodes}. */
    public static String toJson(List<Node> nodes) {
        Bytes all = new Bytes(1024);
        all.ascii(OPEN);
        for (Bytes part : parts(nodes)) {
            all.bytes(part.buffer, part.length);
        }
        all.ascii(CLOSE);
        return all.text();
    }

    /** The JSON text of one value of the fmf data model. */
    public static String valueToJson(Object value) {
        Bytes out = new Bytes(256);
        value(value, out, null);
        return out.text();
    }

    private static final byte[] OPEN = "{\"nodes\":[".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLOSE = "]}\n".getBytes(StandardCharsets.US_ASCII);
    private static final int CHUNK = 512;

    /** The nodes' JSON objects, comma-separated, in chunks made in parallel. */
    private static List<Bytes> parts(List<Node> nodes) {
        int chunks = (nodes.size() + CHUNK - 1) / CHUNK;
        return java.util.stream.IntStream.range(0, chunks).parallel().mapToObj(c -> {
            Bytes buffer = new Bytes(CHUNK * 512);
            Shared shared = new Shared(CHUNK);
            int end = Math.min(nodes.size(), (c + 1) * CHUNK);
            for (int i = c * CHUNK; i < end; i++) {
                if (i > 0) {
                    buffer.ascii(',');
                }
                node(nodes.get(i), buffer, shared);
            }
            return buffer;
        }).toList();
    }

    /** A growable UTF-8 byte buffer. */
    private static final class Bytes {
        byte[] buffer;
        int length;

        Bytes(int capacity) {
            buffer = new byte[capacity];
        }

        private void room(int more) {
            if (length + more > buffer.length) {
                buffer = java.util.Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + more));
            }
        }

        void ascii(char c) {
            room(1);
            buffer[length++] = (byte) c;
        }

        void ascii(String text) {
            int n = text.length();
            room(n);
            for (int i = 0; i < n; i++) {
                buffer[length + i] = (byte) text.charAt(i);
            }
            length += n;
        }

        void ascii(byte[] text) {
            bytes(text, text.length);
        }

        void bytes(byte[] bytes, int count) {
            room(count);
            System.arraycopy(bytes, 0, buffer, length, count);
            length += count;
        }

        /** Appends a code point (not a lone surrogate) in UTF-8. */
        void utf8(int codePoint) {
            room(4);
            byte[] b = buffer;
            int i = length;
            if (codePoint < 0x80) {
                b[i++] = (byte) codePoint;
            } else if (codePoint < 0x800) {
                b[i++] = (byte) (0xc0 | (codePoint >> 6));
                b[i++] = (byte) (0x80 | (codePoint & 0x3f));
            } else if (codePoint < 0x10000) {
                b[i++] = (byte) (0xe0 | (codePoint >> 12));
                b[i++] = (byte) (0x80 | ((codePoint >> 6) & 0x3f));
                b[i++] = (byte) (0x80 | (codePoint & 0x3f));
            } else {
                b[i++] = (byte) (0xf0 | (codePoint >> 18));
                b[i++] = (byte) (0x80 | ((codePoint >> 12) & 0x3f));
                b[i++] = (byte) (0x80 | ((codePoint >> 6) & 0x3f));
                b[i++] = (byte) (0x80 | (codePoint & 0x3f));
            }
            length = i;
        }

        byte[] copy() {
            return java.util.Arrays.copyOf(buffer, length);
        }

        String text() {
            return new String(buffer, 0, length, StandardCharsets.UTF_8);
        }
    }

    /** Containers that several nodes share (inherited, unchanged): written once, then copied as bytes. */
    private static final class Shared {
        private static final Object SEEN = new Object();
        private final java.util.IdentityHashMap<Object, Object> state;

        Shared(int nodes) {
            state = new java.util.IdentityHashMap<>(Math.max(64, nodes * 4));
        }

        /** True when the value was appended from the cache. */
        boolean append(Object container, Bytes out) {
            Object known = state.get(container);
            if (known == null) {
                state.put(container, SEEN);
                return false;
            }
            if (known == SEEN) {
                Bytes text = new Bytes(64);
                write(container, text, null);
                known = text.copy();
                state.put(container, known);
            }
            out.ascii((byte[]) known);
            return true;
        }
    }

    private static void node(Node node, Bytes out, Shared shared) {
        out.ascii("{\"name\":");
        string(node.name(), out);
        out.ascii(",\"data\":");
        write(node.data, out, shared);
        out.ascii('}');
    }

    private static void value(Object value, Bytes out, Shared shared) {
        if ((value instanceof List || value instanceof Map) && shared != null && shared.append(value, out)) {
            return;
        }
        write(value, out, shared);
    }

    private static void write(Object value, Bytes out, Shared shared) {
        if (value == null) {
            out.ascii("null");
        } else if (value instanceof String s) {
            string(s, out);
        } else if (value instanceof Boolean b) {
            out.ascii(b ? "true" : "false");
        } else if (value instanceof Long l) {
            out.ascii(Long.toString(l));
        } else if (value instanceof BigInteger || value instanceof Integer) {
            out.ascii(value.toString());
        } else if (value instanceof Double d) {
            if (Double.isNaN(d)) {
                out.ascii("\"NaN\"");
            } else if (Double.isInfinite(d)) {
                out.ascii(d > 0 ? "\"Infinity\"" : "\"-Infinity\"");
            } else {
                out.ascii(PyObjects.floatRepr(d));
            }
        } else if (value instanceof Timestamp t) {
            string(t.iso(), out);
        } else if (value instanceof List<?> list) {
            out.ascii('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    out.ascii(',');
                }
                value(list.get(i), out, shared);
            }
            out.ascii(']');
        } else if (value instanceof Map<?, ?> map) {
            out.ascii('{');
            boolean first = true;
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (!first) {
                    out.ascii(',');
                }
                first = false;
                string(key(entry.getKey()), out);
                out.ascii(':');
                value(entry.getValue(), out, shared);
            }
            out.ascii('}');
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

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    /**
     * Appends {@code s} as a JSON string in UTF-8: control characters, DEL, U+2028, U+2029 and lone surrogates
     * escaped as Python's {@code json.dumps(ensure_ascii=False)} with those exceptions writes them.
     */
    private static void string(String s, Bytes out) {
        int length = s.length();
        out.room(length + 2);
        out.buffer[out.length++] = '"';
        for (int i = 0; i < length; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
                if (out.length == out.buffer.length) {
                    out.room(length - i + 1);
                }
                out.buffer[out.length++] = (byte) c;
                continue;
            }
            if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(s.charAt(i + 1))) {
                out.utf8(Character.toCodePoint(c, s.charAt(++i)));
                continue;
            }
            if (c >= 0x80 && c != '\u2028' && c != '\u2029' && !Character.isSurrogate(c)) {
                out.utf8(c);
                continue;
            }
            switch (c) {
                case '"' -> out.ascii("\\\"");
                case '\\' -> out.ascii("\\\\");
                case '\n' -> out.ascii("\\n");
                case '\r' -> out.ascii("\\r");
                case '\t' -> out.ascii("\\t");
                case '\b' -> out.ascii("\\b");
                case '\f' -> out.ascii("\\f");
                default -> {
                    out.ascii("\\u");
                    out.room(4);
                    out.buffer[out.length++] = HEX[(c >> 12) & 0xf];
                    out.buffer[out.length++] = HEX[(c >> 8) & 0xf];
                    out.buffer[out.length++] = HEX[(c >> 4) & 0xf];
                    out.buffer[out.length++] = HEX[c & 0xf];
                }
            }
        }
        out.ascii('"');
    }
}
