package dev.corral.schedule;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.corral.results.Outcome;
import dev.corral.results.TestResult;

/** Results the scheduler makes itself: tests that never ran, attempts the runner could not report. */
final class OwnResults {
    private OwnResults() {
    }

    /** A result for a test that did not run (skip or pending), with a note saying why. */
    static TestResult notRun(ScheduledTest t, int attempt, Outcome outcome, String note, Instant now) {
        return new TestResult(t.name(), t.target(), t.serialNumber(), attempt, outcome, null, List.of(note), now, now,
                null, null, List.of(), List.of(), t.context(), ids(t), Map.of());
    }

    /** An {@code error} attempt on a machine, e.g. interrupted or lost. */
    static TestResult error(ScheduledTest t, int attempt, String machine, Instant start, Instant end, String note,
                            Map<String, Object> extra) {
        return new TestResult(t.name(), t.target(), t.serialNumber(), attempt, Outcome.ERROR, null, List.of(note),
                start, end.isBefore(start) ? start : end, machine, null, List.of(), List.of(), t.context(), ids(t),
                extra);
    }

    /** The runner's result with the target, serial number, attempt and machine the scheduler knows. */
    static TestResult normalize(TestResult r, ScheduledTest t, int attempt, String machine) {
        if (r.target().equals(t.target()) && r.attempt() == attempt && r.serialNumber() == t.serialNumber()
                && Objects.equals(r.machine(), machine)) {
            return r;
        }
        return new TestResult(r.name(), t.target(), t.serialNumber(), attempt, r.outcome(), r.originalOutcome(),
                r.notes(), r.start(), r.end(), machine, r.dataPath(), r.logs(), r.subresults(), r.context(), r.ids(),
                r.extra());
    }

    /** The result with one more note. */
    static TestResult withNote(TestResult r, String note) {
        List<String> notes = new ArrayList<>(r.notes());
        notes.add(note);
        return new TestResult(r.name(), r.target(), r.serialNumber(), r.attempt(), r.outcome(), r.originalOutcome(),
                notes, r.start(), r.end(), r.machine(), r.dataPath(), r.logs(), r.subresults(), r.context(), r.ids(),
                r.extra());
    }

    private static Map<String, String> ids(ScheduledTest t) {
        return t.test().id() == null ? Map.of() : Map.of("id", t.test().id());
    }
}
