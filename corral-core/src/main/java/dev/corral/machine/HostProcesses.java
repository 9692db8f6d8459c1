package dev.corral.machine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apiguardian.api.API;

/** Processes of this host, for the provisioners and reapers that kill what tests or tools left behind. */
@API(status = API.Status.INTERNAL)
public final class HostProcesses {
    private HostProcesses() {
    }

    /**
     * Sends SIGKILL to each process, then waits until they are gone, for at most {@code patience} in all: SIGKILL is
     * delivered asynchronously, and callers want a clean host when this returns. Keeps the interrupt flag.
     *
     * @return how many processes were signalled
     */
    public static int killAndAwait(Collection<ProcessHandle> processes, Duration patience) {
        List<ProcessHandle> signalled = new ArrayList<>();
        for (ProcessHandle p : processes) {
            if (p.destroyForcibly()) {
                signalled.add(p);
            }
        }
        long until = System.nanoTime() + patience.toNanos();
        for (ProcessHandle p : signalled) {
            long left = until - System.nanoTime();
            if (left <= 0) {
                break;
            }
            try {
                p.onExit().get(left, TimeUnit.NANOSECONDS);
            } catch (ExecutionException | TimeoutException e) {
                // still exiting: nothing more a SIGKILL can do
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return signalled.size();
    }
}
