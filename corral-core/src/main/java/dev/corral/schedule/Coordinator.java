package dev.corral.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import dev.corral.CorralException;
import dev.corral.machine.ProvisionException;
import dev.corral.results.Outcome;
import dev.corral.results.TestResult;
import dev.corral.tmt.TestCase;

import dev.corral.schedule.Tasks.Ending;
import dev.corral.schedule.Tasks.Event;
import dev.corral.schedule.Tasks.Failed;
import dev.corral.schedule.Tasks.Finished;
import dev.corral.schedule.Tasks.Ready;
import dev.corral.schedule.Tasks.Released;
import dev.corral.schedule.Tasks.Request;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a {@link Dispatcher}: an event loop on the calling thread that owns all scheduling state, and
 * blocking {@link Tasks} (provision, run an attempt, release) on threads of the {@link Timebase} that report back
 * through a mailbox. Only the loop touches jobs, queues and machines, so none of that state needs locks.
 */
final class Coordinator {
    private static final Logger LOG = LoggerFactory.getLogger(Coordinator.class);


    private final Dispatcher config;
    private final Timebase time;
    private final Listeners listeners;
    private final Policy policy;
    private final Timebase.Mailbox<Event> mailbox;
    private final Tasks tasks;
    private final Random random;
    private final List<TargetRun> targets = new ArrayList<>();
    private final List<TestResult> attempts = new ArrayList<>();
    private final Deque<Object[]> finishing = new ArrayDeque<>();

    private long requestSeq;
    private int requestsOut;
    private int attemptsOut;
    private int releasesOut;
    private int failures;
    private boolean capReached;
    private boolean cancelling;
    private boolean cleanedUp;
    private boolean interrupted;
    private RuntimeException fatal;

    Coordinator(Dispatcher config, DurationHistory history) {
        this.config = config;
        this.time = config.timebase();
        this.listeners = new Listeners(config.listeners());
        this.policy = config.policy();
        this.mailbox = time.mailbox();
        this.tasks = new Tasks(config, listeners, mailbox);
        this.random = new Random(config.seed());
        for (Target t : config.targets()) {
            targets.add(plan(t, history));
        }
    }

    // ---- set-up ------------------------------------------------------------------------------------------

    private TargetRun plan(Target t, DurationHistory history) {
        Map<String, List<String>> deps = Dependencies.of(t.name(), t.tests());
        if (t.selection() != null) {
            for (String name : t.selection()) {
                if (!deps.containsKey(name)) {
                    throw new ScheduleException("target " + t.name() + ": selected test '" + name
                            + "' is not among the discovered tests");
                }
            }
        }
        int workers = t.workers();
        if (t.provisioner().capacity().isPresent()) {
            workers = Math.max(1, Math.min(workers, t.provisioner().capacity().getAsInt()));
        }
        TargetRun run = new TargetRun(t, workers);
        List<ScheduledTest> selected = new ArrayList<>();
        for (int i = 0; i < t.tests().size(); i++) {
            TestCase test = t.tests().get(i);
            if (t.selects(test.name())) {
                selected.add(new ScheduledTest(t.name(), test, i + 1, t.context(),
                        policy.estimator().expected(t.name(), test, history)));
            }
        }
        List<Placement> placements = policy.ordering().place(selected, workers);
        if (placements.size() != selected.size()) {
            throw new IllegalStateException("ordering returned " + placements.size() + " placements for "
                    + selected.size() + " tests");
        }
        Map<String, Job> byName = new HashMap<>();
        for (int i = 0; i < selected.size(); i++) {
            ScheduledTest st = selected.get(i);
            Placement p = placements.get(i);
            if (p.lane() >= workers) {
                throw new IllegalStateException("ordering put " + st.name() + " in lane " + p.lane() + " of " + workers);
            }
            Job job = new Job(run, st, p, policy.exclusive().test(st.test()),
                    Policy.flag(st.test(), Dependencies.SAME_MACHINE));
            run.jobs.add(job);
            byName.put(st.name(), job);
        }
        for (Job job : run.jobs) {
            for (String d : deps.get(job.name())) {
                Job dep = byName.get(d);
                if (dep != null) { // a dependency outside the selection counts as met
                    job.dependencies.add(dep);
                    dep.dependents.add(job);
                    job.pendingDependencies++;
                }
            }
            if (job.sameMachine && !job.dependencies.isEmpty()) {
                job.pinSource = job.dependencies.get(0);
            }
            job.demand = job.pinSource != null ? Job.Demand.PINNED
                    : job.lane != Placement.ANY ? Job.Demand.LANE
                    : job.exclusive ? Job.Demand.EXCLUSIVE : Job.Demand.SHARED;
            run.countUnfinished(job, 1);
        }
        for (Job job : run.jobs) {
            if (job.pendingDependencies == 0) {
                run.enqueue(job);
            }
        }
        return run;
    }

