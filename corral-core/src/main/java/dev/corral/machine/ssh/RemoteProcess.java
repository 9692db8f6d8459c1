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
import dev.corral.machine.ExecResult;

import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.future.OpenFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;

/**
 * One command running over one exec channel: feeds the wrapper header and standard input, pumps the output to the
 * sinks (stripping the wrapper's {@code TOKEN PID} line), and on deadline or interrupt kills the remote process
 * group over a second channel before returning. Used once, by one thread.
 */
final class RemoteProcess {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration PID_WAIT = Duration.ofSeconds(5);
    private static final Duration KILL_GRACE = Duration.ofSeconds(15);
    private static final Duration PUMP_DRAIN = Duration.ofSeconds(30);
    private static final int MARKER_SEARCH_LIMIT = 64 * 1024;
    private static final Duration REFUSED_RETRY = Duration.ofSeconds(30);
    private static final java.util.Set<Integer> BUSY = java.util.Set.of(SshConstants.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED,
            SshConstants.SSH_OPEN_CONNECT_FAILED, SshConstants.SSH_OPEN_RESOURCE_SHORTAGE);

    private final SshConnection connection;
    private final SshConnection.Live live;
    private final Invocation invocation;
    private final String token;
    private final CompletableFuture<Long> pid = new CompletableFuture<>();
    private final BoundedCapture capturedOut = new BoundedCapture(Command.CAPTURE_LIMIT);
    private final BoundedCapture capturedErr = new BoundedCapture(Command.CAPTURE_LIMIT);
    private volatile IOException sinkFailure;

    RemoteProcess(SshConnection connection, SshConnection.Live live, Invocation invocation) {
        this.connection = connection;
        this.live = live;
        this.invocation = invocation;
        byte[] nonce = new byte[8];
        RANDOM.nextBytes(nonce);
        this.token = "corral-" + HexFormat.of().formatHex(nonce);
    }

    ExecResult run(Deadline deadline, long startNanos) throws InterruptedException {
        byte[] header = RemoteScript.header(invocation.argv(), invocation.env(), invocation.cwd());
        ChannelExec channel;
        try {
            channel = openChannel(live.session(), RemoteScript.commandLine(token), invocation.merge(), null, deadline);
        } catch (IOException | RuntimeException e) {
            throw live.session().isOpen() ? connection.channelRefused(live, invocation, e) : connection.lost(live, invocation, null, e);
        }
        if (channel == null) {
            return new ExecResult(-1, null, true, "", "", elapsed(startNanos));
        }
        CountDownLatch closed = new CountDownLatch(1);
        channel.addCloseFutureListener(f -> closed.countDown());
        OutputStream out = invocation.stdout() != null ? invocation.stdout() : capturedOut;
        OutputStream err = invocation.stderr() != null ? invocation.stderr() : capturedErr;
        OutputStream toChannel = channel.getInvertedIn();
        InputStream fromOut = channel.getInvertedOut();
        InputStream fromErr = channel.getInvertedErr();
        Thread feeder = Thread.ofVirtual().name("ssh-stdin").start(() -> feed(toChannel, header));
        Thread outPump = Thread.ofVirtual().name("ssh-stdout").start(() -> pumpStdout(fromOut, out));
        Thread errPump = invocation.merge() ? null : Thread.ofVirtual().name("ssh-stderr").start(() -> pump(fromErr, err));
        try {
            boolean finished = closed.await(deadline.remainingNanos(), TimeUnit.NANOSECONDS);
            if (!finished) {
                kill(channel, closed);
            }
            drain(outPump, errPump);
            return result(channel, startNanos, !finished);
        } catch (InterruptedException e) {
            kill(channel, closed);
            throw e;
        } finally {
            channel.close(true);
            feeder.interrupt();
        }
    }

    private ExecResult result(ChannelExec channel, long startNanos, boolean timedOut) {
        Integer status = channel.getExitStatus();
        String signal = channel.getExitSignal();
        if (!timedOut && status == null && signal == null) {
            long remotePid = pid.getNow(-1L);
            if (remotePid > 0) {
                connection.noteOrphan(live, remotePid);
            }
            throw connection.lost(live, invocation, "the channel closed without an exit status", null);
        }
        if (sinkFailure != null) {
            throw new CorralException("cannot write the output of " + invocation.what() + ": " + Futures.why(sinkFailure), sinkFailure);
        }
        String signalName = signal == null ? null : Signals.normalize(signal);
        int code = signalName != null ? Signals.exitCode(signalName) : status != null ? status : -1;
        return new ExecResult(code, signalName, timedOut, capturedOut.text(), capturedErr.text(), elapsed(startNanos));
    }

    /** Kills the remote process group; keeps the interrupt status of the calling thread for the caller. */
    private void kill(ChannelExec channel, CountDownLatch closed) {
        boolean interrupted = Thread.interrupted();
        try {
            Long remotePid = awaitPid();
            if (remotePid != null && remotePid > 0) {
                connection.killGroup(live, remotePid);
            }
            if (!closed.await(KILL_GRACE.toNanos(), TimeUnit.NANOSECONDS)) {
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

    private Long awaitPid() throws InterruptedException {
        try {
            return pid.get(PID_WAIT.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return null;
        }
    }

    private static void drain(Thread outPump, Thread errPump) throws InterruptedException {
        for (Thread pump : new Thread[] {outPump, errPump}) {
            if (pump != null && !pump.join(PUMP_DRAIN)) {
                pump.interrupt();
            }
        }
    }

    private void feed(OutputStream toChannel, byte[] header) {
        try (toChannel) {
            toChannel.write(header);
            toChannel.flush();
            if (invocation.stdin() != null) {
                invocation.stdin().transferTo(toChannel);
            }
        } catch (IOException | RuntimeException e) {
            // the command ended (or was killed) without reading all of its input
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
