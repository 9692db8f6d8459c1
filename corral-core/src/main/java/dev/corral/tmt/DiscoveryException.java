package dev.corral.tmt;

import dev.corral.CorralException;

import org.apiguardian.api.API;

/**
 * A test, plan or discover phase that cannot be understood: a key of the wrong type, an invalid duration, a tree
 * that cannot be fetched. The message is one line naming the node, the key and, when known, {@code file:line}.
 */
@API(status = API.Status.EXPERIMENTAL)
public class DiscoveryException extends CorralException {

    public DiscoveryException(String message) {
        super(oneLine(message));
    }

    public DiscoveryException(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

    /** The message on one line: control characters of quoted values (newlines, ESC, NUL) are escaped. */
    private static String oneLine(String message) {
        if (message == null || message.codePoints().noneMatch(DiscoveryException::control)) {
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
