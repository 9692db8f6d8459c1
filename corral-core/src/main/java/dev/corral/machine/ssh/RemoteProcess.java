package dev.corral.machine.ssh;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.corral.CorralException;
import dev.corral.Deadline;
import dev.corral.machine.BoundedCapture;
import dev.corral.machine.ConnectionException;
import dev.corral.machine.ExecResult;

import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;

/**
 * One command running on a {@link WrapperChannel}: feeds the wrapper header and standard input once the wrapper
 * reported its process id, and ends when the command exits (killing what it left behind holding its output),
 * when the deadline expires or when interrupted or {@linkplain #abort aborted} (killing the remote process group
 * and the processes carrying the command's token over the control channel first). Every wait is bounded:
 * {@link #run} returns at most {@link #KILL_GRACE} after the deadline. Used once, by one thread (plus
 * {@link #abort} from any thread).
 */
final class RemoteProcess {
    /** How long ending a command may take past its deadline: the kill, the channel close, the last output. */
    static final Duration KILL_GRACE = Duration.ofSeconds(10);
    /** After the command exited: how long its output may stay open before what holds it open is killed. */
    private static final Duration LEFTOVER_GRACE = Duration.ofMillis(200);
    private static final Duration REFUSED_RETRY = Duration.ofSeconds(30);
    private static final Set<Integer> BUSY = Set.of(SshConstants.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED,
            SshConstants.SSH_OPEN_CONNECT_FAILED, SshConstants.SSH_OPEN_RESOURCE_SHORTAGE);

    private final SshSession session;
    private final WrapperChannel channel;
    private final Invocation invocation;
    private final BoundedCapture capturedOut = new BoundedCapture();
    private final BoundedCapture capturedErr = new BoundedCapture();
    private final Object headerLock = new Object();
    private boolean headerSent; // guarded by headerLock
    private boolean killing; // guarded by headerLock
    private volatile boolean aborted;

    RemoteProcess(SshSession session, WrapperChannel channel, Invocation invocation) {
        this.session = session;
        this.channel = channel;
        this.invocation = invocation;
    }

    /** Makes {@link #run} kill the command and fail with a {@link ConnectionException}; any thread, idempotent. */
    void abort() {
        aborted = true;
        channel.wake();
    }

    ExecResult run(Deadline deadline, long startNanos) throws InterruptedException {
        byte[] header = RemoteScript.header(invocation.argv(), invocation.env(), invocation.cwd());
        OutputStream out = invocation.stdout() != null ? invocation.stdout() : capturedOut;
        OutputStream err = invocation.merge() ? out : invocation.stderr() != null ? invocation.stderr() : capturedErr;
        channel.attach(out, err);
        Thread feeder = Thread.ofVirtual().name("ssh-stdin").start(() -> feed(header, deadline));
        try {
            boolean inTime = channel.awaitStopped(deadline);
            if (aborted && !channel.isClosed()) {
                kill();
                throw new ConnectionException("the SSH connection to " + session.target().address()
                        + " was closed while running " + invocation.what());
            }
            if (!inTime) {
                kill();
            } else if (!channel.awaitClosed(LEFTOVER_GRACE.toNanos())) {
                endLeftovers(deadline);
            }
            channel.drain(KILL_GRACE);
            return result(startNanos, !inTime);
        } catch (InterruptedException e) {
            kill();
            throw e;
        } finally {
            channel.close();
            feeder.interrupt();
        }
    }

    private ExecResult result(long startNanos, boolean timedOut) {
        Integer status = channel.exitStatus();
        String signal = channel.exitSignal();
        if (!timedOut && status == null && signal == null) {
            long remotePid = channel.pid().getNow(-1L);
            if (remotePid > 0) {
                session.noteOrphan(channel.live(), remotePid);
            }
            throw session.lost(channel.live(), invocation, "the channel closed without an exit status", null);
        }
        IOException sinkFailure = channel.sinkFailure();
        if (sinkFailure != null) {
            throw new CorralException("cannot write the output of " + invocation.what() + ": " + Futures.why(sinkFailure), sinkFailure);
        }
        String signalName = signal == null ? null : Signals.normalize(signal);
        int code = signalName != null ? Signals.exitCode(signalName) : status != null ? status : -1;
        return new ExecResult(code, signalName, timedOut, capturedOut.text(), capturedErr.text(), elapsed(startNanos));
    }

    /**
     * The command exited but its output is still open: processes it started in the background hold it. Kills them
     * (what already reached the pipe still arrives) and waits for the rest of the output.
     */
    private void endLeftovers(Deadline deadline) throws InterruptedException {
        long remotePid = channel.pid().getNow(-1L);
        Deadline grace = Deadline.after(KILL_GRACE);
        if (remotePid > 0) {
            session.log().debug("{} exited leaving processes behind that hold its output; killing them", invocation.what());
            session.kill(channel.live(), remotePid, channel.token(), grace);
        }
        // the output written before the exit may still be on its way: wait for it until the deadline, at least the grace
        long wait = Math.max(deadline.remainingNanos(), grace.remainingNanos());
        if (!channel.awaitClosed(wait)) {
            session.log().debug("the output of {} is still open after its processes were killed; not waiting for it",
                    invocation.what());
            channel.close();
        }
    }

