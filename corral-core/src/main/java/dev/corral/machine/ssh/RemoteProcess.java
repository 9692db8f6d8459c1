package dev.corral.machine.ssh;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.corral.CorralException;
import dev.corral.Deadline;
import dev.corral.machine.Command;
import dev.corral.machine.ConnectionException;
import dev.corral.machine.ExecResult;

import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelListener;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;
import org.apache.sshd.common.util.buffer.Buffer;

/**
 * One command running over one exec channel: pumps the output to the sinks (stripping the wrapper's
 * {@code TOKEN PID} line), feeds the wrapper header and standard input once the wrapper reported its process id,
 * and ends when the command exits (killing what it left behind holding its output), when the deadline expires or
 * when interrupted or aborted (killing the remote process group over the control channel first). Every wait is
 * bounded: {@link #run} returns at most {@link #KILL_GRACE} after the deadline. Used once, by one thread (plus
 * {@link #abort} from any thread).
 */
final class RemoteProcess {
    /** How long ending a command may take past its deadline: the kill, the channel close, the last output. */
    static final Duration KILL_GRACE = Duration.ofSeconds(10);
    /** After the command exited: how long its output may stay open before what holds it open is killed. */
    private static final Duration LEFTOVER_GRACE = Duration.ofMillis(200);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MARKER_SEARCH_LIMIT = 64 * 1024;
    private static final Duration REFUSED_RETRY = Duration.ofSeconds(30);
    private static final java.util.Set<Integer> BUSY = java.util.Set.of(SshConstants.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED,
            SshConstants.SSH_OPEN_CONNECT_FAILED, SshConstants.SSH_OPEN_RESOURCE_SHORTAGE);

    private final SshSession session;
    private final SshSession.Live live;
    private final Invocation invocation;
    private final String token;
    private final CompletableFuture<Long> pid = new CompletableFuture<>();
    private final BoundedCapture capturedOut = new BoundedCapture(Command.CAPTURE_LIMIT);
    private final BoundedCapture capturedErr = new BoundedCapture(Command.CAPTURE_LIMIT);
    /** Counted down when the channel closed. */
    private final CountDownLatch closed = new CountDownLatch(1);
    /** Counted down when the command exited, the channel closed or the process was aborted. */
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Object headerLock = new Object();
    private boolean headerSent; // guarded by headerLock
    private boolean killing; // guarded by headerLock
    private volatile boolean aborted;
    private volatile IOException sinkFailure;

    RemoteProcess(SshSession session, SshSession.Live live, Invocation invocation) {
        this.session = session;
        this.live = live;
        this.invocation = invocation;
        byte[] nonce = new byte[8];
        RANDOM.nextBytes(nonce);
        this.token = "corral-" + HexFormat.of().formatHex(nonce);
    }

    /** Makes {@link #run} kill the command and fail with a {@link ConnectionException}; any thread, idempotent. */
    void abort() {
        aborted = true;
        stopped.countDown();
    }

    ExecResult run(Deadline deadline, long startNanos) throws InterruptedException {
        byte[] header = RemoteScript.header(invocation.argv(), invocation.env(), invocation.cwd());
        ChannelExec channel;
        try {
            channel = openChannel(live.session(), RemoteScript.commandLine(token), invocation.merge(), null, deadline);
        } catch (IOException | RuntimeException e) {
            throw live.session().isOpen() ? session.channelRefused(live, invocation, e) : session.lost(live, invocation, null, e);
        }
        if (channel == null) {
            return new ExecResult(-1, null, true, "", "", elapsed(startNanos));
        }
        channel.addCloseFutureListener(f -> {
            closed.countDown();
            stopped.countDown();
        });
        channel.addChannelListener(new ChannelListener() {
            @Override
            public void channelStateChanged(Channel c, String hint) {
                if (hasExited(channel)) {
                    stopped.countDown();
                }
            }
        });
        if (hasExited(channel)) {
            stopped.countDown();
        }
        OutputStream out = invocation.stdout() != null ? invocation.stdout() : capturedOut;
        OutputStream err = invocation.stderr() != null ? invocation.stderr() : capturedErr;
        OutputStream toChannel = channel.getInvertedIn();
        InputStream fromOut = channel.getInvertedOut();
        InputStream fromErr = channel.getInvertedErr();
        Thread feeder = Thread.ofVirtual().name("ssh-stdin").start(() -> feed(toChannel, header, deadline));
        Thread outPump = Thread.ofVirtual().name("ssh-stdout").start(() -> pumpStdout(fromOut, out));
        Thread errPump = invocation.merge() ? null : Thread.ofVirtual().name("ssh-stderr").start(() -> pump(fromErr, err));
        try {
            boolean inTime = stopped.await(deadline.remainingNanos(), TimeUnit.NANOSECONDS);
            if (aborted && closed.getCount() > 0) {
                kill(channel);
                throw new ConnectionException("the SSH connection to " + session.target().address()
                        + " was closed while running " + invocation.what());
            }
            if (!inTime) {
                kill(channel);
            } else if (!closed.await(LEFTOVER_GRACE.toNanos(), TimeUnit.NANOSECONDS)) {
                endLeftovers(channel, deadline);
            }
            drain(outPump, errPump);
            return result(channel, startNanos, !inTime);
        } catch (InterruptedException e) {
            kill(channel);
            throw e;
        } finally {
            channel.close(true);
            feeder.interrupt();
        }
    }

