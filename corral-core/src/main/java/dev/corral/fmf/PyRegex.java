package dev.corral.fmf;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A Python {@code re} pattern compiled to a {@link Pattern} with Python's meaning: Unicode classes, only {@code \n}
 * ends a line, literal {@code [} and {@code &} in classes, literal braces that are no quantifier, {@code (?P<name>)},
 * {@code \Z}, Python's escapes; patterns Python rejects are rejected. Compiled patterns are cached. Thread-safe.
 */
final class PyRegex {

    private static final int FLAGS = Pattern.UNIX_LINES | Pattern.UNICODE_CHARACTER_CLASS | Pattern.UNICODE_CASE;
    private static final int MAX_CACHE = 4096;
    private static final Map<String, PyRegex> CACHE = new ConcurrentHashMap<>();
    private static final Map<String, PyRegex> CACHE_IGNORE_CASE = new ConcurrentHashMap<>();

    private final Pattern pattern;
    private final Map<String, Integer> groupNames;
    private final int groups;

    private PyRegex(Pattern pattern, Map<String, Integer> groupNames, int groups) {
        this.pattern = pattern;
        this.groupNames = groupNames;
        this.groups = groups;
    }

    /** Compiles (or takes from the cache) a Python pattern; bad patterns raise {@link FmfException}. */
    static PyRegex compile(String source) {
        return compile(source, false);
    }

    static PyRegex compile(String source, boolean ignoreCase) {
        Map<String, PyRegex> cache = ignoreCase ? CACHE_IGNORE_CASE : CACHE;
        PyRegex found = cache.get(source);
        if (found != null) {
            return found;
        }
        PyRegex compiled = translate(source, ignoreCase);
        if (cache.size() > MAX_CACHE) {
            cache.clear();
        }
        cache.put(source, compiled);
        return compiled;
    }

    Pattern pattern() {
        return pattern;
    }

    /** Python's {@code re.search(pattern, text) is not None}. */
    boolean search(CharSequence text) {
        return pattern.matcher(text).find();
    }

    /** Python's {@code re.match(pattern, text) is not None} (anchored at the start only). */
    boolean matchStart(CharSequence text) {
        return pattern.matcher(text).lookingAt();
    }

    /** Python's {@code re.sub(pattern, replacement, text)} with Python's replacement template syntax. */
    String sub(String replacement, String text) {
        List<Object> template = template(replacement);
        Matcher matcher = pattern.matcher(text);
        StringBuilder out = null;
        int last = 0;
        while (matcher.find()) {
            if (out == null) {
                out = new StringBuilder(text.length() + 16);
            }
            out.append(text, last, matcher.start());
            for (Object part : template) {
                if (part instanceof Integer group) {
                    String value = matcher.group(group);
                    if (value != null) {
                        out.append(value);
                    }
                } else {
                    out.append((String) part);
                }
            }
            last = matcher.end();
        }
        if (out == null) {
            return text;
        }
        return out.append(text, last, text.length()).toString();
    }

    /** Parses a Python replacement template into literal strings and group numbers. */
    private List<Object> template(String source) {
        List<Object> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < source.length(); i++) {
            char c = source.charAt(i);
            if (c != '\\') {
                literal.append(c);
                continue;
            }
            if (i + 1 >= source.length()) {
                throw new FmfException("bad escape (end of pattern) in replacement '" + source + "'");
            }
            char next = source.charAt(++i);
            int group = -1;
            if (next == 'g') {
                int close = source.indexOf('>', i);
                if (i + 1 >= source.length() || source.charAt(i + 1) != '<' || close < 0) {
                    throw new FmfException("missing group name in replacement '" + source + "'");
                }
                String name = source.substring(i + 2, close);
                Integer named = groupNames.get(name);
                if (named != null) {
                    group = named;
                } else if (!name.isEmpty() && name.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
                    group = Integer.parseInt(name);
                } else {
                    throw new FmfException("unknown group name '" + name + "' in replacement '" + source + "'");
                }
                i = close;
            } else if (next == '0') {
                int value = 0;
                int count = 0;
                while (count < 2 && i + 1 < source.length() && isOctal(source.charAt(i + 1))) {
                    value = value * 8 + (source.charAt(++i) - '0');
                    count++;
                }
                literal.append((char) value);
                continue;
            } else if (next >= '1' && next <= '9') {
                if (i + 2 < source.length() && isOctal(next) && isOctal(source.charAt(i + 1))
                        && isOctal(source.charAt(i + 2))) {
                    int value = (next - '0') * 64 + (source.charAt(i + 1) - '0') * 8 + (source.charAt(i + 2) - '0');
                    if (value > 0377) {
                        throw new FmfException("octal escape value out of range in replacement '" + source + "'");
                    }
                    literal.append((char) value);
                    i += 2;
                    continue;
                }
                group = next - '0';
                if (i + 1 < source.length() && Character.isDigit(source.charAt(i + 1))
                        && source.charAt(i + 1) < 128) {
                    group = group * 10 + (source.charAt(++i) - '0');
                }
            } else {
                String simple = simpleEscape(next);
                if (simple != null) {
                    literal.append(simple);
                } else if (next == '\\') {
                    literal.append('\\');
                } else if (next < 128 && Character.isLetter(next)) {
                    throw new FmfException("bad escape \\" + next + " in replacement '" + source + "'");
                } else {
                    literal.append('\\').append(next);
                }
                continue;
            }
            if (group > groups) {
                throw new FmfException("invalid group reference " + group + " in replacement '" + source + "'");
            }
            if (!literal.isEmpty()) {
                parts.add(literal.toString());
                literal.setLength(0);
            }
            parts.add(group);
        }
        if (!literal.isEmpty()) {
            parts.add(literal.toString());
        }
        return parts;
    }

    private static String simpleEscape(char c) {
        return switch (c) {
            case 'a' -> "\u0007";
            case 'b' -> "\b";
            case 'f' -> "\f";
            case 'n' -> "\n";
            case 'r' -> "\r";
            case 't' -> "\t";
            case 'v' -> "\u000b";
            default -> null;
        };
    }

    private static boolean isOctal(char c) {
        return c >= '0' && c <= '7';
    }

    private static PyRegex translate(String source, boolean ignoreCase) {
        Translator translator = new Translator(source);
        String java = translator.run();
        try {
            Pattern compiled = Pattern.compile(java, FLAGS | (ignoreCase ? Pattern.CASE_INSENSITIVE : 0));
            return new PyRegex(compiled, translator.names, translator.groups);
        } catch (PatternSyntaxException | StackOverflowError e) {
            throw new FmfException("invalid regular expression '" + source + "': "
                    + (e instanceof PatternSyntaxException p ? p.getDescription() : "too complex"), e);
        }
    }

    /** Rewrites Python syntax into Java syntax, one pass. */
    private static final class Translator {
        private final String source;
        private final StringBuilder out = new StringBuilder();
        private final Map<String, Integer> names = new HashMap<>();
        private int groups;
        private int pos;

        Translator(String source) {
            this.source = source;
        }

        private FmfException error(String why) {
            return new FmfException("invalid regular expression '" + source + "': " + why);
        }

        String run() {
            while (pos < source.length()) {
                char c = source.charAt(pos);
                switch (c) {
                    case '\\' -> escape(false);
                    case '[' -> characterClass();
                    case '(' -> group();
                    case '{' -> brace();
                    default -> {
                        out.append(c);
                        pos++;
                    }
                }
            }
            return out.toString();
        }

        private void group() {
            pos++;
            if (!source.startsWith("?", pos)) {
                groups++;
                out.append('(');
                return;
            }
            if (source.startsWith("?P<", pos)) {
                int close = source.indexOf('>', pos);
                if (close < 0) {
                    throw error("missing >, unterminated name");
                }
                String name = source.substring(pos + 3, close);
                if (name.isEmpty() || !Character.isJavaIdentifierStart(name.codePointAt(0))
                        || !name.codePoints().allMatch(Character::isJavaIdentifierPart)) {
                    throw error("bad character in group name '" + name + "'");
                }
                if (names.containsKey(name)) {
                    throw error("redefinition of group name '" + name + "'");
                }
                groups++;
                names.put(name, groups);
                out.append('(');
                pos = close + 1;
            } else if (source.startsWith("?P=", pos)) {
                int close = source.indexOf(')', pos);
                if (close < 0) {
                    throw error("missing ), unterminated name");
                }
                String name = source.substring(pos + 3, close);
                Integer index = names.get(name);
                if (index == null) {
                    throw error("unknown group name '" + name + "'");
                }
                out.append("(?:\\").append(index).append(')');
                pos = close + 1;
            } else if (source.startsWith("?#", pos)) {
                int close = source.indexOf(')', pos);
                if (close < 0) {
                    throw error("missing ), unterminated comment");
                }
                pos = close + 1;
            } else if (source.startsWith("?:", pos) || source.startsWith("?=", pos) || source.startsWith("?!", pos)
                    || source.startsWith("?<=", pos) || source.startsWith("?<!", pos)
                    || source.startsWith("?>", pos)) {
                out.append('(');
            } else if (source.startsWith("?(", pos)) {
                throw error("conditional groups are not supported");
            } else {
                // inline flags: (?aiLmsux) or (?flags-flags:...)
                int i = pos + 1;
                StringBuilder flags = new StringBuilder();
                while (i < source.length() && "aiLmsux-".indexOf(source.charAt(i)) >= 0) {
                    char f = source.charAt(i);
                    if (f != 'a' && f != 'L' && f != 'u') {
                        flags.append(f);
                    }
                    i++;
                }
                if (i >= source.length() || (source.charAt(i) != ')' && source.charAt(i) != ':') || i == pos + 1) {
                    throw error("unknown extension ?" + (pos + 1 < source.length() ? source.charAt(pos + 1) : ""));
                }
                out.append("(?").append(flags);
                pos = i;
            }
        }

        private void brace() {
            int i = pos + 1;
            int loStart = i;
            while (i < source.length() && isAsciiDigit(source.charAt(i))) {
                i++;
            }
            String lo = source.substring(loStart, i);
            String hi = null;
            boolean comma = false;
            if (i < source.length() && source.charAt(i) == ',') {
                comma = true;
                int hiStart = ++i;
                while (i < source.length() && isAsciiDigit(source.charAt(i))) {
                    i++;
                }
                hi = source.substring(hiStart, i);
            }
            boolean quantifier = i < source.length() && source.charAt(i) == '}' && !(lo.isEmpty() && !comma);
            if (!quantifier) {
                out.append("\\{");
                pos++;
                return;
            }
            out.append('{').append(lo.isEmpty() ? "0" : lo);
            if (comma) {
                out.append(',').append(hi);
            }
            out.append('}');
            pos = i + 1;
        }

        private void characterClass() {
            out.append('[');
            pos++;
            if (pos < source.length() && source.charAt(pos) == '^') {
                out.append('^');
                pos++;
            }
            boolean first = true;
            while (true) {
                if (pos >= source.length()) {
                    throw error("unterminated character set");
                }
                char c = source.charAt(pos);
                if (c == ']' && !first) {
                    out.append(']');
                    pos++;
                    return;
                }
                first = false;
                switch (c) {
                    case '\\' -> escape(true);
                    case '[', ']', '&', '~', '|' -> {
                        out.append('\\').append(c);
                        pos++;
                    }
                    default -> {
                        out.append(c);
                        pos++;
                    }
                }
            }
        }

        private void escape(boolean inClass) {
            if (pos + 1 >= source.length()) {
                throw error("bad escape (end of pattern)");
            }
            char c = source.charAt(pos + 1);
            pos += 2;
            switch (c) {
                case 'd', 'D', 's', 'S', 'w', 'W' -> out.append('\\').append(c);
                case 'b' -> out.append(inClass ? "\\x08" : "\\b");
                case 'B', 'A' -> {
                    if (inClass) {
                        throw error("bad escape \\" + c);
                    }
                    out.append('\\').append(c);
                }
                case 'Z' -> {
                    if (inClass) {
                        throw error("bad escape \\Z");
                    }
                    out.append("\\z");
                }
                case 'a' -> out.append("\\x07");
                case 'f' -> out.append("\\f");
                case 'n' -> out.append("\\n");
                case 'r' -> out.append("\\r");
                case 't' -> out.append("\\t");
                case 'v' -> out.append("\\x0B");
                case 'x' -> codePoint(hex(2));
                case 'u' -> codePoint(hex(4));
                case 'U' -> codePoint(hex(8));
                case 'N' -> namedCharacter();
                case '0' -> {
                    int value = 0;
                    for (int count = 0; count < 2 && pos < source.length() && isOctal(source.charAt(pos)); count++) {
                        value = value * 8 + (source.charAt(pos++) - '0');
                    }
                    codePoint(value);
                }
                default -> {
                    if (c >= '1' && c <= '9') {
                        backReferenceOrOctal(c, inClass);
                    } else if (c < 128 && Character.isLetter(c)) {
                        throw error("bad escape \\" + c);
                    } else if (Character.isHighSurrogate(c) && pos < source.length()) {
                        codePoint(Character.toCodePoint(c, source.charAt(pos++)));
                    } else if (c < 128 && !Character.isLetterOrDigit(c)) {
                        out.append('\\').append(c);
                    } else {
                        codePoint(c);
                    }
                }
            }
        }

        private void backReferenceOrOctal(char first, boolean inClass) {
            if (isOctal(first) && pos + 1 < source.length() && isOctal(source.charAt(pos))
                    && isOctal(source.charAt(pos + 1))) {
                int value = (first - '0') * 64 + (source.charAt(pos) - '0') * 8 + (source.charAt(pos + 1) - '0');
                if (value > 0377) {
                    throw error("octal escape value out of range");
                }
                pos += 2;
                codePoint(value);
                return;
            }
            if (inClass) {
                throw error("bad escape \\" + first);
            }
            int group = first - '0';
            if (pos < source.length() && isAsciiDigit(source.charAt(pos))) {
                group = group * 10 + (source.charAt(pos++) - '0');
            }
            if (group > groups) {
                throw error("invalid group reference " + group);
            }
            out.append("(?:\\").append(group).append(')');
        }

        private int hex(int digits) {
            if (pos + digits > source.length()) {
                throw error("incomplete escape");
            }
            String text = source.substring(pos, pos + digits);
            for (int i = 0; i < text.length(); i++) {
                if (Character.digit(text.charAt(i), 16) < 0 || text.charAt(i) > 127) {
                    throw error("incomplete escape \\" + source.charAt(pos - 1) + text);
                }
            }
            pos += digits;
            long value = Long.parseLong(text, 16);
            if (value > Character.MAX_CODE_POINT) {
                throw error("bad escape \\U" + text);
            }
            return (int) value;
        }

        private void namedCharacter() {
            if (pos >= source.length() || source.charAt(pos) != '{') {
                throw error("missing {");
            }
            int close = source.indexOf('}', pos);
            if (close < 0) {
                throw error("missing }, unterminated name");
            }
            String name = source.substring(pos + 1, close);
            try {
                codePoint(Character.codePointOf(name));
            } catch (IllegalArgumentException e) {
                throw error("undefined character name '" + name + "'");
            }
            pos = close + 1;
        }

        private void codePoint(int value) {
            out.append("\\x{").append(Integer.toHexString(value)).append('}');
        }

        private static boolean isAsciiDigit(char c) {
            return c >= '0' && c <= '9';
        }
    }
}
