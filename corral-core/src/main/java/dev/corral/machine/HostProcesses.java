package dev.corral.machine;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.apiguardian.api.API;

/** Processes of this host, for the provisioners and reapers that kill what tests or tools left behind. */
@API(status = API.Status.INTERNAL)
public final class HostProcesses {
    /**
     * Shared by the starts of processes ({@link #start}), exclusive while a file that a command may execute is
     * written ({@link #writeExecutable}).
     */
    private static final ReentrantReadWriteLock STARTS = new ReentrantReadWriteLock();

    private HostProcesses() {
    }

    /** Writes a file that a command may execute. */
    @FunctionalInterface
    interface ExecutableWrite {
        /** Opens, writes and closes the file. */
        void write() throws IOException;
    }

    /**
     * Starts a process, never while {@link #writeExecutable} holds a file open. A process started while the JVM
     * holds a file open for writing inherits it until its program closes it (the JDK's spawn helper closes
     * inherited descriptors only once it has loaded), and the kernel refuses to execute a file that is open for
     * writing: a test on another machine then fails with "Text file busy" (exit 126).
     */
    public static Process start(ProcessBuilder builder) throws IOException {
        STARTS.readLock().lock();
        try {
            return builder.start();
        } finally {
            STARTS.readLock().unlock();
        }
    }

    /**
     * Writes a file that a command may execute (a test's script) while no process starts ({@link #start}); every
     * executable {@link FileContent} is written this way.
     */
    static void writeExecutable(ExecutableWrite write) throws IOException {
        STARTS.writeLock().lock();
        try {
            write.write();
        } finally {
            STARTS.writeLock().unlock();
        }
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
