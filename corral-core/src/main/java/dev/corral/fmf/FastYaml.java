package dev.corral.fmf;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A fast reader for the plain YAML most fmf files are made of: block mappings and sequences, plain and quoted
 * one-line scalars, one-line flow sequences and mappings of scalars, and literal block scalars. Anything else
 * (anchors, tags, folded or multi-line scalars, tabs, documents markers, ...) makes it give up, and the caller uses
 * the full {@link YamlReader}; both give the same values for what this reader accepts. Like the reference's libyaml
 * scanner, a {@code :} inside a plain scalar of a flow collection is refused. Not thread-safe; one instance per
 * document.
 */
final class FastYaml {

    /** Returned when this reader does not handle the document. */
    static final Object FALLBACK = new Object();

    private static final class GiveUp extends RuntimeException {
        private static final GiveUp INSTANCE = new GiveUp();

        private GiveUp() {
            super("fallback", null, false, false);
        }
    }

    private final String text;
    private final Path file;
    private final int[] starts;
    private final int[] ends;
    private final int[] indents;
    private final byte[] kinds;
    private final int count;
    private int pos;

    private static final byte BLANK = 0;
    private static final byte COMMENT = 1;
    private static final byte CONTENT = 2;

    private FastYaml(String text, Path file) {
        this.text = text;
        this.file = file;
        int length = text.length();
        int lines = 0;
        for (int i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
            lines++;
        }
        if (length > 0 && text.charAt(length - 1) != '\n') {
            lines++;
        }
        starts = new int[lines];
        ends = new int[lines];
        indents = new int[lines];
        kinds = new byte[lines];
        int start = 0;
        for (int line = 0; line < lines; line++) {
            int end = text.indexOf('\n', start);
            if (end < 0) {
                end = length;
            }
            starts[line] = start;
            ends[line] = end;
            int at = start;
            while (at < end && text.charAt(at) == ' ') {
                at++;
            }
            indents[line] = at - start;
            if (at == end) {
                kinds[line] = BLANK;
            } else {
                char c = text.charAt(at);
                if (c == '#') {
                    kinds[line] = COMMENT;
                } else {
                    kinds[line] = CONTENT;
                    if (at == start && (c == '%' || ((c == '-' || c == '.') && (text.startsWith("---", start)
                            || text.startsWith("...", start))))) {
                        throw GiveUp.INSTANCE;
                    }
                }
            }
            start = end + 1;
        }
        count = lines;
    }

    /** The document's value, or {@link #FALLBACK}; YAML errors it is sure about raise {@link FmfException}. */
    static Object read(String text, Path file) {
        if (text.indexOf('\t') >= 0 || text.indexOf('\r') >= 0 || text.indexOf('\ufeff') >= 0
                || text.indexOf('\u0000') >= 0) {
            return FALLBACK;
        }
        try {
            return new FastYaml(text, file).document();
        } catch (GiveUp e) {
            return FALLBACK;
        }
    }

    private Object document() {
        int first = nextContent();
        if (first < 0) {
            return null;
        }
        if (indents[first] != 0) {
            throw GiveUp.INSTANCE;
        }
        Object value = isSequenceItem(first) ? sequence(0) : mapping(0);
        if (nextContent() >= 0) {
            throw GiveUp.INSTANCE;
        }
        return value;
    }

    private int nextContent() {
        while (pos < count && kinds[pos] != CONTENT) {
            pos++;
        }
        return pos < count ? pos : -1;
    }

    private boolean isSequenceItem(int line) {
        int at = starts[line] + indents[line];
        return text.charAt(at) == '-' && (at + 1 == ends[line] || text.charAt(at + 1) == ' ');
    }

    private String content(int line, int column) {
        return text.substring(starts[line] + column, ends[line]);
    }

    // ------------------------------------------------------------------ block collections

    private YamlMap mapping(int indent) {
        YamlMap map = new YamlMap();
        while (true) {
            int line = nextContent();
            if (line < 0 || indents[line] < indent) {
                break;
            }
            if (indents[line] > indent) {
                throw GiveUp.INSTANCE;
            }
            if (isSequenceItem(line)) {
                break;
            }
            pos = line + 1;
            entry(map, line, indent, content(line, indent));
        }
        return map;
    }

