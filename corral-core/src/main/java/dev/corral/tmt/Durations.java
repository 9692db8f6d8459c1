package dev.corral.tmt;

import java.time.Duration;
import java.util.Objects;

import dev.corral.CorralException;

import org.apiguardian.api.API;

/**
 * tmt's duration grammar and its {@code hh:mm:ss} format.
 *
 * <p>A duration is a sequence of time values and multipliers separated by optional spaces: {@code 5m},
 * {@code 1h 30m}, {@code 1m30s}, {@code 90} (seconds), {@code 2d}, {@code 1h 3h 2m 3}, {@code '*3 2s *4'}. Units are
 * {@code s}, {@code m}, {@code h} and {@code d}; a value without unit is seconds. All values are summed, then
 * multiplied by every {@code *FLOAT}, and the result is rounded up to whole seconds. When the values sum to zero
 * (e.g. {@code '*2'} alone, as {@code duration+: '*2'} produces on a test without a duration), the default is
 * multiplied instead, as tmt does with its injected default.
 *
 * <p>Stateless and thread-safe.
 */
@API(status = API.Status.EXPERIMENTAL)
public final class Durations {

    private static final String GRAMMAR = "expected e.g. 5m, 1h 30m, 1m30s, 90, 2d or 5m *2";

    private Durations() {
    }

    /**
     * Parses a tmt duration without a default (a bare multiplier yields zero).
     *
     * @throws CorralException naming the value when it is not a tmt duration
     */
    public static Duration parse(String text) {
        return Duration.ofSeconds(seconds(text, null));
    }

    /**
     * Parses a tmt duration; when its time values sum to zero, {@code injectedDefault} (itself a tmt duration such as
     * {@code 5m}) is multiplied instead.
     *
     * @throws CorralException naming the value when it is not a tmt duration
     */
    public static Duration parse(String text, String injectedDefault) {
        Objects.requireNonNull(injectedDefault, "injectedDefault must not be null");
        return Duration.ofSeconds(seconds(text, injectedDefault));
    }

    /**
     * tmt's {@code hh:mm:ss} as written to {@code results.yaml}: hours are not wrapped into days (so
     * {@code 100:00:00} is possible) and fractions of a second are dropped.
     *
     * @throws IllegalArgumentException for a negative duration
     */
    public static String format(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("negative duration " + duration);
        }
        long total = duration.getSeconds();
        return String.format("%02d:%02d:%02d", total / 3600, total / 60 % 60, total % 60);
    }

    private static long seconds(String text, String injectedDefault) {
        Objects.requireNonNull(text, "text must not be null");
        String s = spaced(text);
        if (s.isEmpty()) {
            throw invalid(text);
        }
        long total = 0;
        double multiplier = 1.0;
        int i = 0;
        int n = s.length();
        while (i < n) {
            int tokenEnd;
            if (s.charAt(i) == '*') {
                i++;
                while (i < n && Character.isWhitespace(s.charAt(i))) {
                    i++;
                }
                int start = i;
                i = digits(s, i);
                if (i == start) {
                    throw invalid(text);
                }
                if (i + 1 < n && s.charAt(i) == '.' && isDigit(s.charAt(i + 1))) {
                    i = digits(s, i + 1);
                }
                if (i < n && isUnit(s.charAt(i))) {
                    throw invalid(text);
                }
                multiplier *= Double.parseDouble(s.substring(start, i));
                tokenEnd = i;
            } else {
                int start = i;
                i = digits(s, i);
                if (i == start) {
                    throw invalid(text);
                }
                long value = number(text, s.substring(start, i));
                tokenEnd = i;
                int afterSpace = skipSpaces(s, i);
                long unit = 1;
                if (afterSpace < n && isUnit(s.charAt(afterSpace))) {
                    unit = unitSeconds(s.charAt(afterSpace));
                    tokenEnd = afterSpace + 1;
                }
                try {
                    total = Math.addExact(total, Math.multiplyExact(value, unit));
                } catch (ArithmeticException tooLong) {
                    throw invalid(text);
                }
            }
            // The token must end at a word boundary (tmt's "\b"): "5ms" and "5mx" are invalid.
            if (tokenEnd < n && isWordChar(s.charAt(tokenEnd))) {
                throw invalid(text);
            }
            i = skipSpaces(s, tokenEnd);
        }
        if (injectedDefault != null && total == 0) {
            total = seconds(injectedDefault, null);
        }
        double result = Math.ceil(total * multiplier);
        if (result > Long.MAX_VALUE / 2) {
            throw invalid(text);
        }
        return (long) result;
    }

    /** tmt's pre-processing: a space between a unit and a following digit, runs of spaces collapsed. */
    private static String spaced(String text) {
        StringBuilder out = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            out.append(c);
            if (isUnit(c) && i + 1 < text.length() && isDigit(text.charAt(i + 1))) {
                out.append(' ');
            }
        }
        return out.toString().replaceAll("\\s\\s+", " ");
    }

    private static long number(String text, String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException tooLong) {
            throw invalid(text);
        }
    }

    private static int digits(String s, int i) {
        while (i < s.length() && isDigit(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static int skipSpaces(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isUnit(char c) {
        return c == 's' || c == 'm' || c == 'h' || c == 'd';
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    private static long unitSeconds(char unit) {
        return switch (unit) {
            case 'm' -> 60;
            case 'h' -> 3600;
            case 'd' -> 86400;
            default -> 1;
        };
    }

    private static CorralException invalid(String text) {
        return new CorralException("invalid duration '" + text + "': " + GRAMMAR);
    }
}
