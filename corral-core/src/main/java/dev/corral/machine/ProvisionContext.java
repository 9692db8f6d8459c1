package dev.corral.machine;

import java.nio.file.Path;
import java.util.Objects;

import dev.corral.RunId;

import org.apiguardian.api.API;

/**
 * What every provisioner of a run shares: the run id (to label external resources for cleanup) and the
 * directory where per-machine logs go ({@code <results>/machines/<id>/}).
 *
 * @param runId        the run's id
 * @param machinesRoot directory holding one sub-directory per machine
 */
@API(status = API.Status.EXPERIMENTAL)
public record ProvisionContext(RunId runId, Path machinesRoot) {

    public ProvisionContext {
        Objects.requireNonNull(runId, "runId must not be null");
        Objects.requireNonNull(machinesRoot, "machinesRoot must not be null");
    }

    /** The log directory of one machine (not created). */
    public Path machineDir(String machineId) {
        return machinesRoot.resolve(machineId);
    }
}