    private List<Object> sequence(int indent) {
        List<Object> list = new ArrayList<>();
        while (true) {
            int line = nextContent();
            if (line < 0 || indents[line] < indent) {
                break;
            }
            if (indents[line] > indent) {
                throw GiveUp.INSTANCE;
            }
            if (!isSequenceItem(line)) {
                break;
            }
            pos = line + 1;
            String rest = content(line, indent + 1);
            int spaces = 0;
            while (spaces < rest.length() && rest.charAt(spaces) == ' ') {
                spaces++;
            }
            String item = rest.substring(spaces);
            if (!item.isEmpty() && item.charAt(0) != '#' && startsMapping(item)) {
                int column = indent + 1 + spaces;
                YamlMap map = new YamlMap();
                entry(map, line, column, item);
                while (true) {
                    int next = nextContent();
                    if (next < 0 || indents[next] < column) {
                        break;
                    }
                    if (indents[next] > column || isSequenceItem(next)) {
                        throw GiveUp.INSTANCE;
                    }
                    pos = next + 1;
                    entry(map, next, column, content(next, column));
                }
                list.add(map);
            } else {
                list.add(value(item, indent, true));
            }
        }
        return list;
    }

    /** Whether a sequence item like {@code key: value} starts a compact mapping. */
    private static boolean startsMapping(String item) {
        char first = item.charAt(0);
        if (first == '"' || first == '\'' || first == '[' || first == '{') {
            int close = first == '[' ? item.indexOf(']') : first == '{' ? item.indexOf('}')
                    : item.indexOf(first, 1);
            if (close > 0 && close + 1 < item.length() && item.charAt(close + 1) == ':') {
                throw GiveUp.INSTANCE;
            }
            return false;
        }
        return keyEnd(item) >= 0;
    }

    /** The index of the {@code :} ending a plain key, or -1; gives up on a comment before it. */
    private static int keyEnd(String s) {
        for (int j = 0; j < s.length(); j++) {
            char c = s.charAt(j);
            if (c == ':' && (j + 1 == s.length() || s.charAt(j + 1) == ' ')) {
                return j;
            }
            if (c == '#' && j > 0 && s.charAt(j - 1) == ' ') {
                return -1;
            }
        }
        return -1;
    }

    private void entry(YamlMap map, int line, int column, String s) {
        char first = s.charAt(0);
        if (isIndicator(first) && !(plainDash(s))) {
            throw GiveUp.INSTANCE;
        }
        int end = keyEnd(s);
        if (end < 0) {
            throw GiveUp.INSTANCE;
        }
        String keyText = rtrim(s.substring(0, end));
        if (keyText.isEmpty()) {
            throw GiveUp.INSTANCE;
        }
        Object key = plain(keyText);
        int valueStart = end + 1;
        while (valueStart < s.length() && s.charAt(valueStart) == ' ') {
            valueStart++;
        }
        String rest = valueStart == s.length() ? "" : s.substring(valueStart);
        Object value = value(rest, column, false);
        if (PyObjects.findKey(map, key) != PyObjects.MISSING) {
            throw new FmfException(file, line + 1, "invalid YAML: duplicate key '" + PyObjects.str(key) + "'");
        }
        map.putWithLine(key, value, line + 1);
    }

    private static boolean plainDash(String s) {
        return s.length() > 1 && (s.charAt(0) == '-') && s.charAt(1) != ' ';
    }

    private static boolean isIndicator(char c) {
        return switch (c) {
            case '-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`' ->
                    true;
            default -> false;
        };
    }

    // ------------------------------------------------------------------ values

