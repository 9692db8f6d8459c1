package dev.corral.machine;

import java.util.OptionalInt;

import dev.corral.Deadline;

import org.apiguardian.api.API;

/**
 * Yields ready {@link Machine}s of one kind: local slots, podman containers, SSH hosts, QEMU VMs. Each
 * implementation is configured at construction with what it needs (image, hosts, sizes) and a
 * {@link ProvisionContext}.
 *
 * <p>Thread-safe: the scheduler calls {@link #provision} from several virtual threads at once to overlap slow
 * provisioning. Closing the provisioner releases every machine it still holds.
 *
 * <pre>{@code
 * try (Provisioner pool = new LocalProvisioner(context, 4)) {
 *     try (Machine m = pool.provision(Deadline.after(Duration.ofMinutes(5)))) {
 *         m.connection().exec(Command.of("uname", "-a"), Deadline.after(Duration.ofSeconds(10)));
 *     }
 * }
 * }</pre>
 */
@API(status = API.Status.EXPERIMENTAL)
public interface Provisioner extends AutoCloseable {

    /** The tmt name of this kind of provisioning: {@code local}, {@code podman}, {@code connect}, {@code qemu}. */
    String how();

    /**
     * Provisions one machine and waits until it is ready for tests.
     *
     * @throws ProvisionException   with the backend's explanation when it cannot
     * @throws InterruptedException when interrupted; whatever was half-created is released first
     */
    Machine provision(Deadline deadline) throws InterruptedException;

    /** The most machines this provisioner can hold at once (e.g. the hosts of a static pool), if limited. */
    default OptionalInt capacity() {
        return OptionalInt.empty();
    }

    /** Releases every machine still held; idempotent. */
    @Override
    void close();
}
