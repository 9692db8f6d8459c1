package dev.corral.report.html;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The page around the data: {@code report.html} from the classpath with {@code report.css} and {@code report.js}
 * inlined. The page's Content-Security-Policy allows exactly these two inline blocks (by their SHA-256, written in
 * {@code report.html}: hashing them at every start cost a run's reports several milliseconds; a test checks the
 * hashes, and that neither block closes its tag) and nothing external. Split at the data marker into the UTF-8
 * bytes before and after the data: kept as bytes, the 50 KB of script and style are not encoded again at every
 * report (character by character, before the JIT compiles the encoder: several milliseconds of a short run).
 * Loaded once; thread-safe.
 */
final class Template {
    private static final byte[] CSS = bytes("{{CSS}}");
    private static final byte[] JS = bytes("{{JS}}");
    private static final byte[] DATA = bytes("{{DATA}}");

    private final byte[] head;
    private final byte[] tail;

    private Template(byte[] head, byte[] tail) {
        this.head = head;
        this.tail = tail;
    }

    /** The page up to the JSON data (inside {@code <script type="application/json">}), in UTF-8; do not modify. */
    byte[] head() {
        return head;
    }

    /** The page after the data, in UTF-8; do not modify. */
    byte[] tail() {
        return tail;
    }

    static Template get() {
        return Holder.INSTANCE;
    }

    private static final class Holder {
        static final Template INSTANCE = load();
    }

    /** The markers are ASCII, and no byte of a multi-byte UTF-8 sequence is: they are found in the bytes. */
    private static Template load() {
        byte[] page = replace(replace(resourceBytes("report.html"), CSS, resourceBytes("report.css")), JS,
                resourceBytes("report.js"));
        int at = indexOf(page, DATA, 0);
        if (at < 0 || indexOf(page, DATA, at + 1) >= 0) {
            throw new IllegalStateException("report.html must contain {{DATA}} exactly once");
        }
        return new Template(Arrays.copyOfRange(page, 0, at), Arrays.copyOfRange(page, at + DATA.length, page.length));
    }

    /** {@code text} with its one {@code marker} replaced by {@code content}. */
    private static byte[] replace(byte[] text, byte[] marker, byte[] content) {
        int at = indexOf(text, marker, 0);
        if (at < 0 || indexOf(text, marker, at + 1) >= 0) {
            throw new IllegalStateException("report.html must contain " + new String(marker, StandardCharsets.US_ASCII)
                    + " exactly once");
        }
        byte[] result = new byte[text.length - marker.length + content.length];
        System.arraycopy(text, 0, result, 0, at);
        System.arraycopy(content, 0, result, at, content.length);
        System.arraycopy(text, at + marker.length, result, at + content.length, text.length - at - marker.length);
        return result;
    }

    private static int indexOf(byte[] text, byte[] marker, int from) {
        outer:
        for (int i = from; i <= text.length - marker.length; i++) {
            for (int j = 0; j < marker.length; j++) {
                if (text[i + j] != marker[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static byte[] bytes(String ascii) {
        return ascii.getBytes(StandardCharsets.US_ASCII);
    }

    /** A resource next to this class, as text. */
    static String resource(String name) {
        return new String(resourceBytes(name), StandardCharsets.UTF_8);
    }

    private static byte[] resourceBytes(String name) {
        try (InputStream in = Template.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name + " next to " + Template.class.getName());
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read resource " + name, e);
        }
    }
}