    /** The value after {@code key:} or {@code -}; {@code indent} is the column of the key or of the dash. */
    private Object value(String rest, int indent, boolean inSequence) {
        if (rest.isEmpty() || rest.charAt(0) == '#') {
            int next = nextContent();
            if (next >= 0) {
                if (indents[next] > indent) {
                    if (isSequenceItem(next)) {
                        return sequence(indents[next]);
                    }
                    String line = content(next, indents[next]);
                    char first = line.charAt(0);
                    if (first == '"' || first == '\'' || first == '[' || first == '{' || keyEnd(line) >= 0
                            || (isIndicator(first) && !plainDash(line))) {
                        return mapping(indents[next]);
                    }
                    if (rest.isEmpty()) {
                        pos = next + 1;
                        String scalar = rtrim(line);
                        if (scalar.contains(" #")) {
                            throw GiveUp.INSTANCE;
                        }
                        return plain(continued(scalar, indent));
                    }
                    throw GiveUp.INSTANCE;
                }
                if (!inSequence && indents[next] == indent && isSequenceItem(next)) {
                    return sequence(indent);
                }
            }
            return null;
        }
        char first = rest.charAt(0);
        Object value;
        switch (first) {
            case '|' -> {
                return literal(rest, indent);
            }
            case '[' -> value = flowSequence(rest);
            case '{' -> value = flowMapping(rest);
            case '"', '\'' -> {
                int[] end = new int[1];
                value = quoted(rest, 0, end);
                if (!onlyComment(rest, end[0])) {
                    throw GiveUp.INSTANCE;
                }
            }
            default -> {
                if (isIndicator(first) && !plainDash(rest)) {
                    throw GiveUp.INSTANCE;
                }
                String stripped = stripComment(rest);
                String scalar = rtrim(stripped);
                if (scalar.contains(": ") || scalar.endsWith(":")) {
                    throw GiveUp.INSTANCE;
                }
                value = plain(stripped.length() == rest.length() ? continued(scalar, indent) : scalar);
            }
        }
        int next = nextContent();
        if (next >= 0 && indents[next] > indent) {
            throw GiveUp.INSTANCE;
        }
        return value;
    }

    /**
     * Folds the continuation lines of a plain scalar (indented deeper than {@code indent}) into {@code first}:
     * a line break becomes a space, each empty line a line feed. Gives up on lines that could be anything else.
     */
    private String continued(String first, int indent) {
        StringBuilder out = null;
        int blanks = 0;
        for (int line = pos; line < count; line++) {
            byte kind = kinds[line];
            if (kind == BLANK) {
                blanks++;
                continue;
            }
            if (kind == COMMENT || indents[line] <= indent) {
                break;
            }
            String text = rtrim(content(line, indents[line]));
            char c = text.charAt(0);
            if (isIndicator(c) || text.contains(": ") || text.endsWith(":") || text.contains(" #")) {
                throw GiveUp.INSTANCE;
            }
            if (out == null) {
                out = new StringBuilder(first);
            }
            if (blanks == 0) {
                out.append(' ');
            } else {
                for (int i = 0; i < blanks; i++) {
                    out.append('\n');
                }
            }
            out.append(text);
            blanks = 0;
            pos = line + 1;
        }
        return out == null ? first : out.toString();
    }

    private static String stripComment(String s) {
        for (int j = 1; j < s.length(); j++) {
            if (s.charAt(j) == '#' && s.charAt(j - 1) == ' ') {
                return s.substring(0, j);
            }
        }
        return s;
    }

    private static boolean onlyComment(String s, int from) {
        int j = from;
        while (j < s.length() && s.charAt(j) == ' ') {
            j++;
        }
        return j == s.length() || (s.charAt(j) == '#' && j > from);
    }

    private static Object plain(String text) {
        try {
            return PlainScalar.plain(text);
        } catch (IllegalArgumentException e) {
            throw GiveUp.INSTANCE;
        }
    }

    // ------------------------------------------------------------------ quoted scalars

    /** A quoted scalar starting at {@code start}; {@code end[0]} receives the index after the closing quote. */
    private static String quoted(String s, int start, int[] end) {
        char quote = s.charAt(start);
        StringBuilder out = new StringBuilder();
        int j = start + 1;
        while (true) {
            if (j >= s.length()) {
                throw GiveUp.INSTANCE;
            }
            char c = s.charAt(j);
            if (quote == '\'') {
                if (c == '\'') {
                    if (j + 1 < s.length() && s.charAt(j + 1) == '\'') {
                        out.append('\'');
                        j += 2;
                        continue;
                    }
                    end[0] = j + 1;
                    return out.toString();
                }
                out.append(c);
                j++;
            } else {
                if (c == '"') {
                    end[0] = j + 1;
                    return out.toString();
                }
                if (c == '\\') {
                    j = escape(s, j, out);
                    continue;
                }
                out.append(c);
                j++;
            }
        }
    }

