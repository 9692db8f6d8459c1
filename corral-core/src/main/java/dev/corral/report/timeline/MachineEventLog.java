package dev.corral.report.timeline;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.corral.json.Json;
import dev.corral.results.DurableLines;
import dev.corral.results.ResultsDir;
import dev.corral.results.ResultsException;
import dev.corral.schedule.RunListener;

import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

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

    private static final String WHAT = "machine event log";

    private final DurableLines lines;
    private final InstantSource clock;

    private MachineEventLog(DurableLines lines, InstantSource clock) {
        this.lines = lines;
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
        Objects.requireNonNull(clock, "clock must not be null");
        return new MachineEventLog(DurableLines.open(file, WHAT, MachineEventLog::isEvent), clock);
    }

    /** The log file. */
    public Path file() {
        return lines.file();
    }

    /**
     * Appends one event and fsyncs it.
     *
     * @throws ResultsException when the log is closed or cannot be written; the file is then left as it was
     */
    public void append(MachineEvent event) {
        Objects.requireNonNull(event, "event must not be null");
        lines.append(line(event), event.kind().jsonName() + " of " + event.machine());
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
        lines.close();
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
        return DurableLines.read(file, WHAT, (bytes, offset, length) -> {
            try {
                return parse(bytes, offset, length);
            } catch (IllegalArgumentException | JacksonException | DateTimeParseException | ArithmeticException e) {
                throw new DurableLines.BadLine("invalid machine event: " + message(e), e);
            }
        });
    }

    // ---------------------------------------------------------------- internals

    private static boolean isEvent(byte[] line) {
        try {
            parse(line, 0, line.length);
            return true;
        } catch (IllegalArgumentException | JacksonException | DateTimeParseException | ArithmeticException e) {
            return false;
        }
    }

    private void record(MachineEvent.Kind kind, String target, String machine, String detail, Duration took) {
        append(new MachineEvent(kind, clock.instant(), target, machine, detail, took));
    }

    private static byte[] line(MachineEvent e) {
        return Json.bytes(json -> {
            json.writeStartObject();
            json.writeNumberProperty("v", VERSION);
            json.writeStringProperty("event", e.kind().jsonName());
            json.writeStringProperty("time", e.time().toString());
            json.writeStringProperty("target", e.target());
            json.writeStringProperty("machine", e.machine());
            if (e.detail() != null) {
                json.writeStringProperty("detail", e.detail());
            }
            if (e.took() != null) {
                // seconds with up to nine decimals, never in exponent notation
                json.writeName("took");
                json.writeNumber(seconds(e.took()));
            }
            json.writeEndObject();
        });
    }

    /** The event on one line, or {@code null} for an unknown kind. */
    private static MachineEvent parse(byte[] bytes, int offset, int length) {
        Map<String, Object> fields = new HashMap<>();
        Duration took = null;
        try (JsonParser json = Json.parser(bytes, offset, length)) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("expected a JSON object");
            }
            while (json.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = json.currentName();
                JsonToken token = json.nextToken();
                if (name.equals("took")) {
                    if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
                        took = duration(json.getString());
                    } else if (token != JsonToken.VALUE_NULL) {
                        throw new IllegalArgumentException("'took' must be a number of seconds");
                    }
                } else {
                    fields.put(name, scalar(json, token));
                }
            }
            if (json.nextToken() != null) {
                throw new IllegalArgumentException("content after the event's object");
            }
        }
        Object v = fields.get("v");
        if (v != null && (!(v instanceof Integer version) || version > VERSION)) {
            throw new IllegalArgumentException("unsupported version " + v + "; use a newer Corral");
        }
        MachineEvent.Kind kind = MachineEvent.Kind.parse(text(fields, "event", true));
        if (kind == null) {
            return null;
        }
        return new MachineEvent(kind, Instant.parse(text(fields, "time", true)), text(fields, "target", true),
                text(fields, "machine", true), text(fields, "detail", false), took);
    }

    /**
     * A duration as seconds with up to nine decimals, without trailing zeros or an exponent ({@code 0.030095532},
     * {@code 5}, {@code 1.5}). Written by hand: {@link BigDecimal}'s first use costs a run ~8 ms.
     */
    static String seconds(Duration d) {
        if (d.isNegative()) {
            return BigDecimal.valueOf(d.getSeconds()).add(BigDecimal.valueOf(d.getNano(), 9)).stripTrailingZeros()
                    .toPlainString();
        }
        int nanos = d.getNano();
        if (nanos == 0) {
            return Long.toString(d.getSeconds());
        }
        String fraction = Integer.toString(1_000_000_000 + nanos).substring(1);
        int end = fraction.length();
        while (fraction.charAt(end - 1) == '0') {
            end--;
        }
        return d.getSeconds() + "." + fraction.substring(0, end);
    }

    /** The duration of a number of seconds as {@link #seconds} writes it; other notations through BigDecimal. */
    static Duration duration(String seconds) {
        int dot = seconds.indexOf('.');
        String whole = dot < 0 ? seconds : seconds.substring(0, dot);
        String fraction = dot < 0 ? "" : seconds.substring(dot + 1);
        if (!whole.isEmpty() && whole.length() <= 18 && whole.chars().allMatch(Character::isDigit)
                && fraction.length() <= 9 && fraction.chars().allMatch(Character::isDigit)
                && (dot < 0 || !fraction.isEmpty())) {
            int nanos = fraction.isEmpty() ? 0 : Integer.parseInt((fraction + "00000000").substring(0, 9));
            return Duration.ofSeconds(Long.parseLong(whole), nanos);
        }
        BigDecimal value = new BigDecimal(seconds);
        return Duration.ofSeconds(value.longValue(), value.remainder(BigDecimal.ONE).movePointRight(9).intValueExact());
    }

    /** A field's value: a string, an int, null, or {@link Other} for anything else (skipped when nested). */
    private static Object scalar(JsonParser json, JsonToken token) {
        return switch (token) {
            case VALUE_STRING -> json.getString();
            case VALUE_NULL -> null;
            case VALUE_NUMBER_INT -> json.getNumberType() == JsonParser.NumberType.INT ? (Object) json.getIntValue()
                    : new Other(json.getString());
            case START_OBJECT, START_ARRAY -> {
                json.skipChildren();
                yield new Other(token == JsonToken.START_OBJECT ? "an object" : "an array");
            }
            default -> new Other(json.getString());
        };
    }

    /** A value of a type no field of an event has, shown as JSON has it. */
    private record Other(String text) {
        @Override
        public String toString() {
            return text;
        }
    }

    private static String text(Map<String, Object> fields, String field, boolean required) {
        Object v = fields.get(field);
        if (v == null) {
            if (required) {
                throw new IllegalArgumentException("missing '" + field + "'");
            }
            return null;
        }
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException("'" + field + "' must be a string");
        }
        return s;
    }

    private static String message(Exception e) {
        return e instanceof JacksonException je ? je.getOriginalMessage() : e.getMessage();
    }

}
