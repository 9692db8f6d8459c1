package dev.corral.report.history;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.corral.json.Json;
import dev.corral.results.Outcome;
import dev.corral.results.ResultsDir;

import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * How long each test took in earlier runs under the same results root: the sibling {@code run-*} directories of a
 * results directory (as {@code ResultsDir.create} makes them), started before it, at most the last {@code maxRuns}
 * of them. For every test (target and name) it keeps the duration and outcome of its final attempt in each run.
 *
 * <p>Cheap by construction: it reads {@code run.json} of each sibling to order them, then streams only the journals
 * of the chosen runs, picking six fields from each line. A sibling whose files are unreadable or corrupt is
 * skipped with a warning: history is a nicety, never a reason for a report to fail.
 *
 * <pre>{@code
 * DurationHistory history = DurationHistory.gather(dir, 10);
 * for (DurationHistory.Point p : history.points("default", "/tests/login")) { ... }
 * }</pre>
 *
 * <p>Immutable and thread-safe once gathered; {@link #gather} blocks for file reads (not interruptible I/O).
 */
@API(status = API.Status.EXPERIMENTAL)
public final class DurationHistory {
    private static final Logger LOG = LoggerFactory.getLogger(DurationHistory.class);
    private static final DurationHistory NONE = new DurationHistory(List.of(), Map.of());
    private static final Pattern STAMPED = Pattern.compile("run-(\\d{8}-\\d{6})-[a-z0-9-]+");
    /**
     * How much later than the time in its name a run may start: between its id and its run.json come discovery and
     * the clean-up after killed runs (up to two minutes). An hour leaves room.
     */
    private static final Duration NAME_LAG = Duration.ofHours(1);

    private final List<Run> runs;
    private final Map<String, List<Point>> points;

    /**
     * An earlier run.
     *
     * @param id    its run id (from {@code run.json}), or its directory name when that is missing
     * @param start when it started, from {@code run.json}, else the journal's modification time
     * @param dir   its results directory
     */
    @API(status = API.Status.EXPERIMENTAL)
    public record Run(String id, Instant start, Path dir) {
        public Run {
            Objects.requireNonNull(id, "id must not be null");
            Objects.requireNonNull(start, "start must not be null");
            Objects.requireNonNull(dir, "dir must not be null");
        }
    }

    /**
     * A test's final attempt in an earlier run.
     *
     * @param run      index in {@link #runs()}
     * @param duration its duration
     * @param outcome  its outcome
     */
    @API(status = API.Status.EXPERIMENTAL)
    public record Point(int run, Duration duration, Outcome outcome) {
    }

    private DurationHistory(List<Run> runs, Map<String, List<Point>> points) {
        this.runs = List.copyOf(runs);
        this.points = points;
    }

    /** No history. */
    public static DurationHistory none() {
        return NONE;
    }

    /**
     * Gathers the history of the tests of {@code current} from the at most {@code maxRuns} latest sibling
     * {@code run-*} directories that started before it.
     *
     * @param maxRuns how many earlier runs to read, 0 for none
     */
    public static DurationHistory gather(ResultsDir current, int maxRuns) {
        Objects.requireNonNull(current, "current must not be null");
        if (maxRuns < 0) {
            throw new IllegalArgumentException("maxRuns must be >= 0, was " + maxRuns);
        }
        if (maxRuns == 0) {
            return NONE;
        }
        Path self;
        try {
            self = current.path().toRealPath();
        } catch (IOException e) {
            return NONE;
        }
        Path parent = self.getParent();
        if (parent == null) {
            return NONE;
        }
        Instant currentStart = startOf(self);
        List<Sibling> siblings = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(parent, "run-*")) {
            for (Path sibling : entries) {
                if (!sibling.equals(self) && Files.isDirectory(sibling)
                        && Files.isRegularFile(sibling.resolve("results.jsonl"))) {
                    siblings.add(new Sibling(sibling, nameStamp(sibling)));
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot list earlier runs in {}: {}; the report shows no duration history", parent,
                    e.getMessage());
            return NONE;
        }
        // newest first by the time in the name, names without one first; run.json is read only until no run left
        // can be among the newest maxRuns
        siblings.sort(Comparator.comparing(Sibling::stamp, Comparator.nullsFirst(Comparator.<Instant>reverseOrder())));
        List<Run> candidates = new ArrayList<>();
        PriorityQueue<Instant> newest = new PriorityQueue<>();
        for (Sibling sibling : siblings) {
            if (sibling.stamp() != null && newest.size() == maxRuns
                    && sibling.stamp().plus(NAME_LAG).isBefore(newest.peek())) {
                break;
            }
            Run run = describe(sibling.dir());
            if (run != null && (currentStart == null || run.start().isBefore(currentStart))) {
                candidates.add(run);
                newest.add(run.start());
                if (newest.size() > maxRuns) {
                    newest.poll();
                }
            }
        }
        candidates.sort(Comparator.comparing(Run::start).thenComparing(Run::id));
        List<Run> chosen = candidates.subList(Math.max(0, candidates.size() - maxRuns), candidates.size());
        List<Run> runs = new ArrayList<>();
        Map<String, List<Point>> points = new HashMap<>();
        for (Run run : chosen) {
            Map<String, Last> finals;
            try {
                finals = finals(run.dir().resolve("results.jsonl"));
            } catch (IOException | JacksonException | IllegalArgumentException | DateTimeParseException e) {
                LOG.warn("skipping run {} in the duration history: cannot read its journal: {}", run.dir(),
                        e.getMessage());
                continue;
            }
            int index = runs.size();
            runs.add(run);
            for (Map.Entry<String, Last> e : finals.entrySet()) {
                Last l = e.getValue();
                points.computeIfAbsent(e.getKey(), k -> new ArrayList<>(4))
                        .add(new Point(index, l.duration, l.outcome));
            }
        }
        points.replaceAll((k, v) -> List.copyOf(v));
        return new DurationHistory(runs, points);
    }

    /** The earlier runs that were read, oldest first. */
    public List<Run> runs() {
        return runs;
    }

    /** The test's final attempts in {@link #runs()}, oldest first; empty when it ran in none of them. */
    public List<Point> points(String target, String name) {
        return points.getOrDefault(key(target, name), List.of());
    }

    private static String key(String target, String name) {
        return target + "\u0000" + name;
    }

    /** An earlier run's directory and the time in its name ({@link #nameStamp}), or null. */
    private record Sibling(Path dir, Instant stamp) {
    }

    /**
     * When a directory's name says its run was created ({@code run-yyyyMMdd-HHmmss-...}, as {@code RunId.generate}
     * names them, UTC), or null. A run starts after its id is made, and less than {@link #NAME_LAG} later.
     */
    static Instant nameStamp(Path dir) {
        Matcher m = STAMPED.matcher(dir.getFileName().toString());
        if (!m.matches()) {
            return null;
        }
        String d = m.group(1);
        try {
            return LocalDateTime.of(number(d, 0, 4), number(d, 4, 6), number(d, 6, 8), number(d, 9, 11),
                    number(d, 11, 13), number(d, 13, 15)).toInstant(ZoneOffset.UTC);
        } catch (DateTimeException e) {
            return null;
        }
    }

    private static int number(String digits, int from, int to) {
        return Integer.parseInt(digits, from, to, 10);
    }

    /** The start of a run directory: run.json's start-time, else the journal's modification time, else null. */
    private static Instant startOf(Path dir) {
        Run r = describe(dir);
        return r == null ? null : r.start();
    }

    private static Run describe(Path dir) {
        String id = dir.getFileName().toString();
        Instant start = null;
        Path runJson = dir.resolve("run.json");
        if (Files.isRegularFile(runJson)) {
            try {
                if (Json.read(runJson) instanceof Map<?, ?> node) {
                    if (node.get("id") instanceof String runId) {
                        id = runId;
                    }
                    if (node.get("start-time") instanceof String time) {
                        start = Instant.parse(time);
                    }
                }
            } catch (IOException | JacksonException | DateTimeParseException e) {
                LOG.debug("cannot read {}: {}", runJson, e.getMessage());
            }
        }
        if (start == null) {
            try {
                start = Files.getLastModifiedTime(dir.resolve("results.jsonl")).toInstant();
            } catch (IOException e) {
                return null;
            }
        }
        return new Run(id, start, dir);
    }

    private record Last(int attempt, Duration duration, Outcome outcome) {
    }

    /**
     * The final attempt of every test in a journal, with one streaming parser over the whole file (JSON Lines are a
     * sequence of root values); a torn last line (no final newline and not a whole record) is ignored.
     */
    private static Map<String, Last> finals(Path journal) throws IOException {
        Map<String, Last> finals = new HashMap<>();
        byte[] bytes;
        try (InputStream in = new FileInputStream(journal.toFile())) {
            bytes = in.readAllBytes();
        }
        int whole = bytes.length;
        while (whole > 0 && bytes[whole - 1] != '\n') {
            whole--;
        }
        parse(bytes, 0, whole, finals);
        if (whole < bytes.length) {
            try {
                parse(bytes, whole, bytes.length - whole, finals);
            } catch (JacksonException | IllegalArgumentException | DateTimeParseException e) {
                LOG.debug("{}: ignoring a torn last line", journal);
            }
        }
        return finals;
    }

    private static void parse(byte[] bytes, int offset, int length, Map<String, Last> finals) {
        try (JsonParser p = Json.parser(bytes, offset, length)) {
            JsonToken token;
            while ((token = p.nextToken()) != null) {
                if (token != JsonToken.START_OBJECT) {
                    throw new IllegalArgumentException("expected a JSON object per line");
                }
                record(p, finals);
            }
        }
    }

    /** Reads one journal record (the parser is at its start) and keeps it when it is the latest attempt. */
    private static void record(JsonParser p, Map<String, Last> finals) {
        String name = null;
        String target = null;
        int attempt = 1;
        String result = null;
        String startTime = null;
        String endTime = null;
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
            String field = p.currentName();
            JsonToken t = p.nextToken();
            switch (field) {
                case "name" -> name = t == JsonToken.VALUE_STRING ? p.getString() : null;
                case "target" -> target = t == JsonToken.VALUE_STRING ? p.getString() : null;
                case "attempt" -> attempt = t == JsonToken.VALUE_NUMBER_INT ? p.getIntValue() : 1;
                case "result" -> result = t == JsonToken.VALUE_STRING ? p.getString() : null;
                case "start-time" -> startTime = t == JsonToken.VALUE_STRING ? p.getString() : null;
                case "end-time" -> endTime = t == JsonToken.VALUE_STRING ? p.getString() : null;
                default -> p.skipChildren();
            }
        }
        if (name == null || target == null || result == null || startTime == null || endTime == null) {
            throw new IllegalArgumentException("a journal line lacks name, target, result or times");
        }
        String key = key(target, name);
        Last previous = finals.get(key);
        if (previous != null && attempt < previous.attempt) {
            return;
        }
        Outcome outcome;
        try {
            outcome = Outcome.parse(result);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        finals.put(key, new Last(attempt, Duration.between(Instant.parse(startTime), Instant.parse(endTime)), outcome));
    }

    @Override
    public String toString() {
        return "DurationHistory[" + runs.size() + " runs, " + points.size() + " tests]";
    }
}
