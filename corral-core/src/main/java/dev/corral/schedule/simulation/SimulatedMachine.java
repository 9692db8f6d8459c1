package dev.corral.schedule.simulation;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.corral.Deadline;
import dev.corral.machine.Capability;
import dev.corral.machine.Command;
import dev.corral.machine.Connection;
import dev.corral.machine.ConnectionException;
import dev.corral.machine.ExecResult;
import dev.corral.machine.Machine;

import org.apiguardian.api.API;

/**
 * An in-memory machine of a {@link SimulatedProvisioner}: nothing runs, but it knows whether it is alive, which
 * tests ran on it and how many at once. Thread-safe.
 */
@API(status = API.Status.EXPERIMENTAL)
public final class SimulatedMachine implements Machine {
    private final String id;
    private final SimulatedProvisioner owner;
    private final List<String> tests = new ArrayList<>();
    private boolean alive = true;
    private boolean closed;
    private int running;
    private int peakRunning;
    private int usedAfterClose;

    SimulatedMachine(String id, SimulatedProvisioner owner) {
        this.id = id;
        this.owner = owner;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Connection connection() {
        return new Connection() {
            @Override
            public ExecResult exec(Command command, Deadline deadline) {
                check();
                return new ExecResult(0, null, false, "", "", Duration.ZERO);
            }

            @Override
            public void upload(Path source, String target, Deadline deadline) {
                check();
            }

            @Override
            public void download(String source, Path target, Deadline deadline) {
                check();
            }
        };
    }

    private void check() {
        if (!isAlive()) {
            throw new ConnectionException("simulated machine " + id + " is gone");
        }
    }

    @Override
    public String workDir() {
        return "/var/tmp/corral";
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.ROOT, Capability.ISOLATED);
    }

    @Override
    public boolean isAlive(Deadline deadline) {
        return isAlive();
    }

    /** Whether the machine is up and not released. */
    public synchronized boolean isAlive() {
        return alive && !closed;
    }

    /** Makes the machine die, as a crashed VM would. */
    public synchronized void kill() {
        alive = false;
    }

    /** Whether it was released. */
    public synchronized boolean closed() {
        return closed;
    }

    @Override
    public void close() {
        boolean first;
        synchronized (this) {
            first = !closed;
            closed = true;
        }
        if (first) {
            owner.released(this);
        }
    }

    /** Called by the simulated runner when a test starts here. */
    synchronized void enter(String test) {
        if (closed) {
            usedAfterClose++;
        }
        tests.add(test);
        running++;
        peakRunning = Math.max(peakRunning, running);
    }

    synchronized void exit() {
        running--;
    }

    /** The names of the tests that started here, in order. */
    public synchronized List<String> tests() {
        return List.copyOf(tests);
    }

    /** The most tests that ran here at once. */
    public synchronized int peakRunning() {
        return peakRunning;
    }

    /** Tests started after the machine was released (a scheduler bug if not zero). */
    public synchronized int usedAfterClose() {
        return usedAfterClose;
    }

    @Override
    public String toString() {
        return id;
    }
}
