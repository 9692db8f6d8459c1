package dev.corral.machine.ssh;

import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import dev.corral.Deadline;
import dev.corral.machine.Command;
import dev.corral.machine.Connection;
import dev.corral.machine.ConnectionException;
import dev.corral.machine.ExecResult;

import org.apache.sshd.client.session.ClientSession;
import org.apiguardian.api.API;
import org.slf4j.Logger;

/**
 * A {@link Connection} over SSH: one authenticated session to the host, many channels over it.
 *
 * <ul>
 *   <li>Commands run through a small POSIX {@code sh} wrapper (the login shell must be POSIX-like: bash, dash,
 *       zsh, ksh, ash). Arguments, directory and environment travel on the channel's standard input, never on a
 *       command line, so values do not show in {@code ps}; sshd's {@code AcceptEnv} is not needed.
 *   <li>Each command leads its own process group; on deadline or interrupt the group is killed with
 *       {@code kill -9} over another channel (closing a channel does not stop an OpenSSH command).
 *   <li>Keepalives detect a dead link ({@link SshOptions#keepaliveWindow()}); a command running when the session
 *       dies fails with {@link ConnectionException}, and the next command reconnects with backoff. Commands left
 *       running on the host by a lost session are killed after reconnecting unless the host rebooted.
 *   <li>Files move as tar streams over exec channels ({@code tar} needed on both sides): much faster than SFTP
 *       for trees of small files.
 *   <li>At most {@link SshOptions#maxChannels()} channels are open at once (OpenSSH's {@code MaxSessions});
 *       further commands wait for a free one, counted against their deadline.
 * </ul>
 *
 * <p>Thread-safe. Obtained from {@link SshConnector#connect}; closing it closes the session.
 */
@API(status = API.Status.EXPERIMENTAL)
public final class SshConnection implements Connection, AutoCloseable {
    private static final String BOOT_ID = "cat /proc/sys/kernel/random/boot_id";
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(15);

    private final SshConnector connector;
    private final SshTarget target;
    private final List<KeyPair> keys;
    private final Logger log;
    private final Semaphore commandChannels;
    private final Semaphore controlChannels = new Semaphore(1, true);
    private final ReentrantLock connecting = new ReentrantLock();
    private final List<Orphan> orphans = new ArrayList<>();
    private final TarTransfer transfer = new TarTransfer(this);
    private volatile Live live;
    private volatile boolean closed;

    /** The current session and the boot id of the host when it was opened ({@code null} when unknown). */
    record Live(ClientSession session, String bootId) {
    }

    /** A process group left running on the host by a lost session. */
    private record Orphan(String bootId, long pgid) {
    }

    private SshConnection(SshConnector connector, SshTarget target, List<KeyPair> keys, Logger log) {
        this.connector = connector;
        this.target = target;
        this.keys = List.copyOf(keys);
        this.log = log;
        this.commandChannels = new Semaphore(connector.options().maxChannels() - 1, true);
    }

    static SshConnection start(SshConnector connector, SshTarget target, List<KeyPair> keys, ClientSession session,
                               Logger log, Deadline deadline) throws InterruptedException {
        SshConnection connection = new SshConnection(connector, target, keys, log);
        try {
            connection.live = connection.probe(session, deadline);
        } catch (InterruptedException | RuntimeException e) {
            session.close(true);
            throw e;
        }
        return connection;
    }

    /** Where this connection goes. */
    public SshTarget target() {
        return target;
    }

    /** Whether the session is currently up (a command would not need to reconnect first). */
    public boolean isOpen() {
        Live current = live;
        return !closed && current != null && current.session().isOpen();
    }

    @Override
    public ExecResult exec(Command command, Deadline deadline) throws InterruptedException {
        Objects.requireNonNull(command, "command must not be null");
        Objects.requireNonNull(deadline, "deadline must not be null");
        return run(Invocation.of(command), deadline);
    }

    @Override
    public void upload(Path source, String target, Deadline deadline) throws InterruptedException {
        transfer.upload(Objects.requireNonNull(source, "source must not be null"),
                Objects.requireNonNull(target, "target must not be null"), deadline);
    }

    @Override
    public void download(String source, Path target, Deadline deadline) throws InterruptedException {
        transfer.download(Objects.requireNonNull(source, "source must not be null"),
                Objects.requireNonNull(target, "target must not be null"), deadline);
    }

    /**
     * The host's current boot id ({@code /proc/sys/kernel/random/boot_id}), which changes with every boot.
     *
     * @throws dev.corral.machine.CommandFailedException when the host has none (not Linux)
     */
    public String bootId(Deadline deadline) throws InterruptedException {
        return exec(Command.of("cat", "/proc/sys/kernel/random/boot_id"), deadline).orThrow("reading the boot id of " + target.address())
                .stdout().strip();
    }

    /**
     * Makes sure a session is up, reconnecting with backoff (for at most the deadline) when it is not.
     *
     * @throws ConnectionException when the host cannot be reached in time
     */
    public void reconnect(Deadline deadline) throws InterruptedException {
        live(deadline);
    }

