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
import java.util.concurrent.TimeUnit;

import dev.corral.Deadline;
import dev.corral.machine.Command;

import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelListener;
import org.apache.sshd.common.util.buffer.Buffer;

/**
 * An exec channel running the {@link RemoteScript wrapper}, whose output is pumped from the moment it opens: the
 * wrapper's {@code TOKEN PID} line is stripped and its process id kept, and the wrapper then waits for its header.
 * The channel can thus be opened ahead of time ({@link SshSession} keeps one ready) and a command started on it
 * later without waiting for sshd and the login shell.
 *
 * <p>Output arriving before a command {@link #attach attached} its sinks is kept and delivered on attach. Both
 * pumps deliver under one lock, so merged standard error interleaves with standard output. Thread-safe.
 */
final class WrapperChannel {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MARKER_SEARCH_LIMIT = 64 * 1024;

    private final ChannelExec channel;
    private final SshSession.Live live;
    private final String token;
    private final CompletableFuture<Long> pid = new CompletableFuture<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Object sinkLock = new Object();
    private final ByteArrayOutputStream pendingOut = new ByteArrayOutputStream(); // guarded by sinkLock
    private final ByteArrayOutputStream pendingErr = new ByteArrayOutputStream(); // guarded by sinkLock
    private OutputStream out; // guarded by sinkLock
    private OutputStream err; // guarded by sinkLock
    private IOException sinkFailure; // guarded by sinkLock
    private Thread outPump;
    private Thread errPump;

    private WrapperChannel(ChannelExec channel, SshSession.Live live, String token) {
        this.channel = channel;
        this.live = live;
        this.token = token;
    }

    /** A fresh token, unique per command: {@code corral-} and 16 hex digits. */
    static String newToken() {
        byte[] nonce = new byte[8];
        RANDOM.nextBytes(nonce);
        return "corral-" + HexFormat.of().formatHex(nonce);
    }

    /**
     * Opens a channel running the wrapper and starts pumping its output.
     *
     * @param retryRefusals whether refusals by a busy server are retried (see {@link RemoteProcess#openChannel})
     * @return the channel, or {@code null} when the deadline expired before the server answered
     * @throws IOException when the server refused the channel or the session died
     */
    static WrapperChannel open(SshSession.Live live, Deadline deadline, boolean retryRefusals)
            throws IOException, InterruptedException {
        String token = newToken();
        ChannelExec exec = RemoteProcess.openChannel(live.session(), RemoteScript.commandLine(token), null, deadline,
                retryRefusals);
        if (exec == null) {
            return null;
        }
        WrapperChannel wrapper = new WrapperChannel(exec, live, token);
        wrapper.start();
        return wrapper;
    }

    private void start() {
        channel.addCloseFutureListener(f -> {
            closed.countDown();
            stopped.countDown();
        });
        channel.addChannelListener(new ChannelListener() {
            @Override
            public void channelStateChanged(Channel c, String hint) {
                if (hasExited()) {
                    stopped.countDown();
                }
            }
        });
        if (hasExited()) {
            stopped.countDown();
        }
        InputStream fromOut = channel.getInvertedOut();
        InputStream fromErr = channel.getInvertedErr();
        outPump = Thread.ofVirtual().name("ssh-stdout").start(() -> pumpStdout(fromOut));
        errPump = Thread.ofVirtual().name("ssh-stderr").start(() -> pumpStderr(fromErr));
    }

    SshSession.Live live() {
        return live;
    }

    String token() {
        return token;
    }

    /** The wrapper's process id (the command's process group), {@code -1} when it never reported one. */
    CompletableFuture<Long> pid() {
        return pid;
    }

    /** Whether a command can still start on this channel: open, and its wrapper started or still starting. */
    boolean usable() {
        return pid.getNow(1L) > 0 && stopped.getCount() > 0 && channel.isOpen() && live.session().isOpen();
    }

    /** Sets where the output goes (with {@code err == out} when merged) and delivers what arrived before. */
    void attach(OutputStream out, OutputStream err) {
        synchronized (sinkLock) {
            this.out = out;
            this.err = err;
            deliver(out, pendingOut.toByteArray(), 0, pendingOut.size());
            deliver(err, pendingErr.toByteArray(), 0, pendingErr.size());
            pendingOut.reset();
            pendingErr.reset();
        }
    }