    /**
     * Kills the remote process group and the processes carrying the token (or, before the wrapper got its header,
     * keeps the command from ever starting) and closes the channel, within {@link #KILL_GRACE}. Keeps the
     * interrupt status of the calling thread.
     */
    private void kill() {
        boolean interrupted = Thread.interrupted();
        Deadline grace = Deadline.after(KILL_GRACE);
        try {
            long group;
            synchronized (headerLock) {
                killing = true;
                group = headerSent ? channel.pid().getNow(-1L) : -1L;
            }
            // without its header the wrapper exits with 125 when the channel closes, running nothing
            if (group <= 0 || !session.kill(channel.live(), group, channel.token(), grace)) {
                channel.signal("KILL"); // the command's (or its login shell's) own process
            }
            if (!channel.awaitClosed(grace.remainingNanos())) {
                channel.close();
            }
        } catch (InterruptedException again) {
            interrupted = true;
            channel.close();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Sends the header once the wrapper reported its process id (so a command is either killable or never
     * started), then the standard input; closing the stream sends EOF.
     */
    private void feed(byte[] header, Deadline deadline) {
        try (OutputStream toChannel = channel.input()) {
            channel.pid().get(deadline.remainingNanos(), TimeUnit.NANOSECONDS);
            synchronized (headerLock) {
                if (killing) {
                    return;
                }
                headerSent = true;
            }
            toChannel.write(header);
            toChannel.flush();
            if (invocation.stdin() != null) {
                invocation.stdin().writeTo(toChannel);
            }
        } catch (IOException | RuntimeException | ExecutionException | TimeoutException e) {
            // the command ended (or was killed) without reading all of its input
        } catch (InterruptedException e) {
            // the command is over
        }
    }

    private static Duration elapsed(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /**
     * Opens an exec channel. OpenSSH frees a session slot only when it garbage-collects a closed channel, so an
     * open right after a close can be refused ({@code MaxSessions}; OpenSSH 9 answers "open failed" with reason
     * 2, older versions 1): such refusals are retried with backoff while the session lives, for at most
     * {@link #REFUSED_RETRY}, when {@code retryRefusals}.
     *
     * @param out sink for stdout (stderr discarded), or {@code null} to use the channel's streams
     * @return the open channel, or {@code null} when the deadline expired first
     * @throws IOException when the server refused the channel for another reason or the session died
     */
    static ChannelExec openChannel(ClientSession session, String commandLine, OutputStream out, Deadline deadline,
                                   boolean retryRefusals) throws IOException, InterruptedException {
        long backoffMillis = 5;
        Deadline retryUntil = deadline.min(REFUSED_RETRY);
        while (true) {
            ChannelExec channel = session.createExecChannel(commandLine);
            if (out != null) {
                channel.setOut(out);
                channel.setErr(OutputStream.nullOutputStream());
            }
            OpenFuture opening = channel.open();
            boolean answered;
            try {
                answered = Futures.await(opening, deadline);
            } catch (InterruptedException e) {
                channel.close(true);
                throw e;
            }
            if (!answered) {
                channel.close(true);
                return null;
            }
            if (opening.isOpened()) {
                return channel;
            }
            channel.close(true);
            Throwable failure = opening.getException();
            boolean busy = failure instanceof SshChannelOpenException refused && BUSY.contains(refused.getReasonCode());
            if (!retryRefusals || !busy || !session.isOpen() || retryUntil.remaining().toMillis() <= backoffMillis) {
                throw failure instanceof IOException io ? io : new IOException(Futures.why(failure), failure);
            }
            Thread.sleep(backoffMillis);
            backoffMillis = Math.min(backoffMillis * 2, 250);
        }
    }

    /** Runs a fixed command line without the wrapper (kill, probes); returns its output or {@code null} on failure. */
    static String raw(ClientSession session, String commandLine, Deadline deadline) throws InterruptedException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ChannelExec channel = null;
        try {
            channel = openChannel(session, commandLine, out, deadline, true);
            if (channel == null) {
                return null;
            }
            channel.getInvertedIn().close();
            CountDownLatch closed = new CountDownLatch(1);
            channel.addCloseFutureListener(f -> closed.countDown());
            if (!closed.await(deadline.remainingNanos(), TimeUnit.NANOSECONDS)) {
                return null;
            }
            Integer status = channel.getExitStatus();
            return status != null && status == 0 ? out.toString(StandardCharsets.UTF_8) : null;
        } catch (IOException | RuntimeException e) {
            return null;
        } finally {
            if (channel != null) {
                channel.close(true);
            }
        }
    }
}
