package dev.corral.report.html;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

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
    private static final String CSS = "{{CSS}}";
    private static final String JS = "{{JS}}";
    private static final String DATA = "{{DATA}}";

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

    /**
     * The markers are found in {@code report.html} alone (ASCII, which no byte of a multi-byte UTF-8 sequence is),
     * never in the style or script put in their place.
     */
    private static Template load() {
        byte[] html = resourceBytes("report.html");
        // Latin-1 maps each byte to one character: positions in this text are positions in the bytes
        String text = new String(html, StandardCharsets.ISO_8859_1);
        int css = onlyOnce(text, CSS);
        int data = onlyOnce(text, DATA);
        int js = onlyOnce(text, JS);
        if (!(css < data && data < js)) {
            throw new IllegalStateException("report.html must hold {{CSS}}, {{DATA}} and {{JS}} in this order");
        }
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        head.write(html, 0, css);
        head.writeBytes(resourceBytes("report.css"));
        head.write(html, css + CSS.length(), data - css - CSS.length());
        ByteArrayOutputStream tail = new ByteArrayOutputStream();
        tail.write(html, data + DATA.length(), js - data - DATA.length());
        tail.writeBytes(resourceBytes("report.js"));
        tail.write(html, js + JS.length(), html.length - js - JS.length());
        return new Template(head.toByteArray(), tail.toByteArray());
    }

    /** Where {@code marker} is in {@code html}, which must hold it exactly once. */
    private static int onlyOnce(String html, String marker) {
        int at = html.indexOf(marker);
        if (at < 0 || html.indexOf(marker, at + 1) >= 0) {
            throw new IllegalStateException("report.html must contain " + marker + " exactly once");
        }
        return at;
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
