package dev.corral.machine;

import dev.corral.CorralException;

import org.apiguardian.api.API;

/** A machine could not be provisioned; the message carries the backend's own explanation. */
@API(status = API.Status.EXPERIMENTAL)
public class ProvisionException extends CorralException {
    public ProvisionException(String message) {
        super(message);
    }

    public ProvisionException(String message, Throwable cause) {
        super(message, cause);
    }
}
