package dev.corral.machine;

import java.util.List;
import java.util.function.Predicate;

import dev.corral.Deadline;
import dev.corral.RunId;

import org.apiguardian.api.API;

/**
 * Finds and removes what runs left behind outside the JVM — processes, containers, VMs, overlays — by the run id
 * every such resource carries. Each machine kind has one; {@code corral cleanup} and the start of every run call
 * them with a predicate that is true only for runs that are dead, so a live run's resources are never touched.
 *
 * <p>Thread-safe; blocks until done, the deadline expires or the thread is interrupted.
 */
@API(status = API.Status.EXPERIMENTAL)
public interface Reaper {

    /** What this reaper removes, e.g. {@code podman containers}. */
    String kind();

    /**
     * Removes the leftovers of every run for which {@code dead} is true.
     *
     * @param dryRun only list what would be removed
     * @return one line per resource removed (or found, for a dry run), naming it and its run
     */
    List<String> reap(Predicate<RunId> dead, boolean dryRun, Deadline deadline) throws InterruptedException;
}