    private static int escape(String s, int at, StringBuilder out) {
        if (at + 1 >= s.length()) {
            throw GiveUp.INSTANCE;
        }
        char c = s.charAt(at + 1);
        switch (c) {
            case '0' -> out.append('\0');
            case 'a' -> out.append('\u0007');
            case 'b' -> out.append('\b');
            case 't' -> out.append('\t');
            case 'n' -> out.append('\n');
            case 'v' -> out.append('\u000b');
            case 'f' -> out.append('\f');
            case 'r' -> out.append('\r');
            case 'e' -> out.append('\u001b');
            case ' ' -> out.append(' ');
            case '"' -> out.append('"');
            case '\\' -> out.append('\\');
            case 'N' -> out.append('\u0085');
            case '_' -> out.append('\u00a0');
            case 'L' -> out.append('\u2028');
            case 'P' -> out.append('\u2029');
            case 'x', 'u', 'U' -> {
                int digits = c == 'x' ? 2 : c == 'u' ? 4 : 8;
                if (at + 2 + digits > s.length()) {
                    throw GiveUp.INSTANCE;
                }
                int value = 0;
                for (int k = 0; k < digits; k++) {
                    int d = Character.digit(s.charAt(at + 2 + k), 16);
                    if (d < 0) {
                        throw GiveUp.INSTANCE;
                    }
                    value = value * 16 + d;
                }
                if (value > Character.MAX_CODE_POINT || (value >= 0xd800 && value <= 0xdfff)) {
                    throw GiveUp.INSTANCE;
                }
                out.appendCodePoint(value);
                return at + 2 + digits;
            }
            default -> throw GiveUp.INSTANCE;
        }
        return at + 2;
    }

    // ------------------------------------------------------------------ flow collections (one line)

    private List<Object> flowSequence(String s) {
        List<Object> list = new ArrayList<>();
        int j = 1;
        boolean expectItem = true;
        while (true) {
            j = skipSpaces(s, j);
            if (j >= s.length()) {
                throw GiveUp.INSTANCE;
            }
            char c = s.charAt(j);
            if (c == ']') {
                if (!onlyComment(s, j + 1)) {
                    throw GiveUp.INSTANCE;
                }
                return list;
            }
            if (!expectItem) {
                if (c != ',') {
                    throw GiveUp.INSTANCE;
                }
                j++;
                expectItem = true;
                continue;
            }
            int[] end = new int[1];
            list.add(flowScalar(s, j, end));
            j = end[0];
            expectItem = false;
        }
    }

    private YamlMap flowMapping(String s) {
        YamlMap map = new YamlMap();
        int j = 1;
        boolean expectItem = true;
        while (true) {
            j = skipSpaces(s, j);
            if (j >= s.length()) {
                throw GiveUp.INSTANCE;
            }
            char c = s.charAt(j);
            if (c == '}') {
                if (!onlyComment(s, j + 1)) {
                    throw GiveUp.INSTANCE;
                }
                return map;
            }
            if (!expectItem) {
                if (c != ',') {
                    throw GiveUp.INSTANCE;
                }
                j++;
                expectItem = true;
                continue;
            }
            int[] end = new int[1];
            Object key = flowKey(s, j, end);
            j = skipSpaces(s, end[0]);
            if (j >= s.length() || s.charAt(j) != ':' || j + 1 >= s.length() || s.charAt(j + 1) != ' ') {
                throw GiveUp.INSTANCE;
            }
            j = skipSpaces(s, j + 1);
            Object value = flowScalar(s, j, end);
            if (PyObjects.findKey(map, key) != PyObjects.MISSING) {
                throw GiveUp.INSTANCE;
            }
            map.put(key, value);
            j = end[0];
            expectItem = false;
        }
    }

    private static int skipSpaces(String s, int j) {
        while (j < s.length() && s.charAt(j) == ' ') {
            j++;
        }
        return j;
    }