    /**
     * Drops the current session without closing the connection: running commands fail with
     * {@link ConnectionException} and the next command reconnects at once. For callers that know the host just went
     * away (a VM that was reset), so that nobody waits for keepalives to notice.
     */
    public void dropSession() {
        Live current = live;
        if (current != null) {
            current.session().close(true);
        }
    }

    /** Closes the session; later commands fail with {@link ConnectionException}. Idempotent. */
    @Override
    public void close() {
        closed = true;
        Live current = live;
        if (current != null) {
            current.session().close(true);
        }
    }

    @Override
    public String toString() {
        return "SshConnection[" + target.address() + "]";
    }

    ExecResult run(Invocation invocation, Deadline deadline) throws InterruptedException {
        long start = System.nanoTime();
        if (!commandChannels.tryAcquire(deadline.remainingNanos(), TimeUnit.NANOSECONDS)) {
            return new ExecResult(-1, null, true, "", "", Duration.ofNanos(System.nanoTime() - start));
        }
        try {
            Live current = live(deadline);
            return new RemoteProcess(this, current, invocation).run(deadline, start);
        } finally {
            commandChannels.release();
        }
    }

    /** The live session, reconnecting when it died. */
    Live live(Deadline deadline) throws InterruptedException {
        Live current = live;
        if (closed) {
            throw new ConnectionException("the SSH connection to " + target.address() + " is closed");
        }
        if (current != null && current.session().isOpen()) {
            return current;
        }
        Deadline budget = deadline.min(connector.options().reconnectTimeout());
        if (!connecting.tryLock(budget.remainingNanos(), TimeUnit.NANOSECONDS)) {
            throw new ConnectionException("the SSH session to " + target.address() + " is down and reconnecting takes too long");
        }
        try {
            current = live;
            if (current != null && current.session().isOpen()) {
                return current;
            }
            log.info("SSH session to {} is down; reconnecting", target.address());
            ClientSession session = connector.open(target, keys, budget, log);
            Live fresh = probe(session, budget.isNone() || budget.expired() ? Deadline.after(PROBE_TIMEOUT) : budget);
            if (closed) {
                session.close(true);
                throw new ConnectionException("the SSH connection to " + target.address() + " is closed");
            }
            live = fresh;
            log.info("reconnected to {}", target.address());
            killOrphans(fresh);
            return fresh;
        } finally {
            connecting.unlock();
        }
    }

    private Live probe(ClientSession session, Deadline deadline) throws InterruptedException {
        String bootId = control(session, BOOT_ID, deadline.min(PROBE_TIMEOUT));
        return new Live(session, bootId == null ? null : bootId.strip());
    }

    /** Kills a remote process group over a control channel; a dead session leaves it as an orphan. */
    void killGroup(Live on, long pgid) throws InterruptedException {
        log.debug("killing process group {} on {}", pgid, target.address());
        String done = control(on.session(), "kill -9 -" + pgid + " 2>/dev/null; echo done", Deadline.after(PROBE_TIMEOUT));
        if (done == null && !on.session().isOpen()) {
            noteOrphan(on, pgid);
        }
    }

    void noteOrphan(Live on, long pgid) {
        if (on.bootId() != null) {
            synchronized (orphans) {
                orphans.add(new Orphan(on.bootId(), pgid));
            }
        }
    }

    private void killOrphans(Live fresh) throws InterruptedException {
        List<Orphan> pending;
        synchronized (orphans) {
            pending = List.copyOf(orphans);
            orphans.clear();
        }
        for (Orphan orphan : pending) {
            if (orphan.bootId().equals(fresh.bootId())) {
                log.debug("killing process group {} left by the lost session", orphan.pgid());
                control(fresh.session(), "kill -9 -" + orphan.pgid() + " 2>/dev/null; true", Deadline.after(PROBE_TIMEOUT));
            }
        }
    }

    private String control(ClientSession session, String commandLine, Deadline deadline) throws InterruptedException {
        if (!controlChannels.tryAcquire(deadline.remainingNanos(), TimeUnit.NANOSECONDS)) {
            return null;
        }
        try {
            return RemoteProcess.raw(session, commandLine, deadline);
        } finally {
            controlChannels.release();
        }
    }

    ConnectionException lost(Live on, Invocation invocation, String why, Throwable cause) {
        String reason = why != null ? why : Futures.why(cause);
        if (!on.session().isOpen()) {
            reason = "the session died (host down, network cut or sshd stopped)";
        }
        return new ConnectionException("lost the SSH connection to " + target.address() + " while running "
                + invocation.what() + ": " + reason, cause);
    }

    ConnectionException channelRefused(Live on, Invocation invocation, Throwable cause) {
        if (!on.session().isOpen()) {
            return lost(on, invocation, null, cause);
        }
        return new ConnectionException(target.address() + " refused a new SSH channel for " + invocation.what() + ": "
                + Futures.why(cause) + " (is sshd's MaxSessions below " + connector.options().maxChannels()
                + "? lower SshOptions.maxChannels)", cause);
    }
}
