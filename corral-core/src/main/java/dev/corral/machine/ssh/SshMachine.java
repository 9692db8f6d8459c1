package dev.corral.machine.ssh;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.corral.Deadline;
import dev.corral.RunId;
import dev.corral.machine.Capability;
import dev.corral.machine.Command;
import dev.corral.machine.CommandFailedException;
import dev.corral.machine.Connection;
import dev.corral.machine.ConnectionException;
import dev.corral.machine.ExecResult;
import dev.corral.machine.Machine;

import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Machine} reached over an {@link SshConnection}: a host of the {@code connect} provisioner, or (with a
 * {@link HardReset} hook) a VM whose provisioner can reset it.
 *
 * <p>The work directory {@code /var/tmp/corral-<run>-<machine>} is created (mode 700) when the machine opens and
 * removed when it closes, unless {@link Builder#keepWorkDir kept}. Capabilities: {@link Capability#ISOLATED} (a
 * whole system), {@link Capability#ROOT} when the login is uid 0, {@link Capability#REBOOT} only when allowed:
 * rebooting a host someone else also uses must be the user's decision.
 *
 * <p>{@link #reboot} runs {@code systemctl reboot} (or {@code reboot}), waits until the session drops, then
 * reconnects with backoff until a command runs and the boot id changed. A hard reboot needs the
 * {@link HardReset} hook; plain SSH hosts have none.
 *
 * <pre>{@code
 * SshMachine m = SshMachine.builder("web1-1", connection, runId).allowReboot(true).open(deadline);
 * }</pre>
 *
 * <p>Thread-safe; {@link #close()} is idempotent.
 */
@API(status = API.Status.EXPERIMENTAL)
public final class SshMachine implements Machine {
    private static final List<String> DEFAULT_REBOOT = List.of("sh", "-c",
            "if command -v systemctl >/dev/null 2>&1; then exec systemctl reboot; else exec reboot; fi");
    private static final Duration STEP = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofSeconds(1);
    private static final Duration CLEANUP = Duration.ofSeconds(30);

    private final String id;
    private final SshConnection connection;
    private final String workDir;
    private final Set<Capability> capabilities;
    private final Builder settings;
    private final Logger log;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** Resets a machine the hard way (power cycle); provided by provisioners that control the hardware or VM. */
    @FunctionalInterface
    @API(status = API.Status.EXPERIMENTAL)
    public interface HardReset {
        /** Resets the machine now; returns once the reset was triggered. */
        void reset(Deadline deadline) throws InterruptedException;
    }

    private SshMachine(Builder b, String workDir, Set<Capability> capabilities) {
        this.id = b.id;
        this.connection = b.connection;
        this.workDir = workDir;
        this.capabilities = Set.copyOf(capabilities);
        this.settings = b;
        this.log = LoggerFactory.getLogger("corral.machine.ssh." + b.id);
    }

    /**
     * Starts a builder.
     *
     * @param id         the machine's id within the run, safe in file names
     * @param connection its connection
     * @param runId      the run, named in the work directory so that {@code corral cleanup} finds leftovers
     */
    public static Builder builder(String id, SshConnection connection, RunId runId) {
        return new Builder(id, connection, runId);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public SshConnection connection() {
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
    public boolean isAlive(Deadline deadline) throws InterruptedException {
        try {
            return connection.exec(Command.of("true"), deadline).succeeded();
        } catch (ConnectionException e) {
            return false;
        }
    }

    /**
     * Reboots and waits until the machine runs commands again with a new boot id.
     *
     * @throws UnsupportedOperationException without {@link Capability#REBOOT}, or for a hard reboot without a
     *                                       {@link HardReset} hook
     * @throws ConnectionException           when the machine is not back with a new boot id before the deadline
     */
    @Override
    public void reboot(boolean hard, Deadline deadline) throws InterruptedException {
        if (!can(Capability.REBOOT)) {
            throw new UnsupportedOperationException(id + " may not be rebooted: allow it for this host (reboot: true)");
        }
        if (hard && settings.hardReset == null) {
            throw new UnsupportedOperationException(id + " cannot be hard-rebooted: a plain SSH host has no power control");
        }
        String before = connection.bootId(deadline.min(STEP));
        log.info("rebooting {} ({})", id, hard ? "hard" : "soft");
        if (hard) {
            settings.hardReset.reset(deadline);
        } else {
            try {
                ExecResult r = connection.exec(Command.builder(settings.rebootCommand).build(), deadline.min(STEP));
                if (!r.timedOut() && r.exitCode() != 0 && r.signal() == null) {
                    throw new CommandFailedException("rebooting " + id, r);
                }
            } catch (ConnectionException dropped) {
                // the session went down with the machine: expected
            }
        }
        awaitNewBoot(before, deadline);
    }

    private void awaitNewBoot(String before, Deadline deadline) throws InterruptedException {
        String last = "it still runs the same boot";
        while (!deadline.expired()) {
            try {
                String now = connection.bootId(deadline.min(STEP));
                if (!now.equals(before)) {
                    log.info("{} is back after reboot", id);
                    return;
                }
            } catch (ConnectionException | CommandFailedException e) {
                last = e.getMessage();
            }
            Thread.sleep(Math.min(POLL.toMillis(), Math.max(1, deadline.remaining().toMillis())));
        }
        throw new ConnectionException(id + " did not come back from the reboot in time (" + last + ")");
    }

    /**
     * Kills the commands still running on this machine (they fail with {@link ConnectionException}), removes the
     * work directory (unless kept) and, if this machine owns it, closes the connection.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            connection.killRunning();
            if (!settings.keepWorkDir) {
                ExecResult r = connection.exec(Command.of("rm", "-rf", "--", workDir), Deadline.after(CLEANUP));
                if (!r.succeeded()) {
                    log.warn("could not remove {} on {}: {}", workDir, id, r.stderr().strip());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ConnectionException e) {
            log.warn("could not remove {} on {}: {}", workDir, id, e.getMessage());
        } finally {
            if (settings.ownsConnection) {
                connection.close();
            }
            if (settings.onClose != null) {
                settings.onClose.run();
            }
        }
    }

    @Override
    public String toString() {
        return "SshMachine[" + id + " " + connection.target().address() + "]";
    }

    /** The work directory name of a machine: {@code /var/tmp/corral-<run>-<machine>}. */
    public static String workDirOf(RunId runId, String machineId) {
        return "/var/tmp/corral-" + runId.value() + "-" + machineId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "-");
    }

    /** Builder for {@link SshMachine}; not thread-safe. */
    @API(status = API.Status.EXPERIMENTAL)
    public static final class Builder {
        private final String id;
        private final SshConnection connection;
        private final RunId runId;
        private boolean keepWorkDir;
        private boolean allowReboot;
        private List<String> rebootCommand = DEFAULT_REBOOT;
        private HardReset hardReset;
        private boolean ownsConnection = true;
        private Runnable onClose;

        private Builder(String id, SshConnection connection, RunId runId) {
            this.id = Objects.requireNonNull(id, "id must not be null");
            this.connection = Objects.requireNonNull(connection, "connection must not be null");
            this.runId = Objects.requireNonNull(runId, "runId must not be null");
        }

        /** Keeps the work directory on close (for debugging). */
        public Builder keepWorkDir(boolean keep) {
            this.keepWorkDir = keep;
            return this;
        }

        /** Whether tests may reboot this machine (gives {@link Capability#REBOOT}). */
        public Builder allowReboot(boolean allow) {
            this.allowReboot = allow;
            return this;
        }

        /** The soft reboot command (default: {@code systemctl reboot}, or {@code reboot} without systemd). */
        public Builder rebootCommand(List<String> argv) {
            this.rebootCommand = List.copyOf(argv);
            return this;
        }

        /** How to reset the machine for a hard reboot; none for plain SSH hosts. */
        public Builder hardReset(HardReset hook) {
            this.hardReset = hook;
            return this;
        }

        /** Whether closing the machine closes the connection (default yes; no when slots share a session). */
        public Builder ownsConnection(boolean owns) {
            this.ownsConnection = owns;
            return this;
        }

        /** Runs after the machine closed (a provisioner frees the slot). */
        public Builder onClose(Runnable action) {
            this.onClose = action;
            return this;
        }

        /**
         * Creates the work directory, probes the login's uid and returns the ready machine.
         *
         * @throws ConnectionException     when the host cannot be reached
         * @throws CommandFailedException  when the work directory cannot be created
         */
        public SshMachine open(Deadline deadline) throws InterruptedException {
            String dir = workDirOf(runId, id);
            ExecResult r = connection.exec(Command.of("sh", "-c", "mkdir -p -m 700 \"$1\" && chmod 700 \"$1\" && id -u", "sh", dir), deadline);
            r.orThrow("creating the work directory " + dir + " on " + connection.target().address());
            Set<Capability> caps = EnumSet.of(Capability.ISOLATED);
            if (r.stdout().strip().equals("0")) {
                caps.add(Capability.ROOT);
            }
            if (allowReboot) {
                caps.add(Capability.REBOOT);
            }
            return new SshMachine(this, dir, caps);
        }
    }
}
