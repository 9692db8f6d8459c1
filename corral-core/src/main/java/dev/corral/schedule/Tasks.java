package dev.corral.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import dev.corral.Deadline;
import dev.corral.machine.ConnectionException;
import dev.corral.machine.Machine;
import dev.corral.machine.ProvisionException;
import dev.corral.results.Outcome;
import dev.corral.results.TestResult;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The blocking work of a run, done on task threads of the {@link Timebase}: provisioning a machine, running one
 * attempt, releasing a machine. Each task ends by posting exactly one {@link Event} to the coordinator, and
 * touches no scheduling state.
 */
final class Tasks {
    private static final Logger LOG = LoggerFactory.getLogger(Tasks.class);
    private static final Duration ALIVE_TIMEOUT = Duration.ofSeconds(30);

    /** Why an attempt ended, beyond its outcome. */
    enum Ending { NORMAL, LOST, INFRASTRUCTURE, INTERRUPTED }

    sealed interface Event permits Ready, Failed, Finished, Released { }

    record Ready(Request request, Machine machine, MachineSession session, Duration took) implements Event { }

    record Failed(Request request, RuntimeException error, boolean interrupted) implements Event { }

    record Finished(PoolMachine.Attempt attempt, TestResult result, Ending ending, RuntimeException sinkError)
            implements Event { }

    record Released(PoolMachine machine) implements Event { }

    /** One provisioning request in flight. */
    static final class Request {
        final TargetRun target;
        final long id;
        final String slot;
        final Duration delay;
        Thread thread;
        boolean cancelled;

        Request(TargetRun target, long id, String slot, Duration delay) {
            this.target = target;
            this.id = id;
            this.slot = slot;
            this.delay = delay;
        }
    }

    private final Dispatcher config;
    private final Timebase time;
    private final Listeners listeners;
    private final Timebase.Mailbox<Event> mailbox;

    Tasks(Dispatcher config, Listeners listeners, Timebase.Mailbox<Event> mailbox) {
        this.config = config;
        this.time = config.timebase();
        this.listeners = listeners;
        this.mailbox = mailbox;
    }

    /** Runs on a task thread. */
    void provision(Request r) {
        TargetRun t = r.target;
        try {
            time.sleep(r.delay);
            listeners.provisioningStarted(t.name, r.slot);
            Instant start = time.now();
            Deadline deadline = Deadline.after(config.provisioning().timeout());
            Machine machine = t.config.provisioner().provision(deadline);
            MachineSession session;
            try {
                session = config.runner().open(machine, t.name, deadline);
            } catch (InterruptedException | RuntimeException e) {
                machine.close();
                if (e instanceof RuntimeException re && !(re instanceof ProvisionException)) {
                    throw new ProvisionException("preparing machine " + machine.id() + " failed: " + re.getMessage(), re);
                }
                throw e;
            }
            mailbox.post(new Ready(r, machine, session, Duration.between(start, time.now())));
        } catch (InterruptedException e) {
            mailbox.post(new Failed(r, null, true));
        } catch (RuntimeException e) {
            mailbox.post(new Failed(r, e, false));
        }
    }

    /** Runs on a task thread: one attempt, recorded in the sink before the coordinator hears of it. */
    void runAttempt(PoolMachine.Attempt a) {
        ScheduledTest st = a.job.test;
        String machine = a.machine.id;
        listeners.testStarted(st.target(), st.test(), machine, a.number, st.expected());
        Instant start = time.now();
        TestResult r;
        Ending ending = Ending.NORMAL;
        try {
            r = OwnResults.normalize(a.machine.session.run(st, a.number, Deadline.none()), st, a.number, machine);
            if (Policy.infrastructureError(r)) {
                ending = Ending.INFRASTRUCTURE;
            } else if (r.outcome() == Outcome.ERROR && !alive(a.machine.machine)) {
                ending = Ending.LOST;
                r = OwnResults.withNote(r, "machine " + machine + " was lost");
            }
        } catch (InterruptedException e) {
            r = OwnResults.error(st, a.number, machine, start, time.now(), "interrupted", Map.of());
            ending = Ending.INTERRUPTED;
        } catch (ConnectionException e) {
            r = OwnResults.error(st, a.number, machine, start, time.now(),
                    "machine " + machine + " was lost: " + e.getMessage(), Map.of("reason", "machine-lost"));
            ending = Ending.LOST;
        } catch (RuntimeException e) {
            LOG.warn("running {} on {} failed", st.name(), machine, e);
            r = OwnResults.error(st, a.number, machine, start, time.now(),
                    "infrastructure error: " + e.getMessage(), Map.of("reason", Policy.INFRASTRUCTURE));
            ending = Ending.INFRASTRUCTURE;
        }
        // A journal on an interruptible channel would be closed by a pending interrupt: clear it first.
        if (Thread.interrupted() && ending == Ending.NORMAL) {
            LOG.debug("{} on {} returned after an interrupt", st.name(), machine);
        }
        RuntimeException sinkError = null;
        try {
            config.sink().accept(r);
            listeners.testFinished(r);
        } catch (RuntimeException e) {
            sinkError = e;
        }
        mailbox.post(new Finished(a, r, ending, sinkError));
    }

    private boolean alive(Machine m) throws InterruptedException {
        try {
            return m.isAlive(Deadline.after(ALIVE_TIMEOUT));
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Closes the session and the machine, then reports. */
    void release(PoolMachine m, String reason) {
        TargetRun t = m.target;
        try {
            m.session.close();
        } catch (RuntimeException e) {
            LOG.warn("closing the session on {} failed", m.id, e);
        }
        try {
            m.machine.close();
        } catch (RuntimeException e) {
            LOG.warn("releasing {} failed", m.id, e);
        }
        listeners.machineReleased(t.name, m.id, reason);
        mailbox.post(new Released(m));
    }
}
