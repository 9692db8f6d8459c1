package dev.corral.machine.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;

/**
 * One output pipe of a {@link Spawner}, shared by the commands it runs one after the other: the bytes up to a
 * marker line ({@code MARKER[ STATUS]\n}, where {@code MARKER} is a secret of the spawner) are the current
 * command's output and go to its sink; the marker ends it. Read on a thread of its own for the spawner's life, so
 * the pipe never fills while no command waits.
 *
 * <p>A sink that fails is dropped until the next command, as {@link dev.corral.machine.OutputPump} drops one: the
 * command never blocks on a full pipe.
 */
final class MarkedStream {
    /** What {@link #awaitEnd} gives when the pipe closed (the spawner died). */
    static final int CLOSED = Integer.MIN_VALUE;
    /** What a marker without a status gives. */
    static final int NO_STATUS = -1;
    /** The longest marker line: the marker, a space, a status of at most 10 digits, the newline. */
    private static final int STATUS_ROOM = 12;

    private final InputStream in;
    private final byte[] marker;
    private final Logger log;
    private final LinkedBlockingQueue<Integer> ends = new LinkedBlockingQueue<>();
    /** The current command's sink; {@code null} between commands (bytes then are nobody's and dropped). */
    private volatile OutputStream sink;
    /** Whether the current sink still takes bytes; read and written by the reading thread only. */
    private boolean sinkOk;
    private OutputStream sinkOfOk;

    MarkedStream(InputStream in, byte[] marker, Logger log) {
        this.in = in;
        this.marker = marker;
        this.log = log;
    }

    /** Starts reading on a virtual thread. */
    void start(String name) {
        Thread.ofVirtual().name(name).start(this::read);
    }

    /** Sends what comes next, up to the next marker, to {@code to}. Called before the command is started. */
    void sendTo(OutputStream to) {
        sink = to;
    }

    /**
     * Waits for the end of the current command's output.
     *
     * @return the marker's status ({@link #NO_STATUS} without one), {@link #CLOSED} when the pipe closed first, or
     * {@code null} when {@code nanos} passed first
     */
    Integer awaitEnd(long nanos) throws InterruptedException {
        return ends.poll(nanos, TimeUnit.NANOSECONDS);
    }

    private void read() {
        byte[] buffer = new byte[64 * 1024];
        int held = 0; // bytes at the start of the buffer not yet passed on: a possible marker's start
        try (in) {
            int n;
            while ((n = in.read(buffer, held, buffer.length - held)) >= 0) {
                int length = held + n;
                int at = 0;
                while (true) {
                    int found = indexOf(buffer, at, length, marker);
                    if (found < 0) {
                        int keep = partialMarkerAtEnd(buffer, at, length);
                        pass(buffer, at, length - keep);
                        at = length - keep;
                        break;
                    }
                    int newline = indexOfNewline(buffer, found + marker.length, length);
                    if (newline < 0) {
                        if (length - found >= marker.length + STATUS_ROOM) {
                            // not a marker line after all (the spawner writes it whole): output
                            pass(buffer, at, found + 1);
                            at = found + 1;
                            continue;
                        }
                        pass(buffer, at, found);
                        at = found;
                        break;
                    }
                    pass(buffer, at, found);
                    end(status(buffer, found + marker.length, newline));
                    at = newline + 1;
                }
                held = length - at;
                System.arraycopy(buffer, at, buffer, 0, held);
            }
        } catch (IOException e) {
            log.debug("reading a spawner's output failed: {}", e.toString());
        } finally {
            ends.add(CLOSED);
        }
    }

    private void end(int status) {
        OutputStream current = sink;
        if (current != null && ok(current)) {
            try {
                current.flush();
            } catch (IOException | RuntimeException e) {
                log.debug("output sink failed at the end: {}", e.toString());
            }
        }
        sink = null;
        ends.add(status);
    }

    private void pass(byte[] bytes, int from, int to) {
        OutputStream current = sink;
        if (to <= from || current == null || !ok(current)) {
            return;
        }
        try {
            current.write(bytes, from, to - from);
        } catch (IOException | RuntimeException e) {
            sinkOk = false;
            log.debug("output sink failed, discarding the rest: {}", e.toString());
        }
    }

    /** Whether {@code current} has not failed (a new sink starts good). */
    private boolean ok(OutputStream current) {
        if (current != sinkOfOk) {
            sinkOfOk = current;
            sinkOk = true;
        }
        return sinkOk;
    }

    /** The status after a marker ({@code " 123"}), or {@link #NO_STATUS}. */
    private static int status(byte[] bytes, int from, int to) {
        if (to - from < 2 || bytes[from] != ' ' || to - from > STATUS_ROOM - 1) {
            return NO_STATUS;
        }
        long value = 0;
        for (int i = from + 1; i < to; i++) {
            int digit = bytes[i] - '0';
            if (digit < 0 || digit > 9) {
                return NO_STATUS;
            }
            value = value * 10 + digit;
        }
        return value > Integer.MAX_VALUE ? NO_STATUS : (int) value;
    }

    private static int indexOfNewline(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static int indexOf(byte[] bytes, int from, int to, byte[] needle) {
        byte first = needle[0];
        for (int i = from; i <= to - needle.length; i++) {
            if (bytes[i] == first && Arrays.equals(bytes, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }

    /** How many bytes at the end of {@code [from, to)} are the start of a marker. */
    private int partialMarkerAtEnd(byte[] bytes, int from, int to) {
        for (int k = Math.min(marker.length - 1, to - from); k > 0; k--) {
            if (Arrays.equals(bytes, to - k, to, marker, 0, k)) {
                return k;
            }
        }
        return 0;
    }
}