    private static boolean hasExited(ChannelExec channel) {
        return channel.getExitStatus() != null || channel.getExitSignal() != null;
    }

    /**
     * The command exited but its output is still open: processes it started in the background hold it. Kills its
     * process group (what already reached the pipe still arrives) and waits for the rest of the output.
     */
    private void endLeftovers(ChannelExec channel, Deadline deadline) throws InterruptedException {
        long remotePid = pid.getNow(-1L);
        Deadline grace = Deadline.after(KILL_GRACE);
        if (remotePid > 0) {
            session.log().debug("{} exited leaving processes behind that hold its output; killing them", invocation.what());
            session.kill(live, remotePid, token, grace);
        }
        // the output after the exit may still be on its way: wait for it until the deadline, at least the grace
        long wait = Math.max(deadline.remainingNanos(), grace.remainingNanos());
        if (!closed.await(wait, TimeUnit.NANOSECONDS)) {
            session.log().debug("the output of {} is still open after its processes were killed; not waiting for it",
                    invocation.what());
            channel.close(true);
        }
    }

    private ExecResult result(ChannelExec channel, long startNanos, boolean timedOut) {
        Integer status = channel.getExitStatus();
        String signal = channel.getExitSignal();
        if (!timedOut && status == null && signal == null) {
            long remotePid = pid.getNow(-1L);
            if (remotePid > 0) {
                session.noteOrphan(live, remotePid);
            }
            throw session.lost(live, invocation, "the channel closed without an exit status", null);
        }
        if (sinkFailure != null) {
            throw new CorralException("cannot write the output of " + invocation.what() + ": " + Futures.why(sinkFailure), sinkFailure);
        }
        String signalName = signal == null ? null : Signals.normalize(signal);
        int code = signalName != null ? Signals.exitCode(signalName) : status != null ? status : -1;
        return new ExecResult(code, signalName, timedOut, capturedOut.text(), capturedErr.text(), elapsed(startNanos));
    }

