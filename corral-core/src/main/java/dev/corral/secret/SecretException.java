package dev.corral.secret;

import dev.corral.CorralException;

import org.apiguardian.api.API;

/** A secret Corral refuses: too short to be masked safely, empty name, missing value. */
@API(status = API.Status.EXPERIMENTAL)
public class SecretException extends CorralException {

    public SecretException(String message) {
        super(message);
    }
}
