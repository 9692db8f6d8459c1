package dev.corral.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;

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

    /**
     * Starts a task on a new (virtual) thread and returns the thread, so that it can be interrupted. By default a
     * new virtual thread.
     */
    default Thread start(String name, Runnable task) {
        return Thread.ofVirtual().name(name).start(task);
    }

    /** A new unbounded queue of reports from tasks to the coordinating thread; by default a blocking queue. */
    default <E> Mailbox<E> mailbox() {
        LinkedBlockingQueue<E> queue = new LinkedBlockingQueue<>();
        return new Mailbox<>() {
            @Override
            public void post(E item) {
                queue.add(item);
            }

            @Override
            public E take() throws InterruptedException {
                return queue.take();
            }

            @Override
            public E poll() {
                return queue.poll();
            }
        };
    }

    /** Runs the coordinating loop of a run on the calling thread and returns its value; by default just calls it. */
    default <T> T coordinate(Callable<T> loop) throws Exception {
        return loop.call();
    }

    /** Reports from tasks to the coordinator; {@link #post} is thread-safe, one thread takes. */
    interface Mailbox<E> {
        void post(E item);

        /** The next item, waiting for one; interruptible. */
        E take() throws InterruptedException;

        /** The next item if there is one, else {@code null}; never blocks. */
        E poll();
    }
}