    // ---- the loop ----------------------------------------------------------------------------------------

    RunOutcome run() throws Exception {
        return time.coordinate(this::loop);
    }

    private RunOutcome loop() {
        Instant start = time.now();
        listeners.runStarted(targets.stream().mapToInt(t -> t.jobs.size()).sum());
        for (TargetRun t : targets) {
            rebalance(t);
        }
        checkLiveness();
        while (!over()) {
            Event e;
            try {
                e = mailbox.take();
            } catch (InterruptedException ie) {
                interrupted = true;
                cancel();
                afterCancel();
                continue;
            }
            // Handle everything that arrived, then dispatch once per touched target.
            List<TargetRun> touched = new ArrayList<>(2);
            for (; e != null; e = mailbox.poll()) {
                TargetRun t = handle(e);
                if (!touched.contains(t)) {
                    touched.add(t);
                }
            }
            if (cancelling) {
                afterCancel();
            } else {
                for (TargetRun t : touched) {
                    dispatch(t);
                    rebalance(t);
                }
                checkLiveness();
            }
        }
        Instant end = time.now();
        boolean wasInterrupted = interrupted || Thread.interrupted();
        saveHistory();
        listeners.runFinished(wasInterrupted);
        RunOutcome outcome = new RunOutcome(finalResults(), attempts, wasInterrupted, start, end);
        if (fatal != null) {
            throw fatal;
        }
        if (wasInterrupted) {
            Thread.currentThread().interrupt();
            return outcome;
        }
        for (TargetRun t : targets) {
            if (t.failure != null) {
                long notRun = outcome.results().stream()
                        .filter(r -> r.target().equals(t.name) && r.outcome() == Outcome.PENDING).count();
                throw new ProvisioningFailedException(t.stopped.substring("not run: ".length()) + "; " + notRun
                        + " tests recorded as pending", t.failure, outcome);
            }
        }
        return outcome;
    }

    private boolean over() {
        if (requestsOut > 0 || attemptsOut > 0 || releasesOut > 0) {
            return false;
        }
        for (TargetRun t : targets) {
            if (t.unfinished > 0 || !t.machines.isEmpty()) {
                return false;
            }
        }
        return true;
    }

    private TargetRun handle(Event e) {
        return switch (e) {
            case Ready r -> onReady(r);
            case Failed f -> onFailed(f);
            case Finished f -> onFinished(f);
            case Released r -> {
                releasesOut--;
                r.machine().target.machines.remove(r.machine());
                yield r.machine().target;
            }
        };
    }

    // ---- provisioning ------------------------------------------------------------------------------------

    private boolean canProvision(TargetRun t) {
        return !cancelling && !capReached && t.stopped == null;
    }

