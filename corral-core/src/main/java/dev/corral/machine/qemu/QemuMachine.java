package dev.corral.machine.qemu;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.corral.Deadline;
import dev.corral.machine.Capability;
import dev.corral.machine.CommandFailedException;
import dev.corral.machine.ConnectionException;
import dev.corral.machine.Machine;
import dev.corral.machine.ssh.SshConnection;
import dev.corral.machine.ssh.SshMachine;

import org.apiguardian.api.API;
import org.slf4j.Logger;

/**
 * A QEMU VM provisioned by {@link QemuProvisioner}: an {@link SshMachine} over the forwarded SSH port, plus the
 * QEMU process, its QMP control socket and the VM's private files.
 *
 * <p>Capabilities: {@link Capability#REBOOT}, {@link Capability#ISOLATED}, and {@link Capability#ROOT} when the
 * login is root. A soft {@link #reboot} lets the OS reboot itself ({@code systemctl reboot}); when the VM is not
 * back with a new boot id within the boot timeout (or two thirds of the time left, whichever is shorter), it is
 * reset through QMP ({@code system_reset}) like a hung cloud instance. A hard reboot resets at once.
 *
 * <p>{@link #close()} quits QEMU (QMP {@code quit}, then SIGKILL), removes the overlay, seed, socket and key,
 * and keeps the serial console log in the machine's log directory. Thread-safe; closing twice is harmless.
 */
@API(status = API.Status.EXPERIMENTAL)
public final class QemuMachine implements Machine {
    private static final Duration STEP = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofSeconds(1);

    private final String id;
    private final String name;
    private final SshMachine ssh;
    private final Vm vm;
    private final VmFiles files;
    private final boolean kvm;
    private final Duration bootTimeout;
    private final Logger log;
    private final Runnable onClose;
    private final AtomicBoolean closed = new AtomicBoolean();

    QemuMachine(String id, String name, SshMachine ssh, Vm vm, VmFiles files, boolean kvm, Duration bootTimeout, Logger log,
                Runnable onClose) {
        this.id = id;
        this.name = name;
        this.ssh = ssh;
        this.vm = vm;
        this.files = files;
        this.kvm = kvm;
        this.bootTimeout = bootTimeout;
        this.log = log;
        this.onClose = onClose;
        // a reset (by the guest rebooting or by QMP) kills the guest's TCP connections without a word: drop the SSH
        // session at once instead of waiting for keepalives to notice
        vm.qmp().onEvent(event -> {
            if ("RESET".equals(event.path("event").asString(""))) {
                log.debug("{} was reset; dropping its SSH session", id);
                ssh.connection().dropSession();
            }
        });
    }

    @Override
    public String id() {
        return id;
    }

    /** The VM's name as QEMU and {@code ps} show it: {@code corral-<run>-<machine>}. */
    public String vmName() {
        return name;
    }

    @Override
    public SshConnection connection() {
        return ssh.connection();
    }

    @Override
    public String workDir() {
        return ssh.workDir();
    }

    @Override
    public Set<Capability> capabilities() {
        return ssh.capabilities();
    }

    /** {@code kvm} or {@code tcg}. */
    public String accelerator() {
        return kvm ? "kvm" : "tcg";
    }

    /** The loopback port forwarded to the guest's SSH port. */
    public int sshPort() {
        return vm.sshPort();
    }

    /** The QEMU process id. */
    public long pid() {
        return vm.pid();
    }

    /** The serial console log, {@code <machinesRoot>/<id>/console.log}; kept after release. */
    public Path consoleLog() {
        return files.console();
    }

    /** The VM's private directory (overlay, seed, QMP socket, key); removed on release. */
    public Path privateDir() {
        return files.dir();
    }

    /** The QEMU run state from QMP {@code query-status}, such as {@code running}. */
    public String status(Deadline deadline) throws InterruptedException {
        return vm.qmp().status(deadline);
    }

    /** How many QMP events named {@code name} QEMU sent so far (of the last few hundred kept). */
    long qmpEvents(String name) {
        return vm.qmp().events().stream().filter(e -> name.equals(e.path("event").asString(""))).count();
    }

    @Override
    public boolean isAlive(Deadline deadline) throws InterruptedException {
        return vm.isAlive() && ssh.isAlive(deadline);
    }

    /**
     * Reboots the VM and waits until it runs commands with a new boot id. Soft: {@code systemctl reboot}, falling
     * back to a QMP reset when the VM is not back in time; hard: a QMP reset.
     *
     * @throws ConnectionException when the VM is not back before the deadline
     */
    @Override
    public void reboot(boolean hard, Deadline deadline) throws InterruptedException {
        if (!vm.isAlive()) {
            throw new ConnectionException(id + " cannot reboot: QEMU " + vm.exitDescription());
        }
        if (hard) {
            ssh.reboot(true, deadline);
            return;
        }
        String before = connection().bootId(deadline.min(STEP));
        Duration soft = Duration.ofNanos(deadline.remainingNanos() / 3 * 2);
        Deadline softDeadline = deadline.min(soft.compareTo(bootTimeout) < 0 ? soft : bootTimeout);
        try {
            ssh.reboot(false, softDeadline);
            return;
        } catch (ConnectionException | CommandFailedException e) {
            if (deadline.expired()) {
                throw e;
            }
            log.warn("{} did not reboot by itself in time ({}); resetting it", id, e.getMessage());
        }
        vm.qmp().reset(deadline.min(STEP));
        awaitNewBoot(before, deadline);
    }

    private void awaitNewBoot(String before, Deadline deadline) throws InterruptedException {
        String last = "it still runs the same boot";
        while (!deadline.expired()) {
            try {
                String now = connection().bootId(deadline.min(STEP));
                if (!now.equals(before)) {
                    log.info("{} is back after the reset", id);
                    return;
                }
            } catch (ConnectionException | CommandFailedException e) {
                last = e.getMessage();
            }
            Thread.sleep(Math.min(POLL.toMillis(), Math.max(1, deadline.remaining().toMillis())));
        }
        throw new ConnectionException(id + " did not come back from the reset in time (" + last + "); "
                + new ConsoleLog(files.console()).describeTail(10));
    }

    /** Quits QEMU and removes the VM's private files; idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            ssh.close();
        } finally {
            vm.stop();
            if (!files.delete()) {
                log.warn("could not remove {}", files.dir());
            }
            onClose.run();
            log.info("released {}", id);
        }
    }

    @Override
    public String toString() {
        return "QemuMachine[" + id + " " + name + " " + accelerator() + " 127.0.0.1:" + vm.sshPort() + "]";
    }
}
