package dev.corral.machine;

import java.util.Set;

import dev.corral.Deadline;

import org.apiguardian.api.API;

/**
 * One ready-to-use system that tests run on: a {@link Connection} plus lifecycle and capabilities. Obtained from
 * a {@link Provisioner}; closing it releases the system (removes the container, stops the VM, ...). Closing twice
 * is harmless and {@link #close()} throws no checked exception.
 *
 * <p>Thread-safe. A machine may be used by several tests at once (each in its own work directory).
 */
@API(status = API.Status.EXPERIMENTAL)
public interface Machine extends AutoCloseable {

    /** Short unique name within a run, such as {@code podman-3}; safe in file names. */
    String id();

    /** The current connection; after a {@link #reboot} it may be a new one. */
    Connection connection();

    /** A private, writable directory on the machine for Corral's files (tree copy, test work dirs). */
    String workDir();

    /** What this machine can do beyond running commands. */
    Set<Capability> capabilities();

    /** Whether this machine has the capability. */
    default boolean can(Capability capability) {
        return capabilities().contains(capability);
    }

    /**
     * Reboots the machine and waits until it accepts commands again. A soft reboot asks the OS; a hard one
     * resets it. Machines without {@link Capability#REBOOT} throw {@link UnsupportedOperationException}.
     *
     * @throws ConnectionException when the machine does not come back before the deadline
     */
    default void reboot(boolean hard, Deadline deadline) throws InterruptedException {
        throw new UnsupportedOperationException(id() + " cannot reboot");
    }

    /**
     * Whether the machine still answers (a cheap command within the deadline). A dead machine is replaced by
     * the scheduler.
     */
    boolean isAlive(Deadline deadline) throws InterruptedException;

    /** Releases the machine; idempotent, never throws checked exceptions. */
    @Override
    void close();
}
