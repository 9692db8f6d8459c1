package dev.corral.cleanup;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

import dev.corral.CorralException;
import dev.corral.Deadline;
import dev.corral.RunId;
import dev.corral.machine.Reaper;
import dev.corral.machine.RunRegistry;
import dev.corral.machine.local.LocalReaper;
import dev.corral.machine.podman.PodmanCleanup;
import dev.corral.machine.qemu.QemuCleanup;

import org.apiguardian.api.API;

/**
 * Removes what dead runs left behind, with one {@link Reaper} per machine kind. Which runs are dead is decided by
 * the {@link RunRegistry}: a live run's resources are never touched.
 *
 * <pre>{@code
 * Cleanup.Report report = Cleanup.standard().deadRuns(false, Deadline.after(Duration.ofMinutes(5)));
 * report.removed().forEach(System.out::println);
 * }</pre>
 *
 * @param registry tells live runs from dead ones
 * @param reapers  one per machine kind
 */
@API(status = API.Status.EXPERIMENTAL)
public record Cleanup(RunRegistry registry, List<Reaper> reapers) {

    public Cleanup {
        Objects.requireNonNull(registry, "registry must not be null");
        reapers = List.copyOf(reapers);
    }

    /** The host's registry and a reaper for every machine kind whose tool is installed. */
    public static Cleanup standard() {
        List<Reaper> reapers = new ArrayList<>();
        reapers.add(new LocalReaper());
        if (onPath("podman")) {
            reapers.add(new PodmanCleanup());
        }
        reapers.add(new QemuCleanup());
        return new Cleanup(RunRegistry.standard(), reapers);
    }

    /** A copy with one more reaper. */
    public Cleanup with(Reaper reaper) {
        List<Reaper> more = new ArrayList<>(reapers);
        more.add(reaper);
        return new Cleanup(registry, more);
    }

    /**
     * What was removed (or found) and what could not be.
     *
     * @param removed one line per resource
     * @param failed  one line per reaper that failed, with its reason
     */
    public record Report(List<String> removed, List<String> failed) {
        public Report {
            removed = List.copyOf(removed);
            failed = List.copyOf(failed);
        }
    }

    /** Removes the leftovers of every dead run. */
    public Report deadRuns(boolean dryRun, Deadline deadline) throws InterruptedException {
        return reap(run -> !registry.isLive(run), dryRun, deadline);
    }

    /** Removes the leftovers of the given runs, unless one of them is live. */
    public Report runs(List<RunId> runs, boolean dryRun, Deadline deadline) throws InterruptedException {
        return reap(run -> runs.contains(run) && !registry.isLive(run), dryRun, deadline);
    }

    /** Removes every run's leftovers, live runs' included: for hosts where the registry cannot be trusted. */
    public Report everything(boolean dryRun, Deadline deadline) throws InterruptedException {
        return reap(run -> true, dryRun, deadline);
    }

    private Report reap(Predicate<RunId> dead, boolean dryRun, Deadline deadline) throws InterruptedException {
        List<String> removed = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (Reaper reaper : reapers) {
            try {
                removed.addAll(reaper.reap(dead, dryRun, deadline));
            } catch (CorralException e) {
                failed.add(reaper.kind() + ": " + e.getMessage());
            }
        }
        return new Report(removed, failed);
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && java.nio.file.Files.isExecutable(java.nio.file.Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
