package dev.corral.schedule.simulation;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.LinkedHashSet;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import dev.corral.schedule.Timebase;

import org.apiguardian.api.API;

/**
 * Deterministic virtual time for simulations: the real {@link dev.corral.schedule.Dispatcher} code runs on real
 * (virtual) threads, but only one of them runs at a time and time jumps to the next wake-up as soon as every
 * thread waits. An hour of simulated tests takes milliseconds, and the same seed gives the same run.
 *
 * <p>How it works: every task started with {@link #start} and the thread inside {@link #coordinate} are
 * participants; a single baton passes between them in FIFO order. A participant gives the baton up when it
 * {@linkplain #sleep sleeps}, waits on an empty {@linkplain #mailbox() mailbox} or ends. When nobody is ready,
 * the clock advances to the earliest sleeper and wakes it. Participants must not block on anything else (locks
 * held by others, real sleeps, I/O waits) while they hold the baton.
 *
 * <p>Thread-safe. An interrupted participant becomes ready at once and throws {@link InterruptedException} when
 * it next holds the baton.
 */
@API(status = API.Status.EXPERIMENTAL)
public final class VirtualTimebase implements Timebase {
    private static final Instant DEFAULT_EPOCH = Instant.parse("2030-01-01T00:00:00Z");

    private final Instant epoch;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Participant> ready = new ArrayDeque<>();
    private final PriorityQueue<Sleeper> sleepers = new PriorityQueue<>();
    /** Participants waiting in a mailbox. */
    private final Set<Participant> waiting = new LinkedHashSet<>();
    private final ThreadLocal<Participant> self = new ThreadLocal<>();
    private Participant current;
    private long nanos;
    private long sequence;

    /** Virtual time starting at 2030-01-01T00:00:00Z. */
    public VirtualTimebase() {
        this(DEFAULT_EPOCH);
    }

    /** Virtual time starting at {@code epoch}. */
    public VirtualTimebase(Instant epoch) {
        this.epoch = epoch;
    }

    private static final class Participant {
        final Semaphore turn = new Semaphore(0);
        volatile Thread thread;
        Sleeper sleeping;
        VirtualMailbox<?> waitingOn;
    }

