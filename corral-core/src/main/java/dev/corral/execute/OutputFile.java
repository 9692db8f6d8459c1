package dev.corral.execute;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The test's {@code output.txt}, written while the test runs. Appends (tmt keeps the output of every run of a
 * rebooted test) and never buffers in memory beyond one write: every write reaches the operating system at once,
 * so a killed Corral loses no output. It is not fsynced: the journal is the durable record of a result, and one
 * more fsync per test would cost more than the test itself on many disks.
 * A write failure (disk full) does not stop the test: the first failure is remembered and later writes are
 * dropped, so that the result can say the output is incomplete.
 */
final class OutputFile extends OutputStream {
    private final FileChannel channel;
    private final OutputStream out;
    private volatile IOException failure;

    private OutputFile(FileChannel channel) {
        this.channel = channel;
        this.out = java.nio.channels.Channels.newOutputStream(channel);
    }

    static OutputFile append(Path path) throws IOException {
        return new OutputFile(FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND));
    }

    @Override
    public synchronized void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        if (failure != null) {
            return;
        }
        try {
            out.write(b, off, len);
        } catch (IOException e) {
            failure = e;
        }
    }

    /** Appends text (timeout hints). */
    synchronized void append(String text) {
        byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        write(bytes, 0, bytes.length);
    }

    /** The first write failure, or {@code null}. */
    IOException failure() {
        return failure;
    }

    @Override
    public synchronized void close() {
        try {
            channel.close();
        } catch (IOException e) {
            if (failure == null) {
                failure = e;
            }
        }
    }
}
