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
}