    /**
     * Kills the remote process group (or, before the wrapper got its header, keeps the command from ever starting)
     * and closes the channel, within {@link #KILL_GRACE}. Keeps the interrupt status of the calling thread.
     */
    private void kill(ChannelExec channel) {
        boolean interrupted = Thread.interrupted();
        Deadline grace = Deadline.after(KILL_GRACE);
        try {
            long group;
            synchronized (headerLock) {
                killing = true;
                group = headerSent ? pid.getNow(-1L) : -1L;
            }
            // without its header the wrapper exits with 125 when the channel closes, running nothing
            if (group <= 0 || !session.kill(live, group, token, grace)) {
                signal(channel, "KILL"); // the command's (or its login shell's) process itself
            }
            if (!closed.await(grace.remainingNanos(), TimeUnit.NANOSECONDS)) {
                channel.close(true);
            }
        } catch (InterruptedException again) {
            interrupted = true;
            channel.close(true);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Sends a signal request (RFC 4254 6.9; OpenSSH 8.1 and later obey it); best effort. */
    private static void signal(ChannelExec channel, String name) {
        try {
            Buffer buffer = channel.getSession().createBuffer(SshConstants.SSH_MSG_CHANNEL_REQUEST, 32);
            buffer.putUInt(channel.getRecipient());
            buffer.putString("signal");
            buffer.putBoolean(false);
            buffer.putString(name);
            channel.writePacket(buffer);
        } catch (IOException | RuntimeException e) {
            // the channel is going away anyway
        }
    }

    /** Waits for the pumps to deliver the output; a pump still blocked after the grace is interrupted. */
    private static void drain(Thread outPump, Thread errPump) throws InterruptedException {
        Deadline grace = Deadline.after(KILL_GRACE);
        for (Thread pump : new Thread[] {outPump, errPump}) {
            if (pump != null && !pump.join(grace.remaining())) {
                pump.interrupt();
            }
        }
    }

    /**
     * Sends the header once the wrapper reported its process id (so a command is either killable or never
     * started), then the standard input; closing the stream sends EOF.
     */
    private void feed(OutputStream toChannel, byte[] header, Deadline deadline) {
        try (toChannel) {
            pid.get(deadline.remainingNanos(), TimeUnit.NANOSECONDS);
            synchronized (headerLock) {
                if (killing) {
                    return;
                }
                headerSent = true;
            }
            toChannel.write(header);
            toChannel.flush();
            if (invocation.stdin() != null) {
                invocation.stdin().transferTo(toChannel);
            }
        } catch (IOException | RuntimeException | ExecutionException | TimeoutException e) {
            // the command ended (or was killed) without reading all of its input
        } catch (InterruptedException e) {
            // the command is over
        }
    }

    private void pumpStdout(InputStream in, OutputStream sink) {
        byte[] marker = (token + " ").getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream pending = new ByteArrayOutputStream();
        byte[] buffer = new byte[32 * 1024];
        boolean found = false;
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (found) {
                    deliver(sink, buffer, 0, n);
                    continue;
                }
                pending.write(buffer, 0, n);
                byte[] seen = pending.toByteArray();
                int at = indexOf(seen, marker, 0);
                int newline = at < 0 ? -1 : indexOf(seen, new byte[] {'\n'}, at);
                if (newline >= 0) {
                    pid.complete(parsePid(new String(seen, at + marker.length, newline - at - marker.length, StandardCharsets.US_ASCII)));
                    found = true;
                    deliver(sink, seen, newline + 1, seen.length - newline - 1);
                } else if (seen.length > MARKER_SEARCH_LIMIT) {
                    found = true;
                    pid.complete(-1L);
                    deliver(sink, seen, 0, seen.length);
                }
            }
        } catch (IOException | RuntimeException e) {
            // channel closed under us: whatever arrived was delivered
        } finally {
            if (!found) {
                byte[] seen = pending.toByteArray();
                deliver(sink, seen, 0, seen.length); // the wrapper never ran: show what the login shell said
                pid.complete(-1L);
            }
        }
    }

    private void pump(InputStream in, OutputStream sink) {
        byte[] buffer = new byte[32 * 1024];
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                deliver(sink, buffer, 0, n);
            }
        } catch (IOException | RuntimeException e) {
            // channel closed under us
        }
    }

    /** Writes to the sink; after a sink failure keeps draining the channel so that the command is not blocked. */
    private void deliver(OutputStream sink, byte[] b, int off, int len) {
        if (len <= 0 || sinkFailure != null) {
            return;
        }
        try {
            sink.write(b, off, len);
        } catch (IOException e) {
            sinkFailure = e;
        }
    }

    private static long parsePid(String text) {
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            return -1L;
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static Duration elapsed(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /**
     * Opens an exec channel. OpenSSH frees a session slot only when it garbage-collects a closed channel, so an
     * open right after a close can be refused ({@code MaxSessions}; OpenSSH 9 answers "open failed" with reason
     * 2, older versions 1): such refusals are retried with backoff while the session lives, for at most
     * {@link #REFUSED_RETRY}.
     *
     * @param out sink for stdout (stderr discarded), or {@code null} to use the channel's streams
     * @return the open channel, or {@code null} when the deadline expired first
     * @throws IOException when the server refused the channel for another reason or the session died
     */
    static ChannelExec openChannel(ClientSession session, String commandLine, boolean merge, OutputStream out,
                                   Deadline deadline) throws IOException, InterruptedException {
        long backoffMillis = 5;
        Deadline retryUntil = deadline.min(REFUSED_RETRY);
        while (true) {
            ChannelExec channel = session.createExecChannel(commandLine);
            channel.setRedirectErrorStream(merge);
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
            if (!busy || !session.isOpen() || retryUntil.remaining().toMillis() <= backoffMillis) {
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
            channel = openChannel(session, commandLine, false, out, deadline);
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
