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

import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run's journal, {@code results.jsonl}: one line per finished test attempt, appended by one writer and made
 * durable (written and fsynced) before {@link #append} returns, so a result counts only once it survives a
 * crash. Every report is regenerated from it.
 *
 * <h2>Line format (version 1)</h2>
 * Each line is one UTF-8 JSON object terminated by {@code \n}; the field names are stable:
 * <pre>{@code
 * {"v":1, "name":"/tests/login", "target":"default", "serial-number":3, "attempt":1,
 *  "result":"fail", "original-result":null, "note":["timeout"],
 *  "start-time":"2026-11-23T18:35:33.123456Z", "end-time":"2026-11-23T18:36:01.5Z",
 *  "machine":"local-1", "data-path":"tests/tests/login-3", "log":["tests/tests/login-3/output.txt"],
 *  "subresult":[{"name":"/setup", "result":"pass", "original-result":null, "note":[], "log":[],
 *                "start-time":null, "end-time":null}],
 *  "context":{"distro":["fedora-40"]}, "ids":{"id":"a1b2..."}, "extra":{"reboot-count":0}}
 * }</pre>
 * Outcomes use tmt's names; timestamps are ISO-8601 UTC with up to nanosecond precision; {@code null} marks an
 * absent optional value; unknown fields are ignored when reading, so later versions may add fields. Values in
 * {@code extra} should be strings, numbers, booleans, lists or maps.
 *
 * <h2>Crash tolerance</h2>
 * {@link #read} accepts a torn last line (a crash mid-write) and drops it, but rejects any other malformed line
 * with an error naming the file and line. {@link #open} on an existing journal drops such a torn tail before
 * appending, so the journal never gets a broken line in the middle.
 *
 * <p>Example:
 * <pre>{@code
 * try (Journal journal = Journal.open(dir.journalFile())) {
 *     journal.append(result);          // durable when this returns
 * }
 * List<TestResult> attempts = Journal.read(dir.journalFile());
 * }</pre>
 *
 * <p>Thread-safe: appends from several threads are serialized by a lock. Blocking: {@link #append} waits for one
 * write and one fsync. It uses {@code java.io}, which an interrupt does not close, so a worker whose interrupt flag
 * is set (a cancelled run) can still journal its result; the flag is left as it was.
 */
@API(status = API.Status.EXPERIMENTAL)
public final class Journal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);

    private final Path file;
    private final RandomAccessFile raf;
    private final ReentrantLock lock = new ReentrantLock();
    private long size;
    private boolean closed;

    private Journal(Path file, RandomAccessFile raf, long size) {
        this.file = file;
        this.raf = raf;
        this.size = size;
    }

    /**
     * Opens a journal for appending, creating the file when missing. A torn last line left by a crash is
     * completed when it is a whole record, dropped otherwise.
     *
     * @throws ResultsException when the file cannot be opened or repaired
     */
    public static Journal open(Path file) {
        Objects.requireNonNull(file, "file must not be null");
        boolean created = !Files.exists(file);
        RandomAccessFile raf;
        try {
            raf = new RandomAccessFile(file.toFile(), "rw");
        } catch (FileNotFoundException e) {
            throw new ResultsException("cannot open journal " + file + ": " + e.getMessage(), e);
        }
        try {
            long size = repairTail(file, raf);
            if (created) {
                syncDirectory(file);
            }
            return new Journal(file, raf, size);
        } catch (IOException | RuntimeException e) {
            try {
                raf.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            if (e instanceof ResultsException re) {
                throw re;
            }
            throw new ResultsException("cannot open journal " + file + ": " + e.getMessage(), e);
        }
    }

    /** The journal file. */
    public Path file() {
        return file;
    }

    /**
     * Appends one attempt as one line and fsyncs it. Returns only once the line is durable.
     *
     * @throws ResultsException when the result cannot be serialized or written; the journal is then left as it was
     *                          before the call (a partial line is cut off) and stays usable
     */
    public void append(TestResult result) {
        Objects.requireNonNull(result, "result must not be null");
        byte[] json;
        try {
            json = ResultJson.bytes(ResultJson.toJson(result));
        } catch (ResultJson.BadJson e) {
            throw new ResultsException("cannot journal " + result.name() + ": " + e.getMessage(), e);
        }
        byte[] line = new byte[json.length + 1];
        System.arraycopy(json, 0, line, 0, json.length);
        line[json.length] = '\n';
        lock.lock();
        try {
            if (closed) {
                throw new ResultsException("journal " + file + " is closed; cannot record " + result.name());
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
                throw new ResultsException("cannot write journal " + file + ": " + e.getMessage()
                        + " (check free space); result of " + result.name() + " was not recorded", e);
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
            throw new ResultsException("cannot close journal " + file + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Reads every attempt in journal order. A torn last line (no final newline and not a whole record) is
     * dropped; blank lines are skipped.
     *
     * @throws ResultsException when the file is missing or unreadable, or naming {@code file:line} when a line
     *                          other than a torn last one is not a valid record
     */
    public static List<TestResult> read(Path file) {
        Objects.requireNonNull(file, "file must not be null");
        byte[] bytes;
        try (FileInputStream in = new FileInputStream(file.toFile())) {
            bytes = in.readAllBytes();
        } catch (FileNotFoundException e) {
            if (!Files.exists(file)) {
                throw new ResultsException("no journal at " + file + ": is it a Corral results directory?",
                        new NoSuchFileException(file.toString()));
            }
            throw new ResultsException("cannot read journal " + file + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new ResultsException("cannot read journal " + file + ": " + e.getMessage(), e);
        }
        List<TestResult> results = new ArrayList<>();
        int start = 0;
        int lineNo = 0;
        while (start < bytes.length) {
            lineNo++;
            int end = indexOf(bytes, (byte) '\n', start);
            boolean torn = end < 0;
            int stop = torn ? bytes.length : end;
            if (!isBlank(bytes, start, stop)) {
                try {
                    results.add(ResultJson.testResult(ResultJson.parse(bytes, start, stop - start)));
                } catch (ResultJson.BadJson e) {
                    if (!torn) {
                        throw new ResultsException(file + ":" + lineNo + ": " + e.getMessage()
                                + " (the journal is corrupt: fix or delete that line)", e);
                    }
                    LOG.warn("{}:{}: ignoring a torn last line of {} bytes (a crash while writing)", file, lineNo,
                            stop - start);
                }
            }
            start = stop + 1;
        }
        return results;
    }

    /** Completes or cuts off a last line without newline; returns the resulting size. */
    private static long repairTail(Path file, RandomAccessFile raf) throws IOException {
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
        boolean whole;
        try {
            ResultJson.testResult(ResultJson.parse(tail, 0, tail.length));
            whole = true;
        } catch (ResultJson.BadJson e) {
            whole = isBlank(tail, 0, tail.length);
        }
        if (whole) {
            raf.seek(length);
            raf.write('\n');
            raf.getFD().sync();
            return length + 1;
        }
        LOG.warn("{}: dropping a torn last line of {} bytes left by a crash", file, tail.length);
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

    private static void syncDirectory(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // some file systems cannot open or sync a directory; the file's data is still synced per line
            LOG.debug("cannot fsync directory {}: {}", dir, e.toString());
        }
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
            byte b = bytes[i];
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }
}
