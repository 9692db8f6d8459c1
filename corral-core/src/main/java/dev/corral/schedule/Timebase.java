package dev.corral.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;

import org.apiguardian.api.API;

/**
 * The clock and threads a {@link Dispatcher} runs on. {@link #system()} is real time with virtual threads; the
 * simulation package has a deterministic virtual-time implementation in which the same dispatcher code runs
 * a whole day of simulated tests in milliseconds, and a sped-up real-time one for benchmarks.
 *
 * <p>Contract for implementations: the dispatcher runs its event loop inside {@link #coordinate}, starts every
 * blocking task with {@link #start}, waits for their reports on a {@link #mailbox()}, and sleeps only with
 * {@link #sleep}. Simulated provisioners and runners sleep with the same timebase.
 */
@API(status = API.Status.EXPERIMENTAL)
public interface Timebase {

    /** Real time: {@link Instant#now()}, {@link Thread#sleep}, one virtual thread per task. */
    static Timebase system() {
        return SystemTimebase.INSTANCE;
    }

    /** The current time. */
    Instant now();

    /** Blocks the calling task for {@code duration}; interruptible. */
    void sleep(Duration duration) throws InterruptedException;

    /** Starts a task on a new (virtual) thread and returns the thread, so that it can be interrupted. */
    Thread start(String name, Runnable task);

    /** A new unbounded queue of reports from tasks to the coordinating thread. */
    <E> Mailbox<E> mailbox();

    /** Runs the coordinating loop of a run on the calling thread and returns its value. */
    <T> T coordinate(Callable<T> loop) throws Exception;

    /** Reports from tasks to the coordinator; {@link #post} is thread-safe, one thread takes. */
    interface Mailbox<E> {
        void post(E item);

        /** The next item, waiting for one; interruptible. */
        E take() throws InterruptedException;

        /** The next item if there is one, else {@code null}; never blocks. */
        E poll();
    }
}
