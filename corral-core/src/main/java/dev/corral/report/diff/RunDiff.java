package dev.corral.report.diff;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import dev.corral.results.Outcome;
import dev.corral.results.ResultsDir;
import dev.corral.results.ResultsException;
import dev.corral.results.RunResults;
import dev.corral.results.TestResult;

import org.apiguardian.api.API;

/**
 * What changed between two runs ({@code corral diff OLD NEW}), per target, from the final result of each test:
 * <ul>
 *   <li><b>newly failing</b>: failing now ({@code fail}, {@code error}, {@code warn} or {@code pending}) and not
 *       before;</li>
 *   <li><b>newly passing</b>: failing before, {@code pass} or {@code info} now;</li>
 *   <li><b>still failing</b>: failing in both (the outcome may differ, e.g. {@code fail → error});</li>
 *   <li><b>other changes</b>: any other change of outcome, e.g. {@code pass → skip}, {@code fail → skip};</li>
 *   <li><b>added</b> and <b>removed</b> tests;</li>
 *   <li>the <b>biggest duration changes</b> of tests in both runs, by absolute change and by relative change,
 *       ignoring tests that took less than {@link Options#minDuration()} in both runs and skipped tests.</li>
 * </ul>
 * A test is identified by target and name. Lists are ordered by the new run's order (old run's for removed
 * tests); duration lists by size of the change, largest first.
 *
 * <pre>{@code
 * RunDiff diff = RunDiff.compare(ResultsDir.open(oldDir), ResultsDir.open(newDir));
 * out.print(json ? diff.toJson() : diff.toText());
 * int exit = diff.hasRegressions() ? 1 : 0;
 * }</pre>
 *
 * @param oldLabel the old run's name (its run id, or {@code old})
 * @param newLabel the new run's name
 * @param options  the thresholds used
 * @param targets  one entry per target present in either run, new run's targets first
 */
@API(status = API.Status.EXPERIMENTAL)
public record RunDiff(String oldLabel, String newLabel, Options options, List<TargetDiff> targets) {

    public RunDiff {
        Objects.requireNonNull(oldLabel, "oldLabel must not be null");
        Objects.requireNonNull(newLabel, "newLabel must not be null");
        Objects.requireNonNull(options, "options must not be null");
        targets = List.copyOf(targets);
    }

    /**
     * Thresholds of a comparison.
     *
     * @param minDuration tests shorter than this in both runs are left out of the duration changes
     * @param limit       how many duration changes to list per target and kind
     */
    @API(status = API.Status.EXPERIMENTAL)
    public record Options(Duration minDuration, int limit) {
        /** 5 s and 10 entries. */
        public static final Options DEFAULT = new Options(Duration.ofSeconds(5), 10);

        public Options {
            Objects.requireNonNull(minDuration, "minDuration must not be null");
            if (minDuration.isNegative() || limit < 0) {
                throw new IllegalArgumentException("minDuration and limit must not be negative");
            }
        }
    }

    /**
     * A test whose outcome is compared.
     *
     * @param name        the test's name
     * @param oldOutcome  its final outcome in the old run, or {@code null} for an added test
     * @param newOutcome  its final outcome in the new run, or {@code null} for a removed test
     * @param oldDuration its duration in the old run, or {@code null}
     * @param newDuration its duration in the new run, or {@code null}
     * @param notes       the notes of its final result in the new run (the old one for removed tests)
     */
    @API(status = API.Status.EXPERIMENTAL)
    public record TestChange(String name, Outcome oldOutcome, Outcome newOutcome, Duration oldDuration,
                             Duration newDuration, List<String> notes) {
        public TestChange {
            Objects.requireNonNull(name, "name must not be null");
            notes = List.copyOf(notes);
        }
    }

    /**
     * A test's change of duration.
     *
     * @param name        the test's name
     * @param oldDuration its duration in the old run
     * @param newDuration its duration in the new run
     */
    @API(status = API.Status.EXPERIMENTAL)
    public record DurationChange(String name, Duration oldDuration, Duration newDuration) {
        public DurationChange {
            Objects.requireNonNull(name, "name must not be null");
            Objects.requireNonNull(oldDuration, "oldDuration must not be null");
            Objects.requireNonNull(newDuration, "newDuration must not be null");
        }

