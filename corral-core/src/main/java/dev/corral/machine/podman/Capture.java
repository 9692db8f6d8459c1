package dev.corral.machine.podman;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import dev.corral.machine.Command;

/** Captured output, capped at {@link Command#CAPTURE_LIMIT} bytes; the rest is dropped. Thread-safe. */
final class Capture extends OutputStream {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    @Override
    public synchronized void write(int b) {
        if (bytes.size() < Command.CAPTURE_LIMIT) {
            bytes.write(b);
        }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        int room = Command.CAPTURE_LIMIT - bytes.size();
        if (room > 0) {
            bytes.write(b, off, Math.min(room, len));
        }
    }

    synchronized String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** A view of {@code sink} whose writes are serialized, for two pumps writing to one sink. */
    static OutputStream shared(OutputStream sink) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                synchronized (this) {
                    sink.write(b);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                synchronized (this) {
                    sink.write(b, off, len);
                }
            }

            @Override
            public void flush() throws IOException {
                synchronized (this) {
                    sink.flush();
                }
            }
        };
    }
}
