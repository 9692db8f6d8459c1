package dev.corral.report.html;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * The page around the data: {@code report.html} from the classpath with {@code report.css} and {@code report.js}
 * inlined, and a Content-Security-Policy that allows exactly these two inline blocks (by SHA-256) and nothing
 * external. Split at the data marker into the text before and after the data. Loaded once; thread-safe.
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
        if (containsTag(css, "</style") || containsTag(js, "</script")) {
            throw new IllegalStateException("report.css or report.js contains a closing tag");
        }
        String page = html.replace("{{STYLE_HASH}}", sha256(css))
                .replace("{{SCRIPT_HASH}}", sha256(js))
                .replace("{{CSS}}", css)
                .replace("{{JS}}", js);
        int at = page.indexOf(DATA);
        if (at < 0 || page.indexOf(DATA, at + 1) >= 0) {
            throw new IllegalStateException("report.html must contain " + DATA + " exactly once");
        }
        return new Template(page.substring(0, at), page.substring(at + DATA.length()));
    }

    /** Whether {@code text} contains {@code tag} in any letter case (without lower-casing a copy of it). */
    static boolean containsTag(String text, String tag) {
        for (int at = text.indexOf('<'); at >= 0; at = text.indexOf('<', at + 1)) {
            if (text.regionMatches(true, at, tag, 0, tag.length())) {
                return true;
            }
        }
        return false;
    }

    private static String resource(String name) {
        try (InputStream in = Template.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name + " next to " + Template.class.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read resource " + name, e);
        }
    }

    /** The CSP source expression of a text: {@code sha256-BASE64}. */
    static String sha256(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return "sha256-" + Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
