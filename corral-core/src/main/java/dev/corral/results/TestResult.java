package dev.corral.results;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Collections;

import org.apiguardian.api.API;

/**
 * One finished attempt of one test on one machine: a line of the journal ({@code results.jsonl}) and the source
 * of every report. A test that was re-run or requeued has several results with increasing {@link #attempt()};
 * the last one is its final outcome.
 *
 * @param name            the test's name, e.g. {@code /tests/login}
 * @param target          the target the test ran for ({@code default} in single-target runs)
 * @param serialNumber    tmt's serial number of the test in its plan (1-based)
 * @param attempt         1 for the first attempt, then 2, 3 ... for reruns and requeues
 * @param outcome         the interpreted outcome
 * @param originalOutcome the outcome before {@code result:} interpretation, or {@code null} when the same
 * @param notes           tmt notes such as {@code timeout} or {@code original result: fail}
 * @param start           start time
 * @param end             end time
 * @param machine         id of the machine it ran on, or {@code null} when it never ran (skipped)
 * @param dataPath        the test's data directory, relative to the results directory
 * @param logs            log files relative to the results directory; the first is {@code output.txt}
 * @param subresults      results the test reported about its parts
 * @param context         the FMF context it ran with
 * @param ids             the test's identifiers (tmt {@code id} as {@code {"id": ...}})
 * @param extra           additional facts: {@code reboot-count}, {@code restart-count}, {@code reason} ...
 */
@API(status = API.Status.EXPERIMENTAL)
public record TestResult(String name, String target, int serialNumber, int attempt, Outcome outcome,
                         Outcome originalOutcome, List<String> notes, Instant start, Instant end, String machine,
                         String dataPath, List<String> logs, List<SubResult> subresults,
                         Map<String, List<String>> context, Map<String, String> ids, Map<String, Object> extra) {

    public TestResult {
        Objects.requireNonNull(name, "name must not be null");
        Objects.requireNonNull(target, "target must not be null");
        Objects.requireNonNull(outcome, "outcome must not be null");
        Objects.requireNonNull(start, "start must not be null");
        Objects.requireNonNull(end, "end must not be null");
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be >= 1, was " + attempt);
        }
        notes = List.copyOf(notes);
        logs = List.copyOf(logs);
        subresults = List.copyOf(subresults);
        context = Collections.unmodifiableMap(new LinkedHashMap<>(context));
        ids = Collections.unmodifiableMap(new LinkedHashMap<>(ids));
        extra = Collections.unmodifiableMap(new LinkedHashMap<>(extra));
    }

    /** Wall time of the attempt. */
    public Duration duration() {
        return Duration.between(start, end);
    }

    /** A key identifying the test across attempts: target and name. */
    public String key() {
        return target + "\u0000" + name;
    }
}
