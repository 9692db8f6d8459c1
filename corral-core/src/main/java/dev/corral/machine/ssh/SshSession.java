package dev.corral.machine.ssh;

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
 * number of open channels, kills process groups over a reserved control channel and remembers the ones a lost
 * session left running. Thread-safe.
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

    /** Takes a command channel, waiting at most until the deadline; {@code false} when none became free. */
    boolean acquireChannel(Deadline deadline) throws InterruptedException {
        return commandChannels.tryAcquire(deadline.remainingNanos(), TimeUnit.NANOSECONDS);
    }

    void releaseChannel() {
        commandChannels.release();
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

    /** Closes the session; later commands fail with {@link ConnectionException}. Idempotent. */
    void close() {
        closed = true;
        Live current = live;
        if (current != null) {
            current.session().close(true);
        }
    }
}