    /** The command's standard input; closing it sends EOF. */
    OutputStream input() {
        return channel.getInvertedIn();
    }

    /** Waits until the command exited or the channel closed (or {@link #wake}); {@code false} at the deadline. */
    boolean awaitStopped(Deadline deadline) throws InterruptedException {
        return stopped.await(deadline.remainingNanos(), TimeUnit.NANOSECONDS);
    }

    /** Ends {@link #awaitStopped} early. */
    void wake() {
        stopped.countDown();
    }

    boolean isClosed() {
        return closed.getCount() == 0;
    }

    /** Waits until the channel closed; {@code false} when it is still open after {@code nanos}. */
    boolean awaitClosed(long nanos) throws InterruptedException {
        return closed.await(nanos, TimeUnit.NANOSECONDS);
    }

    Integer exitStatus() {
        return channel.getExitStatus();
    }

    String exitSignal() {
        return channel.getExitSignal();
    }

    /** The first failure of a sink, or {@code null}. */
    IOException sinkFailure() {
        synchronized (sinkLock) {
            return sinkFailure;
        }
    }

    /** Waits for the pumps to deliver the output; a pump still blocked after the grace is interrupted. */
    void drain(Duration grace) throws InterruptedException {
        Deadline until = Deadline.after(grace);
        for (Thread pump : new Thread[] {outPump, errPump}) {
            if (!pump.join(until.remaining())) {
                pump.interrupt();
            }
        }
    }

    /** Sends a signal request (RFC 4254 6.9; OpenSSH 8.1 and later obey it); best effort. */
    void signal(String name) {
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

    /** Closes the channel at once; a wrapper still waiting for its header then exits without running anything. */
    void close() {
        channel.close(true);
    }

    private boolean hasExited() {
        return channel.getExitStatus() != null || channel.getExitSignal() != null;
    }

    private void pumpStdout(InputStream in) {
        byte[] marker = (token + " ").getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream seenSoFar = new ByteArrayOutputStream();
        byte[] buffer = new byte[32 * 1024];
        boolean found = false;
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (found) {
                    deliverOut(buffer, 0, n);
                    continue;
                }
                seenSoFar.write(buffer, 0, n);
                byte[] seen = seenSoFar.toByteArray();
                int at = indexOf(seen, marker, 0);
                int newline = at < 0 ? -1 : indexOf(seen, new byte[] {'\n'}, at);
                if (newline >= 0) {
                    found = true;
                    pid.complete(parsePid(new String(seen, at + marker.length, newline - at - marker.length, StandardCharsets.US_ASCII)));
                    deliverOut(seen, newline + 1, seen.length - newline - 1); // the login shell's noise before is dropped
                } else if (seen.length > MARKER_SEARCH_LIMIT) {
                    found = true;
                    pid.complete(-1L);
                    deliverOut(seen, 0, seen.length);
                }
            }
        } catch (IOException | RuntimeException e) {
            // channel closed under us: whatever arrived was delivered
        } finally {
            if (!found) {
                byte[] seen = seenSoFar.toByteArray();
                deliverOut(seen, 0, seen.length); // the wrapper never ran: show what the login shell said
                pid.complete(-1L);
            }
        }
    }

    private void pumpStderr(InputStream in) {
        byte[] buffer = new byte[32 * 1024];
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                synchronized (sinkLock) {
                    if (err == null) {
                        keep(pendingErr, buffer, 0, n);
                    } else {
                        deliver(err, buffer, 0, n);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // channel closed under us
        }
    }

    /** Keeps output that arrived before a command attached, up to {@link Command#CAPTURE_LIMIT} bytes. */
    private static void keep(ByteArrayOutputStream pending, byte[] b, int off, int len) {
        pending.write(b, off, Math.max(0, Math.min(len, Command.CAPTURE_LIMIT - pending.size())));
    }

    private void deliverOut(byte[] b, int off, int len) {
        synchronized (sinkLock) {
            if (out == null) {
                keep(pendingOut, b, off, len);
            } else {
                deliver(out, b, off, len);
            }
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
}
