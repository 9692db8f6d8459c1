package dev.corral.results;

import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An append-only file of lines, each written and fsynced before {@link #append} returns — the storage of the
 * journal and of the machine event log. A crash can only leave a torn last line: {@link #open} completes it when it
 * is a whole record and cuts it off otherwise, {@link #read} drops it; any other bad line is an error naming
 * {@code file:line}. A failed write is cut back, so the file never holds a partial line.
 *
 * <p>Thread-safe: appends are serialized by a lock. Uses {@code java.io}, which an interrupt does not close, so a
 * cancelled worker can still record its result.
 */
@API(status = API.Status.INTERNAL)
public final class DurableLines implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DurableLines.class);

    private final Path file;
    private final String what;
    private final RandomAccessFile raf;
    private final ReentrantLock lock = new ReentrantLock();
    private long size;
    private boolean closed;

    /** Parses one line; throws {@link BadLine} (or any runtime exception) when the line is not a record. */
    @FunctionalInterface
    public interface LineParser<T> {
        /** The record, or {@code null} to skip the line (e.g. a kind this version does not know). */
        T parse(byte[] bytes, int offset, int length) throws BadLine;
    }

    /** A line that is not a valid record; the message says why. */
    public static final class BadLine extends Exception {
        public BadLine(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private DurableLines(Path file, String what, RandomAccessFile raf, long size) {
        this.file = file;
        this.what = what;
        this.raf = raf;
        this.size = size;
    }

    /**
     * Opens the file for appending, creating it when missing (the directory entry is fsynced too).
     *
     * @param what  what the file is, for messages ({@code journal})
     * @param whole tells whether a torn last line is nevertheless a whole record (then it is completed)
     * @throws ResultsException naming the file when it cannot be opened or repaired
     */
    public static DurableLines open(Path file, String what, Predicate<byte[]> whole) {
        Objects.requireNonNull(file, "file must not be null");
        boolean created = !Files.exists(file);
        RandomAccessFile raf;
        try {
            raf = new RandomAccessFile(file.toFile(), "rw");
        } catch (FileNotFoundException e) {
            throw new ResultsException("cannot open " + what + " " + file + ": " + e.getMessage(), e);
        }
        try {
            long size = repairTail(file, what, raf, whole);
            if (created) {
                syncDirectory(file);
            }
            return new DurableLines(file, what, raf, size);
        } catch (IOException | RuntimeException e) {
            try {
                raf.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            if (e instanceof ResultsException re) {
                throw re;
            }
            throw new ResultsException("cannot open " + what + " " + file + ": " + e.getMessage(), e);
        }
    }

    /** The file. */
    public Path file() {
        return file;
    }

    /**
     * Appends {@code record} and a newline, and fsyncs. Returns only once the line is durable.
     *
     * @param subject what the record is about, for messages
     * @throws ResultsException when closed or the write fails; the file is then left as it was
     */
    public void append(byte[] record, String subject) {
        byte[] line = new byte[record.length + 1];
        System.arraycopy(record, 0, line, 0, record.length);
        line[record.length] = '\n';
        lock.lock();
        try {
            if (closed) {
                throw new ResultsException(what + " " + file + " is closed; cannot record " + subject);
            }
            try {
                raf.seek(size);
                raf.write(line);
                raf.getFD().sync();
                size += line.length;
            } catch (IOException e) {
                try {
                    raf.setLength(size);
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw new ResultsException("cannot write " + what + " " + file + ": " + e.getMessage()
                        + " (check free space); " + subject + " was not recorded", e);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Closes the file; safe to call twice. Appending afterwards fails. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (!closed) {
                closed = true;
                raf.close();
            }
        } catch (IOException e) {
            throw new ResultsException("cannot close " + what + " " + file + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Reads every record in file order; blank lines and lines the parser skips are left out, a torn last line is
     * dropped with a warning.
     *
     * @throws ResultsException when the file is missing or unreadable, or naming {@code file:line} for a bad line
     */
    public static <T> List<T> read(Path file, String what, LineParser<T> parser) {
        Objects.requireNonNull(file, "file must not be null");
        byte[] bytes;
        try (FileInputStream in = new FileInputStream(file.toFile())) {
            bytes = in.readAllBytes();
        } catch (FileNotFoundException e) {
            if (!Files.exists(file)) {
                throw new ResultsException("no " + what + " at " + file + ": is it a Corral results directory?",
                        new NoSuchFileException(file.toString()));
            }
            throw new ResultsException("cannot read " + what + " " + file + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new ResultsException("cannot read " + what + " " + file + ": " + e.getMessage(), e);
        }
        List<T> records = new ArrayList<>();
        int start = 0;
        int lineNo = 0;
        while (start < bytes.length) {
            lineNo++;
            int end = indexOf(bytes, (byte) '\n', start);
            boolean torn = end < 0;
            int stop = torn ? bytes.length : end;
            if (!isBlank(bytes, start, stop)) {
                try {
                    T record = parser.parse(bytes, start, stop - start);
                    if (record != null) {
                        records.add(record);
                    }
                } catch (BadLine | RuntimeException e) {
                    if (!torn) {
                        throw new ResultsException(file + ":" + lineNo + ": " + e.getMessage()
                                + " (the " + what + " is corrupt: fix or delete that line)", e);
                    }
                    LOG.warn("{}:{}: ignoring a torn last line of {} bytes (a crash while writing)", file, lineNo,
                            stop - start);
                }
            }
            start = stop + 1;
        }
        return records;
    }

    /** Completes or cuts off a last line without newline; returns the resulting size. */
    private static long repairTail(Path file, String what, RandomAccessFile raf, Predicate<byte[]> whole)
            throws IOException {
        long length = raf.length();
        if (length == 0) {
            return 0;
        }
        raf.seek(length - 1);
        if (raf.read() == '\n') {
            return length;
        }
        long lineStart = lastNewline(raf, length) + 1;
        byte[] tail = new byte[Math.toIntExact(length - lineStart)];
        raf.seek(lineStart);
        raf.readFully(tail);
        boolean complete;
        try {
            complete = isBlank(tail, 0, tail.length) || whole.test(tail);
        } catch (RuntimeException e) {
            complete = false;
        }
        if (complete) {
            raf.seek(length);
            raf.write('\n');
            raf.getFD().sync();
            return length + 1;
        }
        LOG.warn("{}: dropping a torn last line of {} bytes left by a crash ({})", file, tail.length, what);
        raf.setLength(lineStart);
        raf.getFD().sync();
        return lineStart;
    }

    private static long lastNewline(RandomAccessFile raf, long length) throws IOException {
        byte[] chunk = new byte[8192];
        long end = length;
        while (end > 0) {
            int n = (int) Math.min(chunk.length, end);
            raf.seek(end - n);
            raf.readFully(chunk, 0, n);
            for (int i = n - 1; i >= 0; i--) {
                if (chunk[i] == '\n') {
                    return end - n + i;
                }
            }
            end -= n;
        }
        return -1;
    }

    private static int indexOf(byte[] bytes, byte b, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isBlank(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != ' ' && bytes[i] != '\t' && bytes[i] != '\r') {
                return false;
            }
        }
        return true;
    }

    /** Makes a new file's directory entry durable. */
    private static void syncDirectory(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            LOG.debug("cannot fsync directory {}: {}", dir, e.toString());
        }
    }
}
