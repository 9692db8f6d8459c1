package dev.corral.results;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.apiguardian.api.API;

/**
 * Every attempt of a run (as read from the journal) and the final result of each test: the last attempt per
 * (target, name), i.e. the one with the highest {@link TestResult#attempt()}, the later journal line winning a
 * tie. Also answers what {@code --resume} needs: which tests already have a final result. Immutable, thread-safe.
 *
 * <pre>{@code
 * RunResults results = RunResults.read(dir);
 * for (TestResult r : results.finals()) { ... }
 * System.exit(results.exitCode().code());
 * }</pre>
 */
@API(status = API.Status.EXPERIMENTAL)
public final class RunResults {
    private final List<TestResult> attempts;
    private final Map<String, List<TestResult>> byKey;
    private final List<TestResult> finals;
    private final List<String> targets;

    private RunResults(List<TestResult> attempts) {
        this.attempts = List.copyOf(attempts);
        Map<String, List<TestResult>> grouped = new LinkedHashMap<>();
        List<String> seenTargets = new ArrayList<>();
        for (TestResult r : this.attempts) {
            grouped.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r);
            if (!seenTargets.contains(r.target())) {
                seenTargets.add(r.target());
            }
        }
        Map<String, List<TestResult>> ordered = new LinkedHashMap<>();
        List<TestResult> last = new ArrayList<>();
        for (Map.Entry<String, List<TestResult>> e : grouped.entrySet()) {
            List<TestResult> history = new ArrayList<>(e.getValue());
            // stable sort: journal order among equal attempt numbers, so the later line stays last
            history.sort(Comparator.comparingInt(TestResult::attempt));
            ordered.put(e.getKey(), Collections.unmodifiableList(history));
            last.add(history.getLast());
        }
        last.sort(Comparator.<TestResult>comparingInt(r -> seenTargets.indexOf(r.target()))
                .thenComparingInt(TestResult::serialNumber)
                .thenComparing(TestResult::name));
        this.byKey = Collections.unmodifiableMap(ordered);
        this.finals = List.copyOf(last);
        this.targets = List.copyOf(seenTargets);
    }

    /** Results from a list of attempts in journal order. */
    public static RunResults of(List<TestResult> attempts) {
        Objects.requireNonNull(attempts, "attempts must not be null");
        return new RunResults(attempts);
    }

    /**
     * Reads the journal of a results directory; a directory without journal yet has no results.
     *
     * @throws ResultsException when the journal is unreadable or corrupt (naming file and line)
     */
    public static RunResults read(ResultsDir dir) {
        Objects.requireNonNull(dir, "dir must not be null");
        if (!Files.exists(dir.journalFile())) {
            return new RunResults(List.of());
        }
        return new RunResults(Journal.read(dir.journalFile()));
    }

    /** Every attempt, in journal order. */
    public List<TestResult> attempts() {
        return attempts;
    }

    /** The final result of every test, ordered by target (first seen first), serial number and name. */
    public List<TestResult> finals() {
        return finals;
    }

    /** The final results of one target, in {@link #finals()} order. */
    public List<TestResult> finals(String target) {
        return finals.stream().filter(r -> r.target().equals(target)).toList();
    }

    /** Targets that have results, in the order they first appear in the journal. */
    public List<String> targets() {
        return targets;
    }

    /** Every attempt of a test, oldest first; empty when it has none. */
    public List<TestResult> history(String target, String name) {
        return byKey.getOrDefault(key(target, name), List.of());
    }

    /** The attempts of a test before its final one, oldest first. */
    public List<TestResult> earlierAttempts(TestResult finalResult) {
        List<TestResult> all = history(finalResult.target(), finalResult.name());
        return all.isEmpty() ? List.of() : all.subList(0, all.size() - 1);
    }

    /** The final result of a test, if it has one. */
    public Optional<TestResult> last(String target, String name) {
        List<TestResult> all = history(target, name);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.getLast());
    }

    /**
     * For {@code --resume}: whether a test already has a final result, i.e. an attempt whose outcome is not
     * {@code pending}. Whether a failed test should be re-run on resume is the scheduler's decision
     * ({@link #history} gives the attempts).
     */
    public boolean hasFinal(String target, String name) {
        return last(target, name).map(r -> r.outcome() != Outcome.PENDING).orElse(false);
    }

    /** Number of final results per outcome for one target, or for all targets when {@code target} is null. */
    public Map<Outcome, Integer> counts(String target) {
        Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
        for (TestResult r : finals) {
            if (target == null || r.target().equals(target)) {
                counts.merge(r.outcome(), 1, Integer::sum);
            }
        }
        return counts;
    }

    /** Whether any test has more than one attempt. */
    public boolean hasReruns() {
        return attempts.size() > finals.size();
    }

    /** The exit code of the run from the final outcomes. */
    public ExitCode exitCode() {
        return ExitCode.of(finals.stream().map(TestResult::outcome).toList());
    }

    /** The same key as {@link TestResult#key()}. */
    private static String key(String target, String name) {
        return target + "\u0000" + name;
    }
}
