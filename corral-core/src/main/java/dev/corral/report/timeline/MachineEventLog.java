package dev.corral.report.timeline;

import java.io.ByteArrayInputStream;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

import dev.corral.results.ResultsDir;
import dev.corral.results.ResultsException;
import dev.corral.schedule.RunListener;

import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The pool's event log, {@code machines.jsonl} in the results directory: when machines were requested, became
 * ready, failed to provision, rebooted and were released. The HTML report draws provisioning and reboot spans
 * and computes the pool's utilisation from it. Register it as a {@link RunListener} of the run; like the
 * {@link dev.corral.results.Journal journal}, each event is written and fsynced before the call returns.
 *
 * <h2>Line format (version 1)</h2>
 * One UTF-8 JSON object per line:
 * <pre>{@code
 * {"v":1, "event":"provisioning-started", "time":"2026-11-23T18:35:33.5Z", "target":"default", "machine":"podman-1"}
 * {"v":1, "event":"machine-ready", "time":"...", "target":"default", "machine":"podman-1", "took":12.5}
 * {"v":1, "event":"provisioning-failed", "time":"...", "target":"default", "machine":"podman-2",
 *  "detail":"attempt 1: image not found"}
 * {"v":1, "event":"machine-rebooting", "time":"...", "target":"default", "machine":"podman-1",
 *  "detail":"/tests/kernel"}
 * {"v":1, "event":"machine-rebooted", "time":"...", "target":"default", "machine":"podman-1", "detail":"/tests/kernel",
 *  "took":41.2}
 * {"v":1, "event":"machine-released", "time":"...", "target":"default", "machine":"podman-1", "detail":"done"}
 * }</pre>
 * {@code time} is ISO-8601 UTC; {@code took} is in seconds; {@code detail} and {@code took} are left out when
 * absent. Readers ignore unknown fields and events. For provisioning events {@code machine} is the slot name.
 *
 * <pre>{@code
 * try (MachineEventLog events = MachineEventLog.open(dir)) {
 *     // pass it to the scheduler with the run's other listeners; it records only machine events
 *     events.machineReady("default", "podman-1", Duration.ofSeconds(12));
 * }
 * List<MachineEvent> recorded = MachineEventLog.read(dir);
 * }</pre>
 *
 * <p>Thread-safe: events from several worker threads are serialized by a lock. Blocking: each event waits for
 * one write and one fsync, with {@code java.io}, which an interrupt does not close. A write failure throws
 * {@link ResultsException} (a run's listener composite logs it; the run goes on).
 */
@API(status = API.Status.EXPERIMENTAL)
public final class MachineEventLog implements RunListener, AutoCloseable {
    /** The file name in the results directory. */
    public static final String FILE_NAME = "machines.jsonl";
    private static final int VERSION = 1;
    private static final Logger LOG = LoggerFactory.getLogger(MachineEventLog.class);
    private static final JsonMapper MAPPER = JsonMapper.builder().disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN).build();

    private final Path file;
    private final RandomAccessFile raf;
    private final InstantSource clock;
    private final ReentrantLock lock = new ReentrantLock();
    private long size;
    private boolean closed;

    private MachineEventLog(Path file, RandomAccessFile raf, long size, InstantSource clock) {
        this.file = file;
        this.raf = raf;
        this.size = size;
        this.clock = clock;
    }

    /** The event log file of a results directory ({@code DIR/machines.jsonl}); it may not exist. */
    public static Path file(ResultsDir dir) {
        return dir.path().resolve(FILE_NAME);
    }

    /** Opens the event log of a results directory for appending, stamping events with the system clock. */
    public static MachineEventLog open(ResultsDir dir) {
        Objects.requireNonNull(dir, "dir must not be null");
        return open(file(dir), InstantSource.system());
    }

    /**
     * Opens an event log for appending, creating it when missing; a torn last line left by a crash is cut off.
     *
     * @param clock stamps the events
     * @throws ResultsException naming the file when it cannot be opened
     */
    public static MachineEventLog open(Path file, InstantSource clock) {
        Objects.requireNonNull(file, "file must not be null");
        Objects.requireNonNull(clock, "clock must not be null");
        RandomAccessFile raf;
        try {
            raf = new RandomAccessFile(file.toFile(), "rw");
        } catch (FileNotFoundException e) {
            throw new ResultsException("cannot open machine event log " + file + ": " + e.getMessage(), e);
        }
        try {
            long length = raf.length();
            long keep = length;
            if (length > 0) {
                raf.seek(length - 1);
                if (raf.read() != '\n') {
                    keep = repairTail(file, raf, length);
                }
            }
            return new MachineEventLog(file, raf, keep, clock);
        } catch (IOException e) {
            try {
                raf.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new ResultsException("cannot open machine event log " + file + ": " + e.getMessage(), e);
        }
    }

    /** The log file. */
    public Path file() {
        return file;
    }

    /**
     * Appends one event and fsyncs it.
     *
     * @throws ResultsException when the log is closed or cannot be written; the file is then left as it was
     */
    public void append(MachineEvent event) {
        Objects.requireNonNull(event, "event must not be null");
        byte[] line = line(event);
        lock.lock();
        try {
            if (closed) {
                throw new ResultsException("machine event log " + file + " is closed; cannot record "
                        + event.kind().jsonName() + " of " + event.machine());
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
                throw new ResultsException("cannot write machine event log " + file + ": " + e.getMessage()
                        + " (check free space)", e);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void provisioningStarted(String target, String slot) {
        record(MachineEvent.Kind.PROVISIONING_STARTED, target, slot, null, null);
    }

    @Override
    public void machineReady(String target, String machineId, Duration took) {
        record(MachineEvent.Kind.MACHINE_READY, target, machineId, null, took);
    }

    @Override
    public void provisioningFailed(String target, String slot, String message, int attempt) {
        record(MachineEvent.Kind.PROVISIONING_FAILED, target, slot, "attempt " + attempt + ": " + message, null);
    }

    @Override
    public void machineReleased(String target, String machineId, String reason) {
        record(MachineEvent.Kind.MACHINE_RELEASED, target, machineId, reason, null);
    }

    @Override
    public void machineRebooting(String target, String machineId, String test) {
        record(MachineEvent.Kind.MACHINE_REBOOTING, target, machineId, test, null);
    }

    @Override
    public void machineRebooted(String target, String machineId, String test, Duration took) {
        record(MachineEvent.Kind.MACHINE_REBOOTED, target, machineId, test, took);
    }

    /** Closes the file; safe to call twice. Events arriving afterwards fail. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (!closed) {
                closed = true;
                raf.close();
            }
        } catch (IOException e) {
            throw new ResultsException("cannot close machine event log " + file + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    /** Reads the event log of a results directory; empty when it has none (an older run, or no pool events). */
    public static List<MachineEvent> read(ResultsDir dir) {
        Objects.requireNonNull(dir, "dir must not be null");
        Path f = file(dir);
        return Files.exists(f) ? read(f) : List.of();
    }

    /**
     * Reads every event in file order. A torn last line is dropped, blank lines and unknown events are skipped.
     *
     * @throws ResultsException when the file is unreadable, or naming {@code file:line} when another line is not
     *                          a valid event
     */
    public static List<MachineEvent> read(Path file) {
        Objects.requireNonNull(file, "file must not be null");
        byte[] bytes;
        try (FileInputStream in = new FileInputStream(file.toFile())) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new ResultsException("cannot read machine event log " + file + ": " + e.getMessage(), e);
        }
        List<MachineEvent> events = new ArrayList<>();
        int start = 0;
        int lineNo = 0;
        while (start < bytes.length) {
            lineNo++;
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            boolean torn = end == bytes.length;
            if (!blank(bytes, start, end)) {
                try {
                    MachineEvent e = parse(bytes, start, end - start);
                    if (e != null) {
                        events.add(e);
                    }
                } catch (IllegalArgumentException | JacksonException | DateTimeParseException | ArithmeticException e) {
                    if (!torn) {
                        throw new ResultsException(file + ":" + lineNo + ": invalid machine event: " + message(e)
                                + " (fix or delete that line)", e);
                    }
                    LOG.warn("{}:{}: ignoring a torn last line (a crash while writing)", file, lineNo);
                }
            }
            start = end + 1;
        }
        return events;
    }

    // ---------------------------------------------------------------- internals

    private void record(MachineEvent.Kind kind, String target, String machine, String detail, Duration took) {
        append(new MachineEvent(kind, clock.instant(), target, machine, detail, took));
    }

    private static byte[] line(MachineEvent e) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("v", VERSION);
        n.put("event", e.kind().jsonName());
        n.put("time", e.time().toString());
        n.put("target", e.target());
        n.put("machine", e.machine());
        if (e.detail() != null) {
            n.put("detail", e.detail());
        }
        if (e.took() != null) {
            n.put("took", BigDecimal.valueOf(e.took().getSeconds()).add(BigDecimal.valueOf(e.took().getNano(), 9))
                    .stripTrailingZeros());
        }
        byte[] json = MAPPER.writeValueAsBytes(n);
        byte[] line = new byte[json.length + 1];
        System.arraycopy(json, 0, line, 0, json.length);
        line[json.length] = '\n';
        return line;
    }

    /** The event on one line, or {@code null} for an unknown kind. */
    private static MachineEvent parse(byte[] bytes, int offset, int length) {
        JsonNode n = MAPPER.readTree(new ByteArrayInputStream(bytes, offset, length));
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("expected a JSON object");
        }
        JsonNode v = n.get("v");
        if (v != null && (!v.isInt() || v.intValue() > VERSION)) {
            throw new IllegalArgumentException("unsupported version " + v + "; use a newer Corral");
        }
        MachineEvent.Kind kind = MachineEvent.Kind.parse(text(n, "event", true));
        if (kind == null) {
            return null;
        }
        Duration took = null;
        JsonNode t = n.get("took");
        if (t != null && !t.isNull()) {
            if (!t.isNumber()) {
                throw new IllegalArgumentException("'took' must be a number of seconds");
            }
            BigDecimal seconds = t.decimalValue();
            took = Duration.ofSeconds(seconds.longValue(),
                    seconds.remainder(BigDecimal.ONE).movePointRight(9).intValueExact());
        }
        return new MachineEvent(kind, Instant.parse(text(n, "time", true)), text(n, "target", true),
                text(n, "machine", true), text(n, "detail", false), took);
    }

    private static String text(JsonNode n, String field, boolean required) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new IllegalArgumentException("missing '" + field + "'");
            }
            return null;
        }
        if (!v.isString()) {
            throw new IllegalArgumentException("'" + field + "' must be a string");
        }
        return v.stringValue();
    }

    private static String message(Exception e) {
        return e instanceof JacksonException je ? je.getOriginalMessage() : e.getMessage();
    }

    private static boolean blank(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != ' ' && b[i] != '\t' && b[i] != '\r') {
                return false;
            }
        }
        return true;
    }

    /** Completes a last line without newline when it is a whole event, cuts it off otherwise; returns the size. */
    private static long repairTail(Path file, RandomAccessFile raf, long length) throws IOException {
        long lineStart = lastNewline(raf, length) + 1;
        byte[] tail = new byte[Math.toIntExact(length - lineStart)];
        raf.seek(lineStart);
        raf.readFully(tail);
        boolean whole;
        try {
            parse(tail, 0, tail.length);
            whole = true;
        } catch (IllegalArgumentException | JacksonException | DateTimeParseException | ArithmeticException e) {
            whole = false;
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
        byte[] buf = new byte[8192];
        long pos = length;
        while (pos > 0) {
            int n = (int) Math.min(buf.length, pos);
            pos -= n;
            raf.seek(pos);
            raf.readFully(buf, 0, n);
            for (int i = n - 1; i >= 0; i--) {
                if (buf[i] == '\n') {
                    return pos + i;
                }
            }
        }
        return -1;
    }
}
