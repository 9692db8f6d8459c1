package dev.corral.schedule;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

import dev.corral.machine.ProvisionException;

/**
 * The state of one target during a run: its jobs, ready queues, machines and provisioning, and the choice of the
 * next job for a machine. Confined to the coordinating thread.
 */
final class TargetRun {
    final Target config;
    final String name;
    final int workers;
    final int perMachine;
    final List<Job> jobs = new ArrayList<>();

    /** Ready jobs that may run on any machine, by rank. */
    final PriorityQueue<Job> shared = new PriorityQueue<>();
    final PriorityQueue<Job> exclusive = new PriorityQueue<>();
    /** Ready jobs that should avoid some machines (re-runs), by rank; small. */
    final List<Job> avoiders = new ArrayList<>();
    /** Ready jobs of each static lane. */
    final Map<Integer, PriorityQueue<Job>> laneQueues = new HashMap<>();
    final Map<Integer, Integer> laneUnfinished = new HashMap<>();
    final Map<Integer, PoolMachine> laneOwners = new HashMap<>();

    /** Machines not yet released (including spoiled and lost ones waiting for release). */
    final Set<PoolMachine> machines = new LinkedHashSet<>();
    /** Serviceable machines with a free slot, in the order their slot became free. */
    final LinkedHashSet<PoolMachine> hungry = new LinkedHashSet<>();
    /** Provisioning requests in flight, oldest first. */
    final Map<Long, Tasks.Request> requests = new LinkedHashMap<>();

    /** Machines with new pinned or lane work to look at first. */
    final List<PoolMachine> touched = new ArrayList<>();

    int unfinished;
    /** Ready jobs waiting in pinned or lane queues. */
    int queuedPinnedOrLane;
    int sharedUnfinished;
    int exclusiveUnfinished;
    int lanesWithWork;
    int serviceable;
    int consecutiveFailures;
    int requestsMade;
    boolean everHadMachine;
    /** Why the target stopped dispatching (tmt-abort, no machines), or null. */
    String stopped;
    ProvisionException failure;
    RuntimeException lastError;
    PoolMachine drainer;

    TargetRun(Target config, int workers) {
        this.config = config;
        this.name = config.name();
        this.workers = workers;
        this.perMachine = config.perMachine();
    }

    // ---- demand ------------------------------------------------------------------------------------------

    void countUnfinished(Job job, int delta) {
        unfinished += delta;
        switch (job.demand) {
            case SHARED -> sharedUnfinished += delta;
            case EXCLUSIVE -> exclusiveUnfinished += delta;
            case LANE -> {
                int before = laneUnfinished.getOrDefault(job.lane, 0);
                int after = before + delta;
                laneUnfinished.put(job.lane, after);
                if (before == 0 && after > 0) {
                    lanesWithWork++;
                } else if (before > 0 && after == 0) {
                    lanesWithWork--;
                }
            }
            case PINNED -> { }
        }
    }

    /** How many serviceable machines the unfinished work can use now. */
    int wanted(boolean canProvisionMore) {
        if (stopped != null || unfinished == 0) {
            return 0;
        }
        long w = (sharedUnfinished + (long) perMachine - 1) / perMachine + exclusiveUnfinished + lanesWithWork;
        if (canProvisionMore && stuckAvoider()) {
            w++;
        }
        return (int) Math.min(w, workers);
    }

    /** Whether a ready re-run avoids every machine the target holds or is getting. */
    private boolean stuckAvoider() {
        for (Job j : avoiders) {
            if (avoidsAll(j)) {
                return true;
            }
        }
        return false;
    }

    private boolean avoidsAll(Job j) {
        if (!requests.isEmpty()) {
            return false;
        }
        for (PoolMachine m : machines) {
            if (m.serviceable() && !j.avoids(m)) {
                return false;
            }
        }
        return true;
    }

    // ---- ready queues ------------------------------------------------------------------------------------

    /** Puts a job whose dependencies are met into the right queue; returns the machine to look at, if pinned. */
    PoolMachine enqueue(Job job) {
        job.state = Job.State.READY;
        if (job.pinned != null) {
            queuedPinnedOrLane++;
            job.pinned.pinnedQueue.add(job);
            return job.pinned;
        }
        if (job.lane != Placement.ANY) {
            queuedPinnedOrLane++;
            laneQueues.computeIfAbsent(job.lane, l -> new PriorityQueue<>()).add(job);
            return laneOwners.get(job.lane);
        }
        if (job.avoid != null) {
            int i = 0;
            while (i < avoiders.size() && avoiders.get(i).compareTo(job) < 0) {
                i++;
            }
            avoiders.add(i, job);
        } else if (job.exclusive) {
            exclusive.add(job);
        } else {
            shared.add(job);
        }
        return null;
    }

