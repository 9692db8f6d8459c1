package dev.corral.report.junit;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A minimal streaming XML writer for the JUnit report: elements, attributes and text, with every string made legal
 * XML 1.0 ({@link XmlText#clean}) and escaped in the same pass. Not thread-safe.
 */
final class XmlWriter {
    private final Writer out;
    private final Deque<String> open = new ArrayDeque<>();
    private boolean inStartTag;

    XmlWriter(Writer out) {
        this.out = out;
    }

    void declaration() throws IOException {
        out.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    }

    void start(String name) throws IOException {
        closeStartTag();
        out.write('<');
        out.write(name);
        open.push(name);
        inStartTag = true;
    }

    void attribute(String name, String value) throws IOException {
        if (!inStartTag) {
            throw new IllegalStateException("attribute " + name + " outside a start tag");
        }
        out.write(' ');
        out.write(name);
        out.write("=\"");
        escape(XmlText.clean(value), true);
        out.write('"');
    }

    void text(String value) throws IOException {
        closeStartTag();
        escape(XmlText.clean(value), false);
    }

    /** Writes markup-free text as is (indentation). */
    void raw(String whitespace) throws IOException {
        closeStartTag();
        out.write(whitespace);
    }

    void end() throws IOException {
        String name = open.pop();
        if (inStartTag) {
            out.write("/>");
            inStartTag = false;
        } else {
            out.write("</");
            out.write(name);
            out.write('>');
        }
    }

    private void closeStartTag() throws IOException {
        if (inStartTag) {
            out.write('>');
            inStartTag = false;
        }
    }

    private void escape(String s, boolean attribute) throws IOException {
        int from = 0;
        for (int i = 0; i < s.length(); i++) {
            String replacement = switch (s.charAt(i)) {
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case '&' -> "&amp;";
                case '"' -> attribute ? "&quot;" : null;
                case '\n' -> attribute ? "&#10;" : null;
                case '\r' -> "&#13;";
                case '\t' -> attribute ? "&#9;" : null;
                default -> null;
            };
            if (replacement != null) {
                out.write(s, from, i - from);
                out.write(replacement);
                from = i + 1;
            }
        }
        out.write(s, from, s.length() - from);
    }
}
