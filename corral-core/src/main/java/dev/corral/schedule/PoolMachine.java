package dev.corral.schedule;

import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.PriorityQueue;
import java.util.Set;

import dev.corral.machine.Machine;

/** The scheduler's state of one held machine. Confined to the coordinating thread. */
final class PoolMachine {
    final TargetRun target;
    final Machine machine;
    final MachineSession session;
    final String id;
    final Set<Attempt> attempts = new HashSet<>(2);
    /** Jobs pinned to this machine that are ready to run. */
    final PriorityQueue<Job> pinnedQueue = new PriorityQueue<>(1);
    /** Jobs pinned here (blocked or ready) that have not finished. */
    final Set<Job> pinnedJobs = new LinkedHashSet<>(1);

    int lane = Placement.ANY;
    int running;
    boolean exclusiveRunning;
    /** The size of {@link #pinnedJobs}. */
    int pinnedOutstanding;
    /** Holds back new work until empty, so that an exclusive test can start. */
    boolean draining;
    /** Takes only pinned work, then is released: why, or null. */
    String spoiled;
    boolean lost;
    boolean releasing;

    PoolMachine(TargetRun target, Machine machine, MachineSession session) {
        this.target = target;
        this.machine = machine;
        this.session = session;
        this.id = machine.id();
    }

    /** Whether the machine counts towards the pool: it may take any work of its target. */
    boolean serviceable() {
        return !lost && !releasing && spoiled == null;
    }

    boolean idle() {
        return running == 0 && pinnedOutstanding == 0;
    }

    @Override
    public String toString() {
        return id;
    }

    /** One running attempt on this machine. */
    static final class Attempt {
        final Job job;
        final PoolMachine machine;
        final int number;
        Thread thread;

        Attempt(Job job, PoolMachine machine, int number) {
            this.job = job;
            this.machine = machine;
            this.number = number;
        }
    }
}
