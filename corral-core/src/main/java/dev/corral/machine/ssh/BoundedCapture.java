package dev.corral.machine.ssh;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Keeps the first {@code limit} bytes written and drops the rest. Thread-safe. */
final class BoundedCapture extends OutputStream {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final int limit;

    BoundedCapture(int limit) {
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
    synchronized String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
