package dev.corral.execute;

import dev.corral.machine.ConnectionException;
import dev.corral.results.TestResult;

import org.apiguardian.api.API;

/**
 * The machine was lost while a test ran on it (the connection failed, the machine was closed or did not come back
 * from a reboot). The attempt's result so far is attached: outcome {@code error}, a note saying what happened, and
 * the output collected until then. The scheduler journals it and requeues the test on another machine.
 */
@API(status = API.Status.EXPERIMENTAL)
public class MachineLostException extends ConnectionException {
    private final transient TestResult result;

    public MachineLostException(String message, Throwable cause, TestResult result) {
        super(message, cause);
        this.result = result;
    }

    /** The attempt's partial result: {@code error}, with the output collected before the loss. */
    public TestResult result() {
        return result;
    }
}