    /** Asks for machines the work can use, gives back those it cannot, and gives up on a target without any. */
    private void rebalance(TargetRun t) {
        if (cancelling) {
            return;
        }
        // a target without machines gives up after failFastAfter consecutive failures, or twice that when it had
        // machines before (they were lost: its host may come back), rather than spin until the run-wide cap
        int giveUpAfter = config.provisioning().failFastAfter() * (t.everHadMachine ? 2 : 1);
        if (t.stopped == null && t.serviceable == 0 && t.consecutiveFailures >= giveUpAfter) {
            failTarget(t);
            return;
        }
        boolean can = canProvision(t);
        int have = t.serviceable + t.requests.size();
        int wanted = t.wanted(can && have < t.workers);
        while (can && have < wanted) {
            startRequest(t);
            have++;
        }
        if (have > wanted) {
            List<Request> newestFirst = new ArrayList<>(t.requests.values());
            for (int i = newestFirst.size() - 1; i >= 0 && have > wanted; i--) {
                Request r = newestFirst.get(i);
                r.cancelled = true;
                r.thread.interrupt();
                t.requests.remove(r.id);
                have--;
            }
            for (PoolMachine m : new ArrayList<>(t.machines)) {
                if (have <= wanted) {
                    break;
                }
                if (m.serviceable() && t.releasable(m)) {
                    release(m, t.unfinished == 0 ? "done" : "idle");
                    have--;
                }
            }
        }
        if (t.stopped == null && t.unfinished > 0 && t.serviceable == 0 && t.requests.isEmpty() && !can
                && t.failure == null && noPinnedWork(t)) {
            failTarget(t);
        }
    }

    private static boolean noPinnedWork(TargetRun t) {
        for (PoolMachine m : t.machines) {
            if (!m.lost && m.pinnedOutstanding > 0) {
                return false;
            }
        }
        return true;
    }

    private void startRequest(TargetRun t) {
        t.requestsMade++;
        Duration delay = t.consecutiveFailures == 0 ? Duration.ZERO
                : config.provisioning().backoff(t.consecutiveFailures, 0.5 + 0.5 * random.nextDouble());
        Request r = new Request(t, ++requestSeq, t.name + "-" + t.requestsMade, delay);
        t.requests.put(r.id, r);
        requestsOut++;
        r.thread = time.start("corral-provision", () -> tasks.provision(r));
    }


    private TargetRun onReady(Ready e) {
        requestsOut--;
        Request r = e.request();
        TargetRun t = r.target;
        t.requests.remove(r.id);
        PoolMachine m = new PoolMachine(t, e.machine(), e.session());
        t.machines.add(m);
        t.consecutiveFailures = 0;
        t.everHadMachine = true;
        listeners.machineReady(t.name, m.id, e.took());
        if (cancelling || r.cancelled || t.stopped != null) {
            m.spoiled = "not needed";
            release(m, "not needed");
            return t;
        }
        t.serviceable++;
        if (t.lanesWithWork > 0) {
            int lane = t.orphanLane();
            if (lane != Placement.ANY) {
                m.lane = lane;
                t.laneOwners.put(lane, m);
            }
        }
        t.hungry.add(m);
        return t;
    }

    private TargetRun onFailed(Failed e) {
        requestsOut--;
        Request r = e.request();
        TargetRun t = r.target;
        t.requests.remove(r.id);
        if (e.interrupted() || r.cancelled || cancelling) {
            return t;
        }
        failures++;
        t.consecutiveFailures++;
        t.lastError = e.error();
        String message = e.error().getMessage() == null ? e.error().toString() : e.error().getMessage();
        LOG.debug("provisioning {} failed: {}", r.slot, message);
        listeners.provisioningFailed(t.name, r.slot, message, t.consecutiveFailures);
        if (failures >= config.provisioning().maxFailures() && !capReached) {
            capReached = true;
            LOG.warn("{} provisioning failures in this run: no more machines will be requested", failures);
            for (TargetRun other : targets) {
                if (other != t) {
                    rebalance(other);
                }
            }
        }
        return t;
    }

    private void failTarget(TargetRun t) {
        RuntimeException last = t.lastError;
        String why = last == null ? "no machine could be provisioned"
                : (last.getMessage() == null ? last.toString() : last.getMessage());
        int notRun = t.unfinished;
        String note = "not run: target " + t.name + " got no machine after " + t.consecutiveFailures
                + " failed provisioning attempts (" + failures + " in the run): " + why;
        t.failure = last instanceof ProvisionException pe ? pe : new ProvisionException(why, last);
        stopTarget(t, note);
        LOG.debug("target {} failed: {} ({} tests not run)", t.name, why, notRun);
    }

    // ---- dispatch ----------------------------------------------------------------------------------------

