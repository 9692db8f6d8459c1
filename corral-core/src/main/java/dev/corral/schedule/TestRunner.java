package dev.corral.schedule;

import dev.corral.Deadline;
import dev.corral.machine.Machine;

import org.apiguardian.api.API;

/**
 * The seam to the test executor: prepares each machine once, then runs tests on it through the returned
 * {@link MachineSession}. The scheduler never looks inside a test; it only decides what runs where and when.
 *
 * <p>Thread-safe: called from several virtual threads at once, one per machine being prepared.
 */
@API(status = API.Status.EXPERIMENTAL)
public interface TestRunner {

    /**
     * Prepares a freshly provisioned machine for the tests of a target (copies the test tree, installs helper
     * scripts). A failure counts as a provisioning failure: the machine is released and another requested.
     *
     * @param machine  the ready machine; the session does not own it (the scheduler closes it)
     * @param target   the target's name
     * @param deadline when preparation must be done
     * @throws InterruptedException when the run is cancelled
     */
    MachineSession open(Machine machine, String target, Deadline deadline) throws InterruptedException;
}
