package dev.corral.report.junit;

/**
 * Makes any string legal XML 1.0 character data. XML 1.0 forbids most C0 control characters even as character
 * references, so they are replaced by a visible escape such as {@code \x1B} (the ANSI colour codes in test output);
 * unpaired surrogates and U+FFFE/U+FFFF become U+FFFD. Tab, newline and carriage return are kept. Markup
 * characters are escaped by the XML writer, not here.
 */
final class XmlText {
    private XmlText() {
    }

    static String clean(String s) {
        if (s == null) {
            return "";
        }
        int n = s.length();
        int i = 0;
        while (i < n && legalAt(s, i)) {
            i += Character.charCount(s.codePointAt(i));
        }
        if (i >= n) {
            return s;
        }
        StringBuilder b = new StringBuilder(n + 16);
        b.append(s, 0, i);
        while (i < n) {
            char c = s.charAt(i);
            if (legalAt(s, i)) {
                int cp = s.codePointAt(i);
                b.appendCodePoint(cp);
                i += Character.charCount(cp);
            } else {
                if (c < 0x20) {
                    b.append(String.format("\\x%02X", (int) c));
                } else {
                    b.append('\uFFFD');
                }
                i++;
            }
        }
        return b.toString();
    }

    private static boolean legalAt(String s, int i) {
        char c = s.charAt(i);
        if (c == '\t' || c == '\n' || c == '\r') {
            return true;
        }
        if (c < 0x20 || c == '\uFFFE' || c == '\uFFFF') {
            return false;
        }
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return !Character.isLowSurrogate(c);
    }
}
