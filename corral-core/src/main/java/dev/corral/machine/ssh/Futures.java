package dev.corral.machine.ssh;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.corral.Deadline;

import org.apache.sshd.common.future.SshFuture;

/** Interruptible, deadline-bound waiting on MINA SSHD futures (whose own waits swallow interrupts). */
final class Futures {
    private Futures() {
    }

    /**
     * Waits until the future is done or the deadline expires.
     *
     * @return whether it is done
     */
    static <T extends SshFuture<T>> boolean await(T future, Deadline deadline) throws InterruptedException {
        if (future.isDone()) {
            return true;
        }
        CountDownLatch done = new CountDownLatch(1);
        future.addListener(f -> done.countDown());
        return done.await(deadline.remainingNanos(), TimeUnit.NANOSECONDS);
    }

    /** A one-line reason from a failure, for messages. */
    static String why(Throwable t) {
        if (t == null) {
            return "unknown reason";
        }
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root && (root.getMessage() == null || root.getMessage().isBlank())) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null || message.isBlank() ? root.getClass().getSimpleName() : message.strip();
    }
}
