package dev.corral.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import dev.corral.results.Outcome;
import dev.corral.results.TestResult;

import org.apiguardian.api.API;

/**
 * What a run did: the final result of every selected test (its last attempt), every attempt in the order they
 * finished, and whether the run was interrupted. Nothing is left out: a test that never ran has a {@code skip}
 * or {@code pending} result saying why.
 *
 * @param results     the final result per test, by target (in the order targets were added), then serial number
 * @param attempts    every attempt, as the sink received them
 * @param interrupted whether the run was cancelled
 * @param start       when the run started
 * @param end         when it ended
 */
@API(status = API.Status.EXPERIMENTAL)
public record RunOutcome(List<TestResult> results, List<TestResult> attempts, boolean interrupted, Instant start,
                         Instant end) {

    public RunOutcome {
        results = List.copyOf(results);
        attempts = List.copyOf(attempts);
        Objects.requireNonNull(start, "start must not be null");
        Objects.requireNonNull(end, "end must not be null");
    }

    /** Wall time of the run (in the run's timebase). */
    public Duration duration() {
        return Duration.between(start, end);
    }

    /** How many final results have each outcome. */
    public Map<Outcome, Integer> counts() {
        Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
        for (TestResult r : results) {
            counts.merge(r.outcome(), 1, Integer::sum);
        }
        return counts;
    }

    /** The final result of a test. */
    public Optional<TestResult> result(String target, String name) {
        return results.stream().filter(r -> r.target().equals(target) && r.name().equals(name)).findFirst();
    }

    /** Every attempt of a test, in order. */
    public List<TestResult> attempts(String target, String name) {
        return attempts.stream().filter(r -> r.target().equals(target) && r.name().equals(name)).toList();
    }
}
