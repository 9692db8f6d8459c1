package dev.corral.schedule;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import dev.corral.json.Json;
import dev.corral.CorralException;
import dev.corral.results.TestResult;

import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;

/**
 * Recorded durations of tests in earlier runs under one results root, kept in {@code <root>/.corral-history.json}
 * so that the scheduler can start the longest tests first. Per target and test, the last {@value #KEEP}
 * durations of attempts that ran to an outcome (pass, fail, info, warn) are kept.
 *
 * <p>Immutable and thread-safe. The file is a cache: a missing or unreadable file is an empty history (a
 * broken one is logged), and {@link #save} replaces it atomically.
 *
 * <pre>{@code
 * DurationHistory h = DurationHistory.load(resultsRoot);
 * Optional<Duration> expected = h.median("f40", "/tests/login", 5);
 * h.record(outcome.attempts()).save(resultsRoot);
 * }</pre>
 */
@API(status = API.Status.EXPERIMENTAL)
public final class DurationHistory {
    /** The file name under the results root. */
    public static final String FILE_NAME = ".corral-history.json";
    /** How many durations are kept per test. */
    public static final int KEEP = 10;

    private static final Logger LOG = LoggerFactory.getLogger(DurationHistory.class);
    private static final DurationHistory EMPTY = new DurationHistory(Map.of());

    /** target → test name → durations in milliseconds, oldest first. */
    private final Map<String, Map<String, long[]>> millis;

    private DurationHistory(Map<String, Map<String, long[]>> millis) {
        this.millis = millis;
    }

    /** A history that knows nothing. */
    public static DurationHistory empty() {
        return EMPTY;
    }

    /** The history file of a results root. */
    public static Path file(Path resultsRoot) {
        return resultsRoot.resolve(FILE_NAME);
    }

    /** Reads the history kept under {@code resultsRoot}; empty when there is none or it is unreadable. */
    public static DurationHistory load(Path resultsRoot) {
        Path file = file(resultsRoot);
        Object root;
        try {
            root = Json.read(file);
        } catch (NoSuchFileException missing) {
            return EMPTY;
        } catch (IOException | JacksonException e) {
            LOG.warn("ignoring unreadable duration history {}: {}", file, e.getMessage());
            return EMPTY;
        }
        Map<String, Map<String, long[]>> targets = new LinkedHashMap<>();
        Map<?, ?> recorded = root instanceof Map<?, ?> r && r.get("targets") instanceof Map<?, ?> t ? t : Map.of();
        for (Map.Entry<?, ?> target : recorded.entrySet()) {
            Map<String, long[]> tests = new LinkedHashMap<>();
            Map<?, ?> byTest = target.getValue() instanceof Map<?, ?> m ? m : Map.of();
            for (Map.Entry<?, ?> test : byTest.entrySet()) {
                if (!(test.getValue() instanceof List<?> values)) {
                    continue;
                }
                long[] ms = new long[values.size()];
                int n = 0;
                for (Object v : values) {
                    if (v instanceof Number number && number.longValue() >= 0) {
                        ms[n++] = number.longValue();
                    }
                }
                if (n > 0) {
                    tests.put((String) test.getKey(), Arrays.copyOfRange(ms, Math.max(0, n - KEEP), n));
                }
            }
            targets.put((String) target.getKey(), tests);
        }
        return new DurationHistory(Collections.unmodifiableMap(targets));
    }

    /**
     * The median of the last {@code window} recorded durations of a test. A test never recorded for this
     * target falls back to its durations under another target of the same name list, if any.
     */
    public Optional<Duration> median(String target, String test, int window) {
        if (window < 1) {
            throw new IllegalArgumentException("window must be >= 1, was " + window);
        }
        long[] ms = millis.getOrDefault(target, Map.of()).get(test);
        if (ms == null) {
            for (Map<String, long[]> other : millis.values()) {
                ms = other.get(test);
                if (ms != null) {
                    break;
                }
            }
        }
        if (ms == null || ms.length == 0) {
            return Optional.empty();
        }
        long[] last = Arrays.copyOfRange(ms, Math.max(0, ms.length - window), ms.length);
        Arrays.sort(last);
        int n = last.length;
        long median = n % 2 == 1 ? last[n / 2] : (last[n / 2 - 1] + last[n / 2]) / 2;
        return Optional.of(Duration.ofMillis(median));
    }

    /** How many durations are recorded for a test of a target. */
    public int count(String target, String test) {
        long[] ms = millis.getOrDefault(target, Map.of()).get(test);
        return ms == null ? 0 : ms.length;
    }

    /**
     * A history that also holds the durations of these attempts; attempts that did not run to an outcome
     * (error, skip, pending, never on a machine) are left out.
     */
    public DurationHistory record(Collection<TestResult> attempts) {
        Map<String, Map<String, long[]>> copy = new LinkedHashMap<>();
        millis.forEach((t, tests) -> copy.put(t, new LinkedHashMap<>(tests)));
        for (TestResult r : attempts) {
            if (!ranToOutcome(r)) {
                continue;
            }
            Map<String, long[]> tests = copy.computeIfAbsent(r.target(), t -> new LinkedHashMap<>());
            long[] old = tests.getOrDefault(r.name(), new long[0]);
            long[] grown = Arrays.copyOf(old, old.length + 1);
            grown[old.length] = Math.max(0, r.duration().toMillis());
            tests.put(r.name(), Arrays.copyOfRange(grown, Math.max(0, grown.length - KEEP), grown.length));
        }
        Map<String, Map<String, long[]>> frozen = new LinkedHashMap<>();
        copy.forEach((t, tests) -> frozen.put(t, Collections.unmodifiableMap(tests)));
        return new DurationHistory(Collections.unmodifiableMap(frozen));
    }

    /**
     * Writes this history to {@code <resultsRoot>/.corral-history.json}, replacing the old file atomically
     * (written to a temporary file, synced, then moved over it).
     *
     * @throws CorralException when the file cannot be written
     */
    public void save(Path resultsRoot) {
        Objects.requireNonNull(resultsRoot, "resultsRoot must not be null");
        Path file = file(resultsRoot);
        Path tmp = null;
        try {
            Files.createDirectories(resultsRoot);
            tmp = Files.createTempFile(resultsRoot, FILE_NAME, ".tmp");
            try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.WRITE)) {
                Json.writePretty(out, json -> {
                    json.writeStartObject();
                    json.writeNumberProperty("version", 1);
                    json.writeObjectPropertyStart("targets");
                    millis.forEach((t, tests) -> {
                        json.writeObjectPropertyStart(t);
                        tests.forEach((name, ms) -> {
                            json.writeArrayPropertyStart(name);
                            for (long v : ms) {
                                json.writeNumber(v);
                            }
                            json.writeEndArray();
                        });
                        json.writeEndObject();
                    });
                    json.writeEndObject();
                    json.writeEndObject();
                });
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new CorralException("cannot write duration history " + file + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: a stray temp file does no harm
                }
            }
        }
    }

    /** The tests this history knows for a target, for diagnostics. */
    public List<String> tests(String target) {
        return new ArrayList<>(millis.getOrDefault(target, Map.of()).keySet());
    }

    private static boolean ranToOutcome(TestResult r) {
        return r.machine() != null && switch (r.outcome()) {
            case PASS, FAIL, INFO, WARN -> true;
            case ERROR, SKIP, PENDING -> false;
        };
    }
}
