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
}