        /** New minus old: positive when the test got slower. */
        public Duration delta() {
            return newDuration.minus(oldDuration);
        }

        /** New over old minus one ({@code 0.5} is 50 % slower); infinite when the old duration was zero. */
        public double relative() {
            long old = oldDuration.toMillis();
            long neu = newDuration.toMillis();
            if (old == 0) {
                return neu == 0 ? 0 : Double.POSITIVE_INFINITY;
            }
            return (double) neu / old - 1;
        }
    }

    /**
     * The changes of one target.
     *
     * @param target           the target's name
     * @param compared         tests present in both runs
     * @param newlyFailing     failing now, not before
     * @param newlyPassing     failing before, passing now
     * @param stillFailing     failing in both runs
     * @param otherChanges     other changes of outcome
     * @param added            tests only in the new run
     * @param removed          tests only in the old run
     * @param slowestChanges   the biggest absolute duration changes, largest first
     * @param relativeChanges  the biggest relative duration changes, largest first
     */
    @API(status = API.Status.EXPERIMENTAL)
    public record TargetDiff(String target, int compared, List<TestChange> newlyFailing, List<TestChange> newlyPassing,
                             List<TestChange> stillFailing, List<TestChange> otherChanges, List<TestChange> added,
                             List<TestChange> removed, List<DurationChange> slowestChanges,
                             List<DurationChange> relativeChanges) {
        public TargetDiff {
            Objects.requireNonNull(target, "target must not be null");
            newlyFailing = List.copyOf(newlyFailing);
            newlyPassing = List.copyOf(newlyPassing);
            stillFailing = List.copyOf(stillFailing);
            otherChanges = List.copyOf(otherChanges);
            added = List.copyOf(added);
            removed = List.copyOf(removed);
            slowestChanges = List.copyOf(slowestChanges);
            relativeChanges = List.copyOf(relativeChanges);
        }
    }

    /** Compares two runs with {@link Options#DEFAULT}, labelled {@code old} and {@code new}. */
    public static RunDiff compare(RunResults oldRun, RunResults newRun) {
        return compare(oldRun, newRun, "old", "new", Options.DEFAULT);
    }

    /**
     * Compares two results directories, labelled with their run ids (their directory names without
     * {@code run.json}).
     *
     * @throws ResultsException when a journal or {@code run.json} is corrupt
     */
    public static RunDiff compare(ResultsDir oldDir, ResultsDir newDir) {
        return compare(oldDir, newDir, Options.DEFAULT);
    }

    /** {@link #compare(ResultsDir, ResultsDir)} with other thresholds. */
    public static RunDiff compare(ResultsDir oldDir, ResultsDir newDir, Options options) {
        Objects.requireNonNull(oldDir, "oldDir must not be null");
        Objects.requireNonNull(newDir, "newDir must not be null");
        return compare(RunResults.read(oldDir), RunResults.read(newDir), label(oldDir), label(newDir), options);
    }

    /** Compares two runs. */
    public static RunDiff compare(RunResults oldRun, RunResults newRun, String oldLabel, String newLabel,
                                  Options options) {
        Objects.requireNonNull(oldRun, "oldRun must not be null");
        Objects.requireNonNull(newRun, "newRun must not be null");
        Objects.requireNonNull(options, "options must not be null");
        Set<String> targets = new LinkedHashSet<>(newRun.targets());
        targets.addAll(oldRun.targets());
        List<TargetDiff> diffs = new ArrayList<>();
        for (String target : targets) {
            diffs.add(compareTarget(target, oldRun.finals(target), newRun.finals(target), options));
        }
        return new RunDiff(oldLabel, newLabel, options, diffs);
    }

    /** Whether any test is newly failing, in any target. */
    public boolean hasRegressions() {
        return targets.stream().anyMatch(t -> !t.newlyFailing().isEmpty());
    }

    /** The comparison as text for a terminal (no colours), ending with a newline. */
    public String toText() {
        return DiffText.render(this);
    }

