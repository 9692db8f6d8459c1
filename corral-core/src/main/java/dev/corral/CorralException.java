package dev.corral;

import org.apiguardian.api.API;

/**
 * Base of every exception Corral throws on purpose. Unchecked: only {@link InterruptedException} stays checked.
 * The message says what failed, why, and what to do next; it is shown to users as one line, so it never needs a
 * stack trace to be understood.
 */
@API(status = API.Status.EXPERIMENTAL)
public class CorralException extends RuntimeException {

    public CorralException(String message) {
        super(message);
    }

    public CorralException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * The message on one line, for subclasses whose messages quote user values: newlines become {@code \n}, other
     * control characters (ESC, NUL, C1, line and paragraph separators) {@code \}{@code uXXXX}.
     */
    protected static String oneLine(String message) {
        if (message == null || message.codePoints().noneMatch(CorralException::control)) {
            return message;
        }
        StringBuilder b = new StringBuilder(message.length() + 8);
        message.codePoints().forEach(c -> {
            if (c == '\n') {
                b.append("\\n");
            } else if (control(c)) {
                b.append(String.format("\\u%04x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.toString();
    }

    private static boolean control(int c) {
        return c < 0x20 || c == 0x7f || c >= 0x80 && c < 0xa0 || c == 0x2028 || c == 0x2029;
    }
}
