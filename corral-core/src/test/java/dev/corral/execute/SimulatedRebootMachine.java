package dev.corral.execute;

import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import dev.corral.Deadline;
import dev.corral.machine.Capability;
import dev.corral.machine.Connection;
import dev.corral.machine.Machine;

/**
 * A local machine that can "reboot", for the reboot protocol on hosts without VMs: the local connection already
 * kills every process a command started when the command ends (the test's wrapper is what {@code tmt-reboot}
 * terminates), so after the test's command returned nothing of it runs any more, which is what a reboot leaves
 * behind for the next run. The reboot itself only counts. Backends with real reboots (QEMU, SSH) test the same
 * contract with the real thing.
 */
public final class SimulatedRebootMachine implements Machine {
    private final Machine delegate;
    private final AtomicInteger reboots = new AtomicInteger();
    private final AtomicInteger hardReboots = new AtomicInteger();

    public SimulatedRebootMachine(Machine delegate) {
        this.delegate = delegate;
    }

    int reboots() {
        return reboots.get();
    }

    int hardReboots() {
        return hardReboots.get();
    }

    @Override
    public String id() {
        return delegate.id();
    }

    @Override
    public Connection connection() {
        return delegate.connection();
    }

    @Override
    public String workDir() {
        return delegate.workDir();
    }

    @Override
    public Set<Capability> capabilities() {
        Set<Capability> capabilities = EnumSet.of(Capability.REBOOT);
        capabilities.addAll(delegate.capabilities());
        return capabilities;
    }

    @Override
    public void reboot(boolean hard, Deadline deadline) {
        reboots.incrementAndGet();
        if (hard) {
            hardReboots.incrementAndGet();
        }
    }

    @Override
    public boolean isAlive(Deadline deadline) throws InterruptedException {
        return delegate.isAlive(deadline);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