    /**
     * The comparison as a JSON document, pretty-printed and ending with a newline ({@code corral diff --json}).
     * Durations are in seconds, outcomes use tmt's names, {@code null} marks an absent value ({@code relative} is
     * {@code null} when the old duration was zero):
     * <pre>{@code
     * {"old":"20261123-...", "new":"20261124-...", "regressions":true, "options":{"min-duration":5, "limit":10},
     *  "totals":{"newly-failing":1, "newly-passing":0, "still-failing":2, "other-changes":0, "added":1, "removed":0},
     *  "targets":[{"target":"default", "compared":120,
     *              "newly-failing":[{"name":"/a", "old":"pass", "new":"fail", "old-duration":1.2,
     *                                "new-duration":3.4, "notes":["timeout"]}],
     *              "newly-passing":[], "still-failing":[...], "other-changes":[], "added":[...], "removed":[],
     *              "duration-changes":[{"name":"/b", "old-duration":12.0, "new-duration":45.3, "delta":33.3,
     *                                   "relative":2.775}],
     *              "relative-duration-changes":[...]}]}
     * }</pre>
     */
    public String toJson() {
        return DiffJson.render(this);
    }

    static boolean failing(Outcome o) {
        return o == Outcome.FAIL || o == Outcome.ERROR || o == Outcome.WARN || o == Outcome.PENDING;
    }

    static boolean passing(Outcome o) {
        return o == Outcome.PASS || o == Outcome.INFO;
    }

    private static TargetDiff compareTarget(String target, List<TestResult> oldFinals, List<TestResult> newFinals,
                                            Options options) {
        Map<String, TestResult> old = new LinkedHashMap<>();
        oldFinals.forEach(r -> old.put(r.name(), r));
        List<TestChange> newlyFailing = new ArrayList<>();
        List<TestChange> newlyPassing = new ArrayList<>();
        List<TestChange> stillFailing = new ArrayList<>();
        List<TestChange> other = new ArrayList<>();
        List<TestChange> added = new ArrayList<>();
        List<DurationChange> durations = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        int compared = 0;
        for (TestResult n : newFinals) {
            seen.add(n.name());
            TestResult o = old.get(n.name());
            if (o == null) {
                added.add(new TestChange(n.name(), null, n.outcome(), null, n.duration(), n.notes()));
                continue;
            }
            compared++;
            TestChange change = new TestChange(n.name(), o.outcome(), n.outcome(), o.duration(), n.duration(),
                    n.notes());
            boolean wasFailing = failing(o.outcome());
            boolean isFailing = failing(n.outcome());
            if (isFailing && wasFailing) {
                stillFailing.add(change);
            } else if (isFailing) {
                newlyFailing.add(change);
            } else if (wasFailing && passing(n.outcome())) {
                newlyPassing.add(change);
            } else if (o.outcome() != n.outcome()) {
                other.add(change);
            }
            if (o.outcome() != Outcome.SKIP && n.outcome() != Outcome.SKIP
                    && (o.duration().compareTo(options.minDuration()) >= 0
                    || n.duration().compareTo(options.minDuration()) >= 0)
                    && !o.duration().equals(n.duration())) {
                durations.add(new DurationChange(n.name(), o.duration(), n.duration()));
            }
        }
        List<TestChange> removed = new ArrayList<>();
        for (TestResult o : oldFinals) {
            if (!seen.contains(o.name())) {
                removed.add(new TestChange(o.name(), o.outcome(), null, o.duration(), null, o.notes()));
            }
        }
        List<DurationChange> slowest = durations.stream()
                .sorted(Comparator.comparingLong((DurationChange d) -> Math.abs(d.delta().toMillis())).reversed())
                .limit(options.limit()).toList();
        List<DurationChange> relative = durations.stream()
                .filter(d -> !d.oldDuration().isZero() && !d.newDuration().isZero())
                .sorted(Comparator.comparingDouble((DurationChange d) -> Math.abs(Math.log(
                        (double) d.newDuration().toMillis() / Math.max(1, d.oldDuration().toMillis())))).reversed())
                .limit(options.limit()).toList();
        return new TargetDiff(target, compared, newlyFailing, newlyPassing, stillFailing, other, added, removed,
                slowest, relative);
    }

    private static String label(ResultsDir dir) {
        if (Files.exists(dir.runJson())) {
            return dir.readRunInfo().id().value();
        }
        return dir.path().toAbsolutePath().normalize().getFileName().toString();
    }
}
