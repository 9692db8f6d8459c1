package dev.corral.machine;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import org.apiguardian.api.API;

/**
 * Keeps the first {@code limit} bytes written and drops the rest: the captured output of a command, for
 * {@link Connection} implementations. Thread-safe.
 */
@API(status = API.Status.INTERNAL)
public final class BoundedCapture extends OutputStream {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final int limit;

    /** Keeps up to {@link Command#CAPTURE_LIMIT} bytes. */
    public BoundedCapture() {
        this(Command.CAPTURE_LIMIT);
    }

    /** Keeps up to {@code limit} bytes. */
    public BoundedCapture(int limit) {
        this.limit = limit;
    }

    @Override
    public synchronized void write(int b) {
        if (bytes.size() < limit) {
            bytes.write(b);
        }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        int room = Math.min(len, limit - bytes.size());
        if (room > 0) {
            bytes.write(b, off, room);
        }
    }

    /** What was kept, decoded as UTF-8. */
    public synchronized String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
