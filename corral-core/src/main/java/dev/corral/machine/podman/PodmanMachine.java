package dev.corral.machine.podman;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import dev.corral.CorralException;
import dev.corral.Deadline;
import dev.corral.machine.Capability;
import dev.corral.machine.Command;
import dev.corral.machine.Connection;
import dev.corral.machine.ConnectionException;
import dev.corral.machine.Machine;
import dev.corral.machine.ProvisionException;

import org.slf4j.Logger;

/**
 * A running podman container. Rebooting restarts the container ({@code podman stop}, then {@code podman start}:
 * soft lets the stop signal end it, hard kills it at once) and waits until it is ready again; files under
 * {@link #workDir()} survive, running commands do not. Closing removes the container and its anonymous volumes.
 */
final class PodmanMachine implements Machine {
    /** How long a soft reboot lets the container stop before podman kills it. */
    private static final int SOFT_STOP_SECONDS = 60;

    private final String id;
    private final String container;
    private final boolean systemd;
    private final String workDir;
    private final Set<Capability> capabilities;
    private final PodmanCli cli;
    private final PodmanConnection connection;
    private final Logger log;
    private final Consumer<PodmanMachine> onClose;
    private final AtomicBoolean closed = new AtomicBoolean();

    PodmanMachine(String id, String container, boolean systemd, String workDir, Set<Capability> capabilities,
                  PodmanCli cli, Logger log, Consumer<PodmanMachine> onClose) {
        this.id = id;
        this.container = container;
        this.systemd = systemd;
        this.workDir = workDir;
        this.capabilities = Set.copyOf(capabilities);
        this.cli = cli;
        this.log = log;
        this.onClose = onClose;
        this.connection = new PodmanConnection(cli, container, workDir, log);
    }

    @Override
    public String id() {
        return id;
    }

    /** The container's name. */
    String container() {
        return container;
    }

    @Override
    public PodmanConnection connection() {
        return connection;
    }

    @Override
    public String workDir() {
        return workDir;
    }

    @Override
    public Set<Capability> capabilities() {
        return capabilities;
    }

    @Override
    public void reboot(boolean hard, Deadline deadline) throws InterruptedException {
        if (closed.get()) {
            throw new ConnectionException("machine " + id + " is closed; cannot reboot it");
        }
        log.debug("{} reboot: podman stop and start {}", hard ? "hard" : "soft", container);
        // podman restart in two steps: the stop may be interrupted (the container is removed whole later); the
        // start may not, since podman stopped while it starts a container leaves its new network namespace behind
        String stopAfter = hard ? "0" : Integer.toString(SOFT_STOP_SECONDS);
        rebootStep("stop", cli.run(deadline, List.of("stop", "-t", stopAfter, container)));
        rebootStep("start", cli.runThrough(deadline, List.of("start", container)));
        try {
            Readiness.await(cli, container, systemd, workDir, deadline, log);
        } catch (ProvisionException e) {
            throw new ConnectionException(id + " did not come back after a reboot: " + e.getMessage(), e);
        }
    }

    private void rebootStep(String step, PodmanCli.Result r) {
        if (!r.ok()) {
            throw new ConnectionException("cannot reboot " + id + " (podman " + step + " " + container + "): "
                    + r.message());
        }
    }

    @Override
    public boolean isAlive(Deadline deadline) throws InterruptedException {
        if (closed.get()) {
            return false;
        }
        try {
            return connection.exec(Command.of("true"), deadline.min(Duration.ofSeconds(30))).succeeded();
        } catch (ConnectionException e) {
            log.debug("not alive: {}", e.getMessage());
            return false;
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            PodmanCli.Result r = cli.runToEnd(PodmanCli.CLEANUP_LIMIT,
                    List.of("rm", "-f", "-t", "0", "-v", "--ignore", container));
            if (r.ok()) {
                log.debug("removed container {}", container);
            } else {
                log.warn("could not remove container {} ({}); 'corral cleanup' removes it later", container, r.message());
            }
        } catch (CorralException e) {
            log.warn("could not remove container {} ({}); 'corral cleanup' removes it later", container, e.getMessage());
        } finally {
            StrayMonitors.kill(container::equals).forEach(n -> log.debug("killed the stray monitor of container {}", n));
            onClose.accept(this);
        }
    }

    @Override
    public String toString() {
        return "PodmanMachine[" + id + ", " + container + "]";
    }
}
