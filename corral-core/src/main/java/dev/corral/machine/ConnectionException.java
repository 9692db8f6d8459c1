package dev.corral.machine;

import dev.corral.CorralException;

import org.apiguardian.api.API;

/**
 * The connection to a machine failed or was lost (network cut, container or VM gone, sshd dead). The scheduler
 * treats it as a machine loss: the attempt is recorded as an error and the test requeued on another machine.
 */
@API(status = API.Status.EXPERIMENTAL)
public class ConnectionException extends CorralException {
    public ConnectionException(String message) {
        super(message);
    }

    public ConnectionException(String message, Throwable cause) {
        super(message, cause);
    }
}
