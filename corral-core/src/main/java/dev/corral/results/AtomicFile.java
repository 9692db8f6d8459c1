package dev.corral.results;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Objects;

import org.apiguardian.api.API;

/**
 * Replaces a file atomically: the content goes to a temporary file beside the target, is fsynced, and is renamed
 * over the target. Readers see either the old or the new file, never a half-written one, even when the process
 * is killed.
 *
 * <p>Uses {@code java.io} streams, which unlike {@code FileChannel} are not closed by an interrupt, so it also
 * works on a thread whose interrupt flag is set (writing reports after Ctrl-C). Thread-safe for distinct targets.
 */
@API(status = API.Status.EXPERIMENTAL)
public final class AtomicFile {

    /** Writes the content of a file to a stream; the stream is closed by {@link #write}. */
    @API(status = API.Status.EXPERIMENTAL)
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFile() {
    }

    /**
     * Replaces {@code target} with what {@code content} writes. Blocks for the write and one fsync.
     *
     * @throws ResultsException naming the file when it cannot be written; the target is then left unchanged
     */
    public static void write(Path target, Content content) {
        Objects.requireNonNull(target, "target must not be null");
        Objects.requireNonNull(content, "content must not be null");
        Path dir = target.toAbsolutePath().getParent();
        Path temp = dir.resolve("." + target.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-"
                + Thread.currentThread().threadId());
        try {
            try (FileOutputStream file = new FileOutputStream(temp.toFile())) {
                OutputStream out = new BufferedOutputStream(file, 64 * 1024);
                content.writeTo(out);
                out.flush();
                file.getFD().sync();
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // the write already failed; that error is the one to report
            }
            if (e instanceof ResultsException re) {
                throw re;
            }
            throw new ResultsException("cannot write " + target + ": " + e.getMessage()
                    + " (check free space and permissions)", e);
        }
    }

    /** Replaces {@code target} with {@code bytes}. */
    public static void write(Path target, byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes must not be null");
        write(target, out -> out.write(bytes));
    }
}
