package dev.corral.report.html;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The page around the data: {@code report.html} from the classpath with {@code report.css} and {@code report.js}
 * inlined. The page's Content-Security-Policy allows exactly these two inline blocks (by their SHA-256, written in
 * {@code report.html}: hashing them at every start cost a run's reports several milliseconds; a test checks the
 * hashes, and that neither block closes its tag) and nothing external. Split at the data marker into the text
 * before and after the data. Loaded once; thread-safe.
 */
final class Template {
    private static final String DATA = "{{DATA}}";

    private final String head;
    private final String tail;

    private Template(String head, String tail) {
        this.head = head;
        this.tail = tail;
    }

    /** The text up to the JSON data (inside {@code <script type="application/json">}). */
    String head() {
        return head;
    }

    /** The text after the data. */
    String tail() {
        return tail;
    }

    static Template get() {
        return Holder.INSTANCE;
    }

    private static final class Holder {
        static final Template INSTANCE = load();
    }

    private static Template load() {
        String html = resource("report.html");
        String css = resource("report.css");
        String js = resource("report.js");
        String page = html.replace("{{CSS}}", css).replace("{{JS}}", js);
        int at = page.indexOf(DATA);
        if (at < 0 || page.indexOf(DATA, at + 1) >= 0) {
            throw new IllegalStateException("report.html must contain " + DATA + " exactly once");
        }
        return new Template(page.substring(0, at), page.substring(at + DATA.length()));
    }

    /** A resource next to this class, as text. */
    static String resource(String name) {
        try (InputStream in = Template.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name + " next to " + Template.class.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read resource " + name, e);
        }
    }
}