    private static Object flowKey(String s, int j, int[] end) {
        char c = s.charAt(j);
        if (c == '"' || c == '\'') {
            return quoted(s, j, end);
        }
        if (isIndicator(c)) {
            throw GiveUp.INSTANCE;
        }
        int k = j;
        while (k < s.length()) {
            char d = s.charAt(k);
            if (d == ':' || d == ',' || d == '[' || d == ']' || d == '{' || d == '}' || d == '#') {
                break;
            }
            k++;
        }
        if (k >= s.length() || s.charAt(k) != ':') {
            throw GiveUp.INSTANCE;
        }
        end[0] = k;
        return plain(rtrim(s.substring(j, k)));
    }

    private Object flowScalar(String s, int j, int[] end) {
        if (j >= s.length()) {
            throw GiveUp.INSTANCE;
        }
        char c = s.charAt(j);
        if (c == '"' || c == '\'') {
            String value = quoted(s, j, end);
            int k = skipSpaces(s, end[0]);
            if (k < s.length() && s.charAt(k) == ':') {
                throw GiveUp.INSTANCE;
            }
            return value;
        }
        if (isIndicator(c) && !plainDash(s.substring(j))) {
            throw GiveUp.INSTANCE;
        }
        int k = j;
        while (k < s.length()) {
            char d = s.charAt(k);
            if (d == ',' || d == ']' || d == '}') {
                break;
            }
            if (d == '[' || d == '{' || d == '#') {
                throw GiveUp.INSTANCE;
            }
            if (d == ':') {
                if (k + 1 >= s.length() || s.charAt(k + 1) != ' ') {
                    throw new FmfException(file, lineOf(), "invalid YAML: while scanning a plain scalar: found"
                            + " unexpected ':' (quote values with a colon inside [...] or {...})");
                }
                throw GiveUp.INSTANCE;
            }
            k++;
        }
        end[0] = k;
        String text = rtrim(s.substring(j, k));
        if (text.isEmpty()) {
            throw GiveUp.INSTANCE;
        }
        return plain(text);
    }

    private int lineOf() {
        return pos;
    }

    // ------------------------------------------------------------------ literal block scalars

    private String literal(String header, int indent) {
        int j = 1;
        char chomp = 'c';
        while (j < header.length() && header.charAt(j) != ' ' && header.charAt(j) != '#') {
            char c = header.charAt(j);
            if ((c == '-' || c == '+') && chomp == 'c') {
                chomp = c;
            } else {
                throw GiveUp.INSTANCE;
            }
            j++;
        }
        if (chomp == '+' || !onlyComment(header, j) || (j < header.length() && header.charAt(j) == '#')) {
            throw GiveUp.INSTANCE;
        }
        int contentIndent = -1;
        List<String> body = new ArrayList<>();
        int trailingBlank = 0;
        int line = pos;
        int lastContent = -1;
        for (; line < count; line++) {
            if (kinds[line] == BLANK) {
                int length = ends[line] - starts[line];
                if (contentIndent >= 0 && length > contentIndent) {
                    throw GiveUp.INSTANCE;
                }
                body.add("");
                trailingBlank++;
                continue;
            }
            int lineIndent = indents[line];
            if (contentIndent < 0) {
                if (lineIndent <= indent) {
                    break;
                }
                contentIndent = lineIndent;
                for (int b = pos; b < line; b++) {
                    if (ends[b] - starts[b] > contentIndent) {
                        throw GiveUp.INSTANCE;
                    }
                }
            } else if (lineIndent < contentIndent) {
                break;
            }
            body.add(text.substring(starts[line] + contentIndent, ends[line]));
            trailingBlank = 0;
            lastContent = line;
        }
        if (contentIndent < 0) {
            pos = line;
            return "";
        }
        if (lastContent == count - 1 && !text.endsWith("\n")) {
            throw GiveUp.INSTANCE;
        }
        pos = lastContent + 1;
        int size = body.size() - trailingBlank;
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < size; i++) {
            if (i > 0) {
                out.append('\n');
            }
            out.append(body.get(i));
        }
        if (chomp == 'c') {
            out.append('\n');
        }
        return out.toString();
    }

    private static String rtrim(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == ' ') {
            end--;
        }
        return s.substring(0, end);
    }

    private static String ltrim(String s) {
        int start = 0;
        while (start < s.length() && s.charAt(start) == ' ') {
            start++;
        }
        return s.substring(start);
    }
}
