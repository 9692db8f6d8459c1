package dev.corral.schedule;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.corral.results.TestResult;

/** The scheduler's state of one test of a run. Confined to the coordinating thread. */
final class Job implements Comparable<Job> {
    enum State { BLOCKED, READY, RUNNING, DONE }

    /** What kind of machine demand the job makes while unfinished. */
    enum Demand { SHARED, EXCLUSIVE, LANE, PINNED }

    final TargetRun target;
    final ScheduledTest test;
    final int rank;
    final int lane;
    final boolean exclusive;
    final boolean sameMachine;
    final List<Job> dependencies = new ArrayList<>(0);
    final List<Job> dependents = new ArrayList<>(0);
    /** The dependency whose machine a same-machine job runs on, or null. */
    Job pinSource;
    Demand demand;

    State state = State.BLOCKED;
    int pendingDependencies;
    PoolMachine pinned;
    int attempts;
    int lost;
    int reruns;
    Set<PoolMachine> avoid;
    TestResult last;
    PoolMachine lastMachine;

    Job(TargetRun target, ScheduledTest test, Placement placement, boolean exclusive, boolean sameMachine) {
        this.target = target;
        this.test = test;
        this.rank = placement.rank();
        this.lane = placement.lane();
        this.exclusive = exclusive;
        this.sameMachine = sameMachine;
    }

    String name() {
        return test.name();
    }

    void avoid(PoolMachine m) {
        if (avoid == null) {
            avoid = new HashSet<>(2);
        }
        avoid.add(m);
    }

    boolean avoids(PoolMachine m) {
        return avoid != null && avoid.contains(m);
    }

    @Override
    public int compareTo(Job o) {
        int c = Integer.compare(rank, o.rank);
        return c != 0 ? c : Integer.compare(test.serialNumber(), o.test.serialNumber());
    }

    @Override
    public String toString() {
        return target.name + ":" + name();
    }
}
