package dev.corral.results;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

import org.apiguardian.api.API;

/**
 * A result a test reported about a part of itself ({@code tmt-report-result} or a beakerlib phase).
 *
 * @param name            the sub-test's name, e.g. {@code /phase-setup}
 * @param outcome         its outcome
 * @param originalOutcome what was reported before interpretation, or {@code null}
 * @param notes           free-form notes
 * @param logs            log files, relative to the results directory
 * @param start           when it started, or {@code null}
 * @param end             when it ended, or {@code null}
 */
@API(status = API.Status.EXPERIMENTAL)
public record SubResult(String name, Outcome outcome, Outcome originalOutcome, List<String> notes, List<String> logs,
                        Instant start, Instant end) {
    public SubResult {
        Objects.requireNonNull(name, "name must not be null");
        Objects.requireNonNull(outcome, "outcome must not be null");
        notes = List.copyOf(notes);
        logs = List.copyOf(logs);
    }
}
