package dev.corral.execute;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the plan environment file ({@code TMT_PLAN_ENVIRONMENT_FILE}) as tmt does: the content is split into
 * words like Python's {@code shlex} splits them (quotes, backslashes, {@code #} comments), and every word must be
 * {@code NAME=VALUE}. So {@code A="x y"} is one variable with a space in its value, and {@code A=1 B=2} on one
 * line are two variables.
 */
final class DotEnv {

    /** The parsed variables, and the words that were not {@code NAME=VALUE}. */
    record Parsed(Map<String, String> variables, List<String> invalid) {
    }

    private DotEnv() {
    }

    static Parsed parse(String content) {
        Map<String, String> variables = new LinkedHashMap<>();
        List<String> invalid = new ArrayList<>();
        for (String word : words(content)) {
            int eq = word.indexOf('=');
            if (eq <= 0 || word.substring(0, eq).indexOf('\0') >= 0 || word.indexOf('\0') >= 0) {
                invalid.add(word);
            } else {
                variables.put(word.substring(0, eq), word.substring(eq + 1));
            }
        }
        return new Parsed(variables, invalid);
    }

    /**
     * Word splitting exactly as Python's {@code shlex.split(content, comments=True)} does it (POSIX mode), which
     * is what tmt uses: whitespace separates words, single quotes keep everything, inside double quotes a backslash
     * only escapes {@code "} and {@code \\}, outside quotes it escapes any character, and an unquoted {@code #}
     * starts a comment even in the middle of a word.
     */
    static List<String> words(String content) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        int i = 0;
        int n = content.length();
        while (i < n) {
            char c = content.charAt(i);
            if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
                i++;
            } else if (c == '#') {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
                while (i < n && content.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '\'') {
                inWord = true;
                i++;
                while (i < n && content.charAt(i) != '\'') {
                    word.append(content.charAt(i++));
                }
                i++;
            } else if (c == '"') {
                inWord = true;
                i++;
                while (i < n && content.charAt(i) != '"') {
                    char d = content.charAt(i);
                    if (d == '\\' && i + 1 < n) {
                        char next = content.charAt(i + 1);
                        if (next != '"' && next != '\\') {
                            word.append('\\');
                        }
                        word.append(next);
                        i += 2;
                    } else {
                        word.append(d);
                        i++;
                    }
                }
                i++;
            } else if (c == '\\') {
                inWord = true;
                if (i + 1 < n) {
                    word.append(content.charAt(i + 1));
                }
                i += 2;
            } else {
                inWord = true;
                word.append(c);
                i++;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }
}