    private record Sleeper(long at, long seq, Participant who) implements Comparable<Sleeper> {
        @Override
        public int compareTo(Sleeper o) {
            int c = Long.compare(at, o.at);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    @Override
    public Instant now() {
        lock.lock();
        try {
            return epoch.plusNanos(nanos);
        } finally {
            lock.unlock();
        }
    }

    /** Virtual time elapsed since the epoch. */
    public Duration elapsed() {
        lock.lock();
        try {
            return Duration.ofNanos(nanos);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void sleep(Duration duration) throws InterruptedException {
        Participant p = participant();
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (!duration.isPositive()) {
            return;
        }
        lock.lock();
        try {
            Sleeper s = new Sleeper(nanos + duration.toNanos(), sequence++, p);
            p.sleeping = s;
            sleepers.add(s);
            handOver();
        } finally {
            lock.unlock();
        }
        awaitTurn(p);
    }

    @Override
    public Thread start(String name, Runnable task) {
        Participant p = new Participant();
        Thread thread = Thread.ofVirtual().name(name).unstarted(() -> {
            self.set(p);
            p.turn.acquireUninterruptibly(); // an interrupt before the first turn stays set for the task
            try {
                task.run();
            } finally {
                end(p);
            }
        });
        p.thread = thread;
        lock.lock();
        try {
            ready.add(p);
            if (current == null) {
                handOver();
            }
        } finally {
            lock.unlock();
        }
        thread.start();
        return thread;
    }

    @Override
    public <E> Mailbox<E> mailbox() {
        return new VirtualMailbox<>();
    }

    @Override
    public <T> T coordinate(Callable<T> loop) throws Exception {
        Participant p = new Participant();
        p.thread = Thread.currentThread();
        self.set(p);
        lock.lock();
        boolean mine;
        try {
            mine = current == null && ready.isEmpty();
            if (mine) {
                current = p;
            } else {
                ready.add(p);
                if (current == null) {
                    handOver();
                }
            }
        } finally {
            lock.unlock();
        }
        if (!mine) {
            p.turn.acquireUninterruptibly();
        }
        try {
            return loop.call();
        } finally {
            end(p);
            self.remove();
        }
    }

    private Participant participant() {
        Participant p = self.get();
        if (p == null) {
            throw new IllegalStateException("VirtualTimebase: " + Thread.currentThread()
                    + " is not a participant (use start() or coordinate())");
        }
        return p;
    }

    /** Gives the baton to the next ready participant, advancing time if nobody is ready. Lock held. */
    private void handOver() {
        current = null;
        Participant next = ready.poll();
        if (next == null) {
            next = firstInterrupted();
        }
        if (next == null) {
            Sleeper s = sleepers.poll();
            if (s == null) {
                return; // everybody waits on something outside: a post will hand the baton on
            }
            nanos = Math.max(nanos, s.at);
            s.who.sleeping = null;
            next = s.who;
        }
        current = next;
        next.turn.release();
        LockSupport.unpark(next.thread);
    }

    /**
     * A blocked participant whose thread was interrupted but has not reacted yet: it must run before time moves
     * on, or an interrupt sent at time t would be seen at the next wake-up. Lock held.
     */
    private Participant firstInterrupted() {
        for (Sleeper s : sleepers) {
            Thread t = s.who.thread;
            if (t != null && t.isInterrupted()) {
                sleepers.remove(s);
                s.who.sleeping = null;
                return s.who;
            }
        }
        for (Participant p : waiting) {
            Thread t = p.thread;
            if (t != null && t.isInterrupted()) {
                unwait(p);
                return p;
            }
        }
        return null;
    }

    private void unwait(Participant p) {
        if (p.waitingOn != null) {
            p.waitingOn.waiter = null;
            p.waitingOn = null;
        }
        waiting.remove(p);
    }

    private void end(Participant p) {
        lock.lock();
        try {
            if (current == p) {
                handOver();
            } else {
                ready.remove(p);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits for the baton. The interrupt flag is left alone while waiting, so that {@link #firstInterrupted} sees
     * it whoever hands over next; the waiter itself reacts when nobody else runs.
     */
    private void awaitTurn(Participant p) throws InterruptedException {
        while (!p.turn.tryAcquire()) {
            if (Thread.currentThread().isInterrupted()) {
                lock.lock();
                try {
                    if (current != p && !ready.contains(p)) {
                        if (p.sleeping != null) {
                            sleepers.remove(p.sleeping);
                            p.sleeping = null;
                        }
                        unwait(p);
                        ready.add(p);
                        if (current == null) {
                            handOver();
                        }
                    }
                } finally {
                    lock.unlock();
                }
                p.turn.acquireUninterruptibly();
                Thread.interrupted();
                throw new InterruptedException();
            }
            LockSupport.park(this);
        }
        if (Thread.interrupted()) { // woken by handOver because of the interrupt, before noticing it
            throw new InterruptedException();
        }
    }

    private final class VirtualMailbox<E> implements Mailbox<E> {
        private final ArrayDeque<E> items = new ArrayDeque<>();
        private Participant waiter;

        @Override
        public void post(E item) {
            lock.lock();
            try {
                items.add(item);
                if (waiter != null) {
                    Participant w = waiter;
                    unwait(w);
                    ready.add(w);
                    if (current == null) {
                        handOver();
                    }
                }
            } finally {
                lock.unlock();
            }
        }

        @Override
        public E poll() {
            lock.lock();
            try {
                return items.poll();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public E take() throws InterruptedException {
            Participant p = participant();
            while (true) {
                lock.lock();
                try {
                    E item = items.poll();
                    if (item != null) {
                        return item;
                    }
                    waiter = p;
                    p.waitingOn = this;
                    waiting.add(p);
                    handOver();
                } finally {
                    lock.unlock();
                }
                awaitTurn(p);
            }
        }
    }
}