    private void dispatch(TargetRun t) {
        if (cancelling || t.stopped != null) {
            return;
        }
        boolean noMoreMachines = !canProvision(t) || t.serviceable + t.requests.size() >= t.workers;
        if (!t.touched.isEmpty()) {
            List<PoolMachine> touched = new ArrayList<>(t.touched);
            t.touched.clear();
            for (PoolMachine m : touched) {
                fill(t, m, noMoreMachines);
            }
        }
        if (t.hungry.isEmpty() || (!t.hasFreeWork() && t.queuedPinnedOrLane == 0)) {
            return;
        }
        for (var it = t.hungry.iterator(); it.hasNext(); ) {
            PoolMachine m = it.next();
            if (m.lane != Placement.ANY && m.idle() && t.laneUnfinished.getOrDefault(m.lane, 0) == 0) {
                int lane = t.orphanLane();
                if (lane != Placement.ANY) {
                    t.laneOwners.remove(m.lane);
                    m.lane = lane;
                    t.laneOwners.put(lane, m);
                }
            }
            fill(t, m, noMoreMachines);
            if (!t.hasSlot(m) || !m.serviceable()) {
                it.remove();
            }
            if (!t.hasFreeWork() && t.queuedPinnedOrLane == 0) {
                break;
            }
        }
    }

    private void fill(TargetRun t, PoolMachine m, boolean noMoreMachines) {
        Job job;
        while ((job = t.pick(m, noMoreMachines)) != null) {
            start(job, m);
        }
    }

    private void start(Job job, PoolMachine m) {
        job.state = Job.State.RUNNING;
        job.attempts++;
        m.running++;
        if (job.exclusive) {
            m.exclusiveRunning = true;
        }
        PoolMachine.Attempt a = new PoolMachine.Attempt(job, m, job.attempts);
        m.attempts.add(a);
        attemptsOut++;
        a.thread = time.start("corral-test", () -> tasks.runAttempt(a));
    }



    private TargetRun onFinished(Finished e) {
        attemptsOut--;
        PoolMachine.Attempt a = e.attempt();
        PoolMachine m = a.machine;
        Job job = a.job;
        TargetRun t = job.target;
        TestResult r = e.result();
        m.attempts.remove(a);
        m.running--;
        if (job.exclusive) {
            m.exclusiveRunning = false;
        }
        attempts.add(r);
        job.last = r;
        job.lastMachine = m;
        if (e.sinkError() != null && fatal == null) {
            fatal = e.sinkError();
            cancel();
        }
        switch (e.ending()) {
            case LOST -> lose(m);
            case INFRASTRUCTURE -> spoil(m, "infrastructure error in " + job.name());
            case NORMAL, INTERRUPTED -> {
                if (policy.replace().test(job.test.test(), r)) {
                    spoil(m, Policy.destructive(job.test.test()) ? "destructive test " + job.name()
                            : "replaced after " + job.name());
                }
            }
        }
        boolean aborts = e.ending() == Ending.NORMAL && policy.abortWhen().test(r);
        boolean retry = !cancelling && t.stopped == null && !aborts;
        if (retry && e.ending() == Ending.LOST && ++job.lost < config.maxAttempts() && pinAlive(job)) {
            requeue(t, job, m);
        } else if (retry && e.ending() != Ending.INTERRUPTED && job.reruns < config.rerunFailed()
                && policy.rerunWhen().test(r) && pinAlive(job)) {
            job.reruns++;
            requeue(t, job, m);
        } else {
            finish(job, r, true);
        }
        if (aborts) {
            stopTarget(t, "not run: " + job.name() + " called tmt-abort");
        }
        if (m.serviceable() && t.hasSlot(m)) {
            t.hungry.add(m);
        } else if (m.spoiled != null && !m.pinnedQueue.isEmpty()) {
            t.touched.add(m);
        }
        maybeRetire(m);
        return t;
    }

    /** Releases a lost or spoiled machine once nothing runs on it and no pinned work waits for it. */
    private void maybeRetire(PoolMachine m) {
        if (!m.serviceable() && !m.releasing && m.running == 0 && (m.lost || m.pinnedOutstanding == 0)) {
            release(m, m.lost ? "lost" : m.spoiled);
        }
    }

