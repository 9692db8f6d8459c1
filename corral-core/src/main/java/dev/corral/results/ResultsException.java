package dev.corral.results;

import dev.corral.CorralException;

import org.apiguardian.api.API;

/**
 * A results directory, its journal or one of its files cannot be read or written. The message names the file
 * (and the line, for a corrupt journal) and says what to do.
 */
@API(status = API.Status.EXPERIMENTAL)
public class ResultsException extends CorralException {

    public ResultsException(String message) {
        super(message);
    }

    public ResultsException(String message, Throwable cause) {
        super(message, cause);
    }
}
