package dev.corral.machine;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

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
    private static final Map<String, AtomicInteger> SEQUENCES = new ConcurrentHashMap<>();

    public ProvisionContext {
        Objects.requireNonNull(runId, "runId must not be null");
        Objects.requireNonNull(machinesRoot, "machinesRoot must not be null");
    }

    /**
     * The next machine number of this kind in the run (1, 2, ...), shared by every provisioner of the run, so that
     * two targets of one kind never give two machines the same id, directory or container name. Thread-safe.
     */
    public int nextMachineNumber(String kind) {
        return SEQUENCES.computeIfAbsent(runId.value() + "/" + kind, k -> new AtomicInteger()).incrementAndGet();
    }

    /** The log directory of one machine (not created). */
    public Path machineDir(String machineId) {
        return machinesRoot.resolve(machineId);
    }
}
