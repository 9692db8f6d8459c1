package dev.corral.schedule;

import dev.corral.machine.ProvisionException;

import org.apiguardian.api.API;

/**
 * A target got no machine to run its tests on. Thrown by {@link Dispatcher#run()} after the rest of the run has
 * finished; the tests that could not run were recorded as {@code pending} (sink and {@link #outcome()}), so
 * nothing is lost. The message names the target and carries the provisioner's own explanation.
 */
@API(status = API.Status.EXPERIMENTAL)
public class ProvisioningFailedException extends ProvisionException {
    private final transient RunOutcome outcome;

    public ProvisioningFailedException(String message, Throwable cause, RunOutcome outcome) {
        super(message, cause);
        this.outcome = outcome;
    }

    /** Everything the run did, including the {@code pending} results of the tests that never ran. */
    public RunOutcome outcome() {
        return outcome;
    }
}