    private static boolean pinAlive(Job job) {
        return job.pinned == null || !job.pinned.lost;
    }

    private void requeue(TargetRun t, Job job, PoolMachine failedOn) {
        if (job.pinned == null) {
            job.avoid(failedOn);
        }
        PoolMachine m = t.enqueue(job);
        if (m != null) {
            t.touched.add(m);
        }
    }

    private void lose(PoolMachine m) {
        if (m.lost) {
            return;
        }
        boolean was = m.serviceable();
        m.lost = true;
        TargetRun t = m.target;
        if (was) {
            t.serviceable--;
        }
        t.hungry.remove(m);
        if (m.lane != Placement.ANY) {
            t.laneOwners.remove(m.lane);
        }
        if (t.drainer == m) {
            t.drainer = null;
        }
        LOG.debug("machine {} of {} lost", m.id, t.name);
        for (Job p : new ArrayList<>(m.pinnedJobs)) {
            if (p.state == Job.State.READY || p.state == Job.State.BLOCKED) {
                if (m.pinnedQueue.remove(p)) {
                    t.queuedPinnedOrLane--;
                }
                skip(p, "not run: machine " + m.id + ", which ran dependency " + p.pinSource.name() + ", was lost");
            }
        }
    }

    private void spoil(PoolMachine m, String reason) {
        if (m.spoiled != null || m.lost) {
            return;
        }
        boolean was = m.serviceable();
        m.spoiled = reason;
        TargetRun t = m.target;
        if (was) {
            t.serviceable--;
        }
        t.hungry.remove(m);
        if (m.lane != Placement.ANY) {
            t.laneOwners.remove(m.lane);
        }
        if (t.drainer == m) {
            t.drainer = null;
        }
    }

    private void release(PoolMachine m, String reason) {
        if (m.releasing) {
            return;
        }
        boolean was = m.serviceable();
        m.releasing = true;
        TargetRun t = m.target;
        if (was) {
            t.serviceable--;
        }
        t.hungry.remove(m);
        if (m.lane != Placement.ANY && t.laneOwners.get(m.lane) == m) {
            t.laneOwners.remove(m.lane);
        }
        if (t.drainer == m) {
            t.drainer = null;
        }
        releasesOut++;
        time.start("corral-release", () -> tasks.release(m, reason));
    }

    // ---- finishing jobs ----------------------------------------------------------------------------------

    /**
     * Makes a result final and settles what depends on it: dependents become ready, are pinned, or are skipped
     * (transitively, without recursion).
     */
    private void finish(Job first, TestResult firstResult, boolean propagate) {
        finishing.add(new Object[] {first, firstResult, propagate});
        if (finishing.size() > 1) {
            return; // an outer call is draining the queue
        }
        while (!finishing.isEmpty()) {
            Object[] item = finishing.peek();
            settle((Job) item[0], (TestResult) item[1], (Boolean) item[2]);
            finishing.poll();
        }
    }

    private void settle(Job job, TestResult r, boolean propagate) {
        if (job.state == Job.State.DONE) {
            return;
        }
        TargetRun t = job.target;
        job.state = Job.State.DONE;
        job.last = r;
        t.countUnfinished(job, -1);
        if (job.pinned != null) {
            job.pinned.pinnedJobs.remove(job);
            job.pinned.pinnedOutstanding = job.pinned.pinnedJobs.size();
            if (!cancelling) {
                maybeRetire(job.pinned);
            }
        }
        if (!propagate) {
            return;
        }
        boolean passed = r.outcome() == Outcome.PASS || r.outcome() == Outcome.INFO;
        for (int i = 0; i < job.dependents.size(); i++) { // indexed: no iterator per finished test
            Job d = job.dependents.get(i);
            if (d.state != Job.State.BLOCKED) {
                continue;
            }
            if (!passed) {
                skip(d, "not run: dependency " + job.name() + " ended as " + r.outcome().tmtName());
                continue;
            }
            if (d.pinSource == job) {
                PoolMachine m = job.lastMachine;
                if (m == null || m.lost || m.releasing) {
                    skip(d, "not run: the machine that ran dependency " + job.name() + " is gone");
                    continue;
                }
                d.pinned = m;
                m.pinnedJobs.add(d);
                m.pinnedOutstanding = m.pinnedJobs.size();
            }
            if (--d.pendingDependencies == 0) {
                PoolMachine m = t.enqueue(d);
                if (m != null) {
                    t.touched.add(m);
                }
            }
        }
    }

