package dev.corral.machine.ssh;

import java.io.IOException;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import dev.corral.Deadline;
import dev.corral.machine.ConnectionException;

import org.apache.sshd.client.session.ClientSession;
import org.slf4j.Logger;

/**
 * The authenticated session to one host that {@link SshConnection}s share: reconnects when it died, bounds the
 * number of open channels, keeps one spare {@link WrapperChannel} ready for the next command, kills commands over
 * a reserved control channel and remembers the ones a lost session left running. Thread-safe.
 */
final class SshSession {
    private static final String BOOT_ID = "cat /proc/sys/kernel/random/boot_id";
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(15);

    private final SshConnector connector;
    private final SshTarget target;
    private final List<KeyPair> keys;
    private final Logger log;
    private final Semaphore commandChannels;
    private final Semaphore controlChannels = new Semaphore(1, true);
    private final ReentrantLock connecting = new ReentrantLock();
    private final List<Orphan> orphans = new ArrayList<>();
    private final Object spareLock = new Object();
    private WrapperChannel spare; // guarded by spareLock; holds a permit of commandChannels
    private boolean warming; // guarded by spareLock; a spare is being opened, holding a permit
    private volatile Live live;
    private volatile boolean closed;

    /** The current session and the boot id of the host when it was opened ({@code null} when unknown). */
    record Live(ClientSession session, String bootId) {
    }

    /** A process group left running on the host by a lost session. */
    private record Orphan(String bootId, long pgid) {
    }

    private SshSession(SshConnector connector, SshTarget target, List<KeyPair> keys, Logger log) {
        this.connector = connector;
        this.target = target;
        this.keys = List.copyOf(keys);
        this.log = log;
        this.commandChannels = new Semaphore(connector.options().maxChannels() - 1, true);
    }

    static SshSession start(SshConnector connector, SshTarget target, List<KeyPair> keys, ClientSession session,
                            Logger log, Deadline deadline) throws InterruptedException {
        SshSession shared = new SshSession(connector, target, keys, log);
        try {
            shared.live = shared.probe(session, deadline);
        } catch (InterruptedException | RuntimeException e) {
            session.close(true);
            throw e;
        }
        return shared;
    }

    SshTarget target() {
        return target;
    }

    Logger log() {
        return log;
    }

    boolean isOpen() {
        Live current = live;
        return !closed && current != null && current.session().isOpen();
    }

    /**
     * A channel whose wrapper waits for a command, holding one of the {@link SshOptions#maxChannels()} permits
     * (released by {@link #release}): the spare one opened ahead of time when still usable, else a new one. Starts
     * opening the next spare, so that a command following this one does not wait for sshd and the login shell.
     *
     * @return the channel, or {@code null} when no channel became free or the server did not answer in time
     * @throws ConnectionException when the server refused the channel or the session died
     */
    WrapperChannel channel(Live on, Invocation invocation, Deadline deadline) throws InterruptedException {
        WrapperChannel channel = takeSpare(on);
        if (channel == null) {
            if (!commandChannels.tryAcquire(deadline.remainingNanos(), TimeUnit.NANOSECONDS)) {
                return null;
            }
            try {
                channel = WrapperChannel.open(on, deadline, true);
            } catch (IOException | RuntimeException e) {
                commandChannels.release();
                throw on.session().isOpen() ? channelRefused(on, invocation, e) : lost(on, invocation, null, e);
            } catch (InterruptedException e) {
                commandChannels.release();
                throw e;
            }
            if (channel == null) {
                commandChannels.release();
                return null;
            }
        }
        openSpare(on);
        return channel;
    }

    /** Gives back the permit of a channel from {@link #channel}. */
    void release() {
        commandChannels.release();
    }

    /**
     * The spare channel when it belongs to the live session and its wrapper has not died: ready, or still starting
     * (it started before a new one would, so it is ready sooner; the command waits for it as for a new one).
     */
    private WrapperChannel takeSpare(Live on) {
        WrapperChannel taken;
        synchronized (spareLock) {
            taken = spare;
            spare = null;
        }
        if (taken == null) {
            return null;
        }
        if (taken.live() == on && taken.usable()) {
            return taken;
        }
        taken.close();
        commandChannels.release();
        return null;
    }

    /** Opens a spare channel in the background unless there is one or no permit is free. */
    private void openSpare(Live on) {
        synchronized (spareLock) {
            if (closed || spare != null || warming || !commandChannels.tryAcquire()) {
                return;
            }
            warming = true;
        }
        Thread.ofVirtual().name("ssh-spare").start(() -> {
            WrapperChannel opened = null;
            try {
                opened = WrapperChannel.open(on, Deadline.after(PROBE_TIMEOUT), false);
            } catch (IOException | RuntimeException e) {
                log.debug("no spare channel to {}: {}", target.address(), Futures.why(e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (spareLock) {
                warming = false;
                if (opened != null && !closed) {
                    spare = opened;
                    return;
                }
            }
            if (opened != null) {
                opened.close();
            }
            commandChannels.release();
        });
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

    /**
     * Kills a command over the control channel: its process group and the processes carrying its token
     * ({@link RemoteScript#KILL}); a dead session leaves the group as an orphan.
     *
     * @return whether the kill command ran
     */
    boolean kill(Live on, long pgid, String token, Deadline deadline) throws InterruptedException {
        log.debug("killing process group {} and the processes of {} on {}", pgid, token, target.address());
        String done = control(on.session(), "sh -c " + RemoteScript.quote(RemoteScript.KILL) + " sh " + pgid + " "
                + RemoteScript.quote(token), deadline.min(PROBE_TIMEOUT));
        if (done == null && !on.session().isOpen()) {
            noteOrphan(on, pgid);
        }
        return done != null;
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

    /** Closes the live session (not this object): running commands fail, the next one reconnects. */
    void drop() {
        Live current = live;
        if (current != null) {
            current.session().close(true);
        }
    }

    /** Closes the session; later commands fail with {@link ConnectionException}. Idempotent. */
    void close() {
        WrapperChannel unused;
        synchronized (spareLock) {
            closed = true;
            unused = spare;
            spare = null;
        }
        if (unused != null) {
            unused.close();
            commandChannels.release();
        }
        Live current = live;
        if (current != null) {
            current.session().close(true);
        }
    }
}
