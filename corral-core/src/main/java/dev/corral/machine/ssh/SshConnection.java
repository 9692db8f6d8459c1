package dev.corral.machine.ssh;

import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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
 *       {@code kill -9} over another channel (closing a channel does not stop an OpenSSH command), at most
 *       {@link #KILL_GRACE} after the deadline. A command whose login shell has not started it yet never starts:
 *       the wrapper gets its header only after it reported its process id.
 *   <li>A command ends when its process exits: processes it left behind that still hold its output open are
 *       killed (as a local machine does), so a background {@code sleep} cannot keep the command running.
 *   <li>Keepalives detect a dead link ({@link SshOptions#keepaliveWindow()}); a command running when the session
 *       dies fails with {@link ConnectionException}, and the next command reconnects with backoff. Commands left
 *       running on the host by a lost session are killed after reconnecting unless the host rebooted.
 *   <li>Files move as tar streams over exec channels ({@code tar} needed on the host; written and read in
 *       process here): much faster than SFTP for trees of small files.
 *   <li>At most {@link SshOptions#maxChannels()} channels are open at once (OpenSSH's {@code MaxSessions});
 *       further commands wait for a free one, counted against their deadline. One of them is kept open ahead of
 *       time with its login shell started, so that the next command does not wait for sshd and the login shell.
 * </ul>
 *
 * <p>Thread-safe. Obtained from {@link SshConnector#connect}; closing it kills the commands still running and
 * closes the session.
 */
@API(status = API.Status.EXPERIMENTAL)
public final class SshConnection implements Connection, AutoCloseable {
    /** How long ending a command may take past its deadline: killing it, closing its channel, its last output. */
    public static final Duration KILL_GRACE = RemoteProcess.KILL_GRACE;

    private final SshSession session;
    private final boolean ownsSession;
    private final Set<RemoteProcess> running = ConcurrentHashMap.newKeySet();
    private final TarTransfer transfer = new TarTransfer(this);
    private volatile boolean closed;

    private SshConnection(SshSession session, boolean ownsSession) {
        this.session = session;
        this.ownsSession = ownsSession;
    }

    static SshConnection start(SshConnector connector, SshTarget target, List<KeyPair> keys, ClientSession session,
                               Logger log, Deadline deadline) throws InterruptedException {
        return new SshConnection(SshSession.start(connector, target, keys, session, log, deadline), true);
    }

    /**
     * Another connection over the same session, for one slot of a shared host: closing it kills the commands it
     * runs and leaves the session (and the other connections sharing it) open.
     */
    SshConnection share() {
        return new SshConnection(session, false);
    }

    /** Where this connection goes. */
    public SshTarget target() {
        return session.target();
    }

    /** Whether the session is currently up (a command would not need to reconnect first). */
    public boolean isOpen() {
        return !closed && session.isOpen();
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
                Objects.requireNonNull(target, "target must not be null"), Objects.requireNonNull(deadline, "deadline must not be null"));
    }

    @Override
    public void download(String source, Path target, Deadline deadline) throws InterruptedException {
        transfer.download(Objects.requireNonNull(source, "source must not be null"),
                Objects.requireNonNull(target, "target must not be null"), Objects.requireNonNull(deadline, "deadline must not be null"));
    }

    /**
     * The host's current boot id ({@code /proc/sys/kernel/random/boot_id}), which changes with every boot.
     *
     * @throws dev.corral.machine.CommandFailedException when the host has none (not Linux)
     */
    public String bootId(Deadline deadline) throws InterruptedException {
        return exec(Command.of("cat", "/proc/sys/kernel/random/boot_id"), deadline).orThrow("reading the boot id of " + target().address())
                .stdout().strip();
    }

    /**
     * Makes sure a session is up, reconnecting with backoff (for at most the deadline) when it is not.
     *
     * @throws ConnectionException when the host cannot be reached in time
     */
    public void reconnect(Deadline deadline) throws InterruptedException {
        checkOpen();
        session.live(deadline);
    }

    /**
     * Drops the current session without closing the connection: running commands fail with
     * {@link ConnectionException} and the next command reconnects at once. For callers that know the host just went
     * away (a VM that was reset), so that nobody waits for keepalives to notice.
     */
    public void dropSession() {
        session.drop();
    }

    /**
     * Kills the commands running over this connection now (their {@code exec} fails with
     * {@link ConnectionException}); the connection stays usable. Returns without waiting for the kills.
     */
    void killRunning() {
        for (RemoteProcess process : List.copyOf(running)) {
            process.abort();
        }
    }

    /**
     * Closes this connection: commands still running are killed and fail with {@link ConnectionException}, later
     * ones fail at once. The session closes too unless this connection {@linkplain #share() shares} it.
     * Idempotent; does not wait for the remote kills.
     */
    @Override
    public void close() {
        closed = true;
        killRunning();
        if (ownsSession) {
            session.close();
        }
    }

    @Override
    public String toString() {
        return "SshConnection[" + target().address() + "]";
    }

    ExecResult run(Invocation invocation, Deadline deadline) throws InterruptedException {
        long start = System.nanoTime();
        checkOpen();
        WrapperChannel channel = session.channel(session.live(deadline), invocation, deadline);
        if (channel == null) {
            return new ExecResult(-1, null, true, "", "", Duration.ofNanos(System.nanoTime() - start));
        }
        try {
            RemoteProcess process = new RemoteProcess(session, channel, invocation);
            running.add(process);
            try {
                if (closed) {
                    process.abort();
                }
                return process.run(deadline, start);
            } finally {
                running.remove(process);
            }
        } finally {
            channel.close();
            session.release();
        }
    }

    /** The live session, reconnecting when it died. */
    SshSession.Live live(Deadline deadline) throws InterruptedException {
        checkOpen();
        return session.live(deadline);
    }

    private void checkOpen() {
        if (closed) {
            throw new ConnectionException("the SSH connection to " + target().address() + " is closed");
        }
    }
}