    boolean hasFreeWork() {
        return !shared.isEmpty() || !exclusive.isEmpty() || !avoiders.isEmpty();
    }

    /** Removes every ready job from the queues (the target stops). */
    List<Job> drainReady() {
        List<Job> out = new ArrayList<>(shared);
        out.addAll(exclusive);
        out.addAll(avoiders);
        laneQueues.values().forEach(out::addAll);
        for (PoolMachine m : machines) {
            out.addAll(m.pinnedQueue);
            m.pinnedQueue.clear();
        }
        shared.clear();
        exclusive.clear();
        avoiders.clear();
        laneQueues.clear();
        queuedPinnedOrLane = 0;
        return out;
    }

    /** Whether the machine has a free slot for anything. */
    boolean hasSlot(PoolMachine m) {
        return !m.lost && !m.releasing && !m.exclusiveRunning && m.running < perMachine;
    }

    /**
     * Chooses and dequeues the best job the machine can start now, or returns null. A machine whose best job
     * needs it alone (exclusive) while it still runs others is set to drain.
     */
    Job pick(PoolMachine m, boolean noMoreMachines) {
        if (!hasSlot(m)) {
            return null;
        }
        if (m.draining) {
            if (m.running > 0) {
                return null;
            }
            m.draining = false;
            if (drainer == m) {
                drainer = null;
            }
        }
        boolean empty = m.running == 0;
        Job best = null;
        Iterable<Job> source = null;
        Job pinnedHead = m.pinnedQueue.peek();
        if (pinnedHead != null) {
            if (pinnedHead.exclusive && !empty) {
                m.draining = true;
                return null;
            }
            best = pinnedHead;
            source = m.pinnedQueue;
        }
        if (m.spoiled == null) {
            if (m.lane != Placement.ANY) {
                PriorityQueue<Job> q = laneQueues.get(m.lane);
                Job head = q == null ? null : q.peek();
                if (head != null && (best == null || head.compareTo(best) < 0)) {
                    if (head.exclusive && !empty) {
                        m.draining = true;
                        return null;
                    }
                    best = head;
                    source = q;
                }
            } else {
                Job s = shared.peek();
                if (s != null && (best == null || s.compareTo(best) < 0)) {
                    best = s;
                    source = shared;
                }
                Job x = exclusive.peek();
                if (x != null && (best == null || x.compareTo(best) < 0)) {
                    if (empty) {
                        best = x;
                        source = exclusive;
                    } else if (drainer == null || !drainer.serviceable()) {
                        drainer = m;
                        m.draining = true;
                        return null;
                    }
                }
                for (int i = 0; i < avoiders.size(); i++) {
                    Job a = avoiders.get(i);
                    if (best != null && a.compareTo(best) > 0) {
                        break;
                    }
                    if ((empty || !a.exclusive) && (!a.avoids(m) || (noMoreMachines && avoidsAll(a)))) {
                        best = a;
                        source = avoiders;
                        break;
                    }
                }
            }
        }
        if (best == null) {
            return null;
        }
        if (source == shared || source == exclusive) {
            ((PriorityQueue<Job>) source).poll();
        } else if (source instanceof PriorityQueue<Job> q) {
            q.poll();
            queuedPinnedOrLane--;
        } else {
            removeIdentity(avoiders, best);
        }
        return best;
    }

    private static void removeIdentity(List<Job> list, Job job) {
        for (Iterator<Job> it = list.iterator(); it.hasNext(); ) {
            if (it.next() == job) {
                it.remove();
                return;
            }
        }
    }

    /** A lane without an owner that still has work, or {@link Placement#ANY}. */
    int orphanLane() {
        for (Map.Entry<Integer, Integer> e : laneUnfinished.entrySet()) {
            if (e.getValue() > 0 && !laneOwners.containsKey(e.getKey())) {
                return e.getKey();
            }
        }
        return Placement.ANY;
    }

    /** Whether the machine can be released because no unfinished work needs it. */
    boolean releasable(PoolMachine m) {
        if (!m.idle() || m.releasing) {
            return false;
        }
        if (m.lane != Placement.ANY) {
            return laneUnfinished.getOrDefault(m.lane, 0) == 0;
        }
        return true;
    }
}