    private void skip(Job job, String note) {
        TestResult r = OwnResults.notRun(job.test, job.attempts + 1, Outcome.SKIP, note, time.now());
        record(r);
        finish(job, r, true);
    }

    /** Records a result the scheduler made (not an attempt's): sink, listeners, outcome. */
    private void record(TestResult r) {
        attempts.add(r);
        try {
            config.sink().accept(r);
            listeners.testFinished(r);
        } catch (RuntimeException e) {
            if (fatal == null) {
                fatal = e;
                cancel();
            }
        }
    }

    /** Stops dispatching a target: every test not running and not finished ends now, with the note. */
    private void stopTarget(TargetRun t, String note) {
        if (t.stopped != null) {
            return;
        }
        t.stopped = note;
        t.drainReady();
        for (Job job : t.jobs) {
            if (job.state == Job.State.READY || job.state == Job.State.BLOCKED) {
                if (job.attempts == 0) {
                    TestResult r = OwnResults.notRun(job.test, 1, Outcome.PENDING, note, time.now());
                    record(r);
                    finish(job, r, false);
                } else {
                    finish(job, job.last, false); // the last attempt stands
                }
            }
        }
        for (Request r : t.requests.values()) {
            r.cancelled = true;
            r.thread.interrupt();
        }
        t.requests.clear();
    }

    // ---- cancellation and liveness -----------------------------------------------------------------------

    private void cancel() {
        if (cancelling) {
            return;
        }
        cancelling = true;
        for (TargetRun t : targets) {
            for (Request r : t.requests.values()) {
                r.cancelled = true;
                r.thread.interrupt();
            }
            t.requests.clear();
            for (PoolMachine m : t.machines) {
                for (PoolMachine.Attempt a : m.attempts) {
                    a.thread.interrupt();
                }
            }
        }
    }

    /** Once nothing runs any more: records the tests that never ran and releases every machine. */
    private void afterCancel() {
        if (cleanedUp || requestsOut > 0 || attemptsOut > 0) {
            return;
        }
        cleanedUp = true;
        String note = fatal != null ? "not run: the run stopped: " + fatal.getMessage() : "not run: run interrupted";
        for (TargetRun t : targets) {
            stopTarget(t, note);
            for (PoolMachine m : new ArrayList<>(t.machines)) {
                release(m, interrupted ? "run interrupted" : "run stopped");
            }
        }
    }

    /** Guards against a stall: unfinished work with nothing under way that could ever run it. */
    private void checkLiveness() {
        if (cancelling || requestsOut > 0 || attemptsOut > 0 || releasesOut > 0) {
            return;
        }
        for (TargetRun t : targets) {
            if (t.unfinished > 0 && t.stopped == null) {
                LOG.error("target {}: {} tests cannot be placed on any machine; ending them", t.name, t.unfinished);
                stopTarget(t, "not run: no machine of target " + t.name + " could take it");
                for (PoolMachine m : new ArrayList<>(t.machines)) {
                    release(m, "stalled");
                }
            }
        }
    }

    // ---- the end -----------------------------------------------------------------------------------------

    private List<TestResult> finalResults() {
        List<TestResult> out = new ArrayList<>();
        for (TargetRun t : targets) {
            List<Job> jobs = new ArrayList<>(t.jobs);
            jobs.sort((a, b) -> Integer.compare(a.test.serialNumber(), b.test.serialNumber()));
            for (Job j : jobs) {
                if (j.last != null) {
                    out.add(j.last);
                }
            }
        }
        return out;
    }

    private void saveHistory() {
        if (config.historyRoot() == null) {
            return;
        }
        try {
            DurationHistory.load(config.historyRoot()).record(attempts).save(config.historyRoot());
        } catch (CorralException e) {
            LOG.warn("duration history not saved: {}", e.getMessage());
        }
    }

}
