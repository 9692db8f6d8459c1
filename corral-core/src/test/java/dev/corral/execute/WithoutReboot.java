package dev.corral.execute;

import java.util.EnumSet;
import java.util.Set;

import dev.corral.Deadline;
import dev.corral.machine.Capability;
import dev.corral.machine.Connection;
import dev.corral.machine.Machine;

/** A real machine seen without {@link Capability#REBOOT}: what the protocol does on hosts that cannot reboot. */
final class WithoutReboot implements Machine {
    private final Machine delegate;

    WithoutReboot(Machine delegate) {
        this.delegate = delegate;
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
        Set<Capability> capabilities = EnumSet.noneOf(Capability.class);
        capabilities.addAll(delegate.capabilities());
        capabilities.remove(Capability.REBOOT);
        return capabilities;
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
