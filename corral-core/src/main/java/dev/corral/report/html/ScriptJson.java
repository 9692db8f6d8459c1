package dev.corral.report.html;

import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A minimal streaming JSON writer whose output is safe inside an HTML {@code <script type="application/json">}
 * element. Besides JSON's own escapes it writes {@code <}, {@code >} and {@code &} as {@code \u003c},
 * {@code \u003e} and {@code \u0026}, so no {@code </script>}, {@code <!--} or {@code <script} can appear in the
 * element's text; it writes U+2028, U+2029, every C0 and C1 control and every unpaired surrogate as a
 * {@code \\u} escape, so the text survives HTML's input-stream preprocessing (CR normalization, NUL replacement)
 * and is valid UTF-8. The result is still plain JSON for {@code JSON.parse}.
 *
 * <p>Not thread-safe; keeps only the nesting state, writes straight through to the writer.
 */
final class ScriptJson {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final Writer out;
    /** Per nesting level: whether a value was already written (a comma is needed before the next). */
    private boolean[] hasValue = new boolean[16];
    private int depth;
    /** Whether the last thing written was a name, so the next value needs no comma. */
    private boolean afterName;

    ScriptJson(Writer out) {
        this.out = out;
    }

    ScriptJson beginObject() throws IOException {
        separator();
        out.write('{');
        push();
        return this;
    }

    ScriptJson endObject() throws IOException {
        depth--;
        out.write('}');
        return this;
    }

    ScriptJson beginArray() throws IOException {
        separator();
        out.write('[');
        push();
        return this;
    }

    ScriptJson endArray() throws IOException {
        depth--;
        out.write(']');
        return this;
    }

    /** Writes a member name; the next call writes its value. */
    ScriptJson name(String name) throws IOException {
        separator();
        writeString(out, name);
        out.write(':');
        afterName = true;
        return this;
    }

    /** A string value, or {@code null}. */
    ScriptJson value(String s) throws IOException {
        separator();
        if (s == null) {
            out.write("null");
        } else {
            writeString(out, s);
        }
        return this;
    }

    ScriptJson value(long n) throws IOException {
        separator();
        out.write(Long.toString(n));
        return this;
    }

    /** A number; NaN and infinities are written as {@code null}, which JSON cannot express otherwise. */
    ScriptJson value(double d) throws IOException {
        separator();
        out.write(Double.isFinite(d) ? Double.toString(d) : "null");
        return this;
    }

    ScriptJson value(boolean b) throws IOException {
        separator();
        out.write(b ? "true" : "false");
        return this;
    }

    ScriptJson nullValue() throws IOException {
        separator();
        out.write("null");
        return this;
    }

    /** A number, or {@code null} when {@code n} is null. */
    ScriptJson value(Long n) throws IOException {
        return n == null ? nullValue() : value(n.longValue());
    }

    ScriptJson member(String name, String value) throws IOException {
        return name(name).value(value);
    }

    ScriptJson member(String name, long value) throws IOException {
        return name(name).value(value);
    }

    ScriptJson stringArray(List<String> values) throws IOException {
        beginArray();
        for (String v : values) {
            value(v);
        }
        return endArray();
    }

    /**
     * Writes a value as found in a journal's {@code extra}: strings, numbers, booleans, lists and maps (with any
     * key type, written as its string); anything else as its {@code toString()}.
     */
    ScriptJson any(Object v) throws IOException {
        switch (v) {
            case null -> nullValue();
            case String s -> value(s);
            case Boolean b -> value(b.booleanValue());
            case Integer i -> value(i.longValue());
            case Long l -> value(l.longValue());
            case Short s -> value(s.longValue());
            case Byte b -> value(b.longValue());
            case Number n -> value(n.doubleValue());
            case Map<?, ?> m -> {
                beginObject();
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    name(String.valueOf(e.getKey())).any(e.getValue());
                }
                endObject();
            }
            case Iterable<?> it -> {
                beginArray();
                for (Object o : it) {
                    any(o);
                }
                endArray();
            }
            default -> value(v.toString());
        }
        return this;
    }

    private void separator() throws IOException {
        if (afterName) {
            afterName = false;
            return;
        }
        if (depth > 0) {
            if (hasValue[depth]) {
                out.write(',');
            }
            hasValue[depth] = true;
        }
    }

    private void push() {
        depth++;
        if (depth >= hasValue.length) {
            hasValue = Arrays.copyOf(hasValue, hasValue.length * 2);
        }
        hasValue[depth] = false;
    }

    /** The JSON string literal of {@code s}, quotes included, escaped as described in the class comment. */
    static String quote(String s) {
        StringWriter b = new StringWriter(s.length() + 2);
        try {
            writeString(b, s);
        } catch (IOException e) {
            throw new IllegalStateException(e); // a StringWriter does not throw
        }
        return b.toString();
    }

    private static void writeString(Writer out, String s) throws IOException {
        out.write('"');
        int len = s.length();
        int run = 0; // start of the pending run of characters that need no escape
        for (int i = 0; i < len; i++) {
            char c = s.charAt(i);
            String shortEscape = null;
            boolean unicode = false;
            if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029') {
                switch (c) {
                    case '\n' -> shortEscape = "\\n";
                    case '\r' -> shortEscape = "\\r";
                    case '\t' -> shortEscape = "\\t";
                    case '\b' -> shortEscape = "\\b";
                    case '\f' -> shortEscape = "\\f";
                    default -> unicode = true;
                }
            } else if (c == '"') {
                shortEscape = "\\\"";
            } else if (c == '\\') {
                shortEscape = "\\\\";
            } else if (c == '<' || c == '>' || c == '&') {
                unicode = true;
            } else if (Character.isHighSurrogate(c)) {
                if (i + 1 < len && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++; // a valid pair passes through as is
                    continue;
                }
                unicode = true;
            } else if (Character.isLowSurrogate(c)) {
                unicode = true; // unpaired
            } else {
                continue;
            }
            out.write(s, run, i - run);
            if (unicode) {
                out.write(new char[] {'\\', 'u', HEX[c >> 12 & 0xf], HEX[c >> 8 & 0xf], HEX[c >> 4 & 0xf],
                    HEX[c & 0xf]});
            } else {
                out.write(shortEscape);
            }
            run = i + 1;
        }
        out.write(s, run, len - run);
        out.write('"');
    }
}
