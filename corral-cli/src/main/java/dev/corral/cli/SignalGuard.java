package dev.corral.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Turns SIGINT/SIGTERM into an interrupt of the thread doing the work, then holds the JVM's exit until that
 * thread has wound down (tests killed, machines released, reports written), at most {@code grace}. The JVM then
 * exits with 130 (SIGINT) or 143 (SIGTERM). A second Ctrl-C does not cut the wind-down short: the JVM ignores
 * signals while its shutdown hooks run.
 */
final class SignalGuard implements AutoCloseable {
    private final Thread worker;
    private final Thread hook;
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Duration grace;
    private volatile boolean signalled;

    private SignalGuard(Duration grace) {
        this.worker = Thread.currentThread();
        this.grace = grace;
        this.hook = new Thread(this::windDown, "corral-shutdown");
    }

    /** Installs the guard for the calling thread. */
    static SignalGuard install(Duration grace) {
        SignalGuard guard = new SignalGuard(grace);
        Runtime.getRuntime().addShutdownHook(guard.hook);
        return guard;
    }

    /** Whether a signal arrived. */
    boolean signalled() {
        return signalled;
    }

    private void windDown() {
        if (finished.getCount() == 0) {
            return;
        }
        signalled = true;
        System.err.println("\ncorral: stopping: killing running tests, releasing machines, writing reports...");
        worker.interrupt();
        try {
            if (!finished.await(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                System.err.println("corral: wind-down took longer than " + grace.toSeconds() + " s; exiting anyway"
                        + " (run 'corral cleanup' to remove leftovers)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The work is done: a pending or later shutdown need not wait; the hook is removed when still possible. */
    @Override
    public void close() {
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is exiting because of a signal; the hook sees the latch and returns
        }
    }
}
