package dev.corral.results;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Hand-built {@link TestResult}s for tests. */
public final class ResultFixtures {
    /** A fixed start of the first test. */
    public static final Instant T0 = Instant.parse("2026-11-23T18:35:33.123456789Z");

    private ResultFixtures() {
    }

    /** A result on target {@code default}, attempt 1, starting at {@code T0 + serial minutes}. */
    public static TestResult result(String name, int serial, Outcome outcome) {
        return result("default", name, serial, 1, outcome, Duration.ofMillis(1200));
    }

    /** A result with the given identity and duration; logs point at {@code tests/NAME-SERIAL/output.txt}. */
    public static TestResult result(String target, String name, int serial, int attempt, Outcome outcome,
                                    Duration duration) {
        Instant start = T0.plus(Duration.ofMinutes(serial)).plus(Duration.ofSeconds(attempt));
        String data = ResultsDir.testPath(target, name, serial, attempt);
        return new TestResult(name, target, serial, attempt, outcome, null, List.of(), start, start.plus(duration),
                "local-" + (serial % 2 + 1), data, List.of(data + "/output.txt"), List.of(),
                Map.of("distro", List.of("fedora-40")), Map.of("id", "0a1b2c3d-" + serial), Map.of());
    }

    /** A copy with other notes. */
    public static TestResult withNotes(TestResult r, List<String> notes) {
        return new TestResult(r.name(), r.target(), r.serialNumber(), r.attempt(), r.outcome(), r.originalOutcome(),
                notes, r.start(), r.end(), r.machine(), r.dataPath(), r.logs(), r.subresults(), r.context(), r.ids(),
                r.extra());
    }
}
