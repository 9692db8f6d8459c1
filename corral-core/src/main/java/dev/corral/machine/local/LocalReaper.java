package dev.corral.machine.local;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import dev.corral.Deadline;
import dev.corral.RunId;
import dev.corral.machine.Reaper;

import org.apiguardian.api.API;

/**
 * Kills test processes of dead runs on this host: every command a local machine runs carries
 * {@code CORRAL_TEST_TOKEN=<run id>.<uuid>}, inherited by everything it starts, so daemons a test left behind when
 * Corral was killed are found by their run.
 */
@API(status = API.Status.EXPERIMENTAL)
public final class LocalReaper implements Reaper {

    @Override
    public String kind() {
        return "local processes";
    }

    @Override
    public List<String> reap(Predicate<RunId> dead, boolean dryRun, Deadline deadline) {
        List<String> done = new ArrayList<>();
        for (Map.Entry<RunId, Set<Long>> run : ProcessReaper.processesByRun().entrySet()) {
            if (!dead.test(run.getKey())) {
                continue;
            }
            if (!dryRun) {
                ProcessReaper.kill(run.getValue());
            }
            done.add("process" + (run.getValue().size() == 1 ? " " : "es ") + run.getValue() + " of run " + run.getKey());
        }
        return done;
    }
}
