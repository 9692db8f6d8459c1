package dev.corral.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;

/** Real time and virtual threads. */
final class SystemTimebase implements Timebase {
    static final SystemTimebase INSTANCE = new SystemTimebase();

    @Override
    public Instant now() {
        return Instant.now();
    }

    @Override
    public void sleep(Duration duration) throws InterruptedException {
        if (duration.isPositive()) {
            Thread.sleep(duration);
        }
    }

    @Override
    public Thread start(String name, Runnable task) {
        return Thread.ofVirtual().name(name).start(task);
    }

    @Override
    public <E> Mailbox<E> mailbox() {
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

    @Override
    public <T> T coordinate(Callable<T> loop) throws Exception {
        return loop.call();
    }
}
