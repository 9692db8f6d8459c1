package dev.corral.report.diff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.corral.RunId;
import dev.corral.results.Journal;
import dev.corral.results.Outcome;
import dev.corral.results.ResultsDir;
import dev.corral.results.RunInfo;
import dev.corral.results.RunResults;
import dev.corral.results.TestResult;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class RunDiffTest {
    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    @TempDir
    Path tmp;

    private static TestResult r(String target, String name, int attempt, Outcome o, double seconds, String... notes) {
        return new TestResult(name, target, 1, attempt, o, null, List.of(notes), T0,
                T0.plusMillis(Math.round(seconds * 1000)), "m", null, List.of(), List.of(), Map.of(), Map.of(), Map.of());
    }

    private static TestResult r(String name, Outcome o, double seconds, String... notes) {
        return r("default", name, 1, o, seconds, notes);
    }

    @Test
    void classifiesOutcomeChangesFromFinalAttempts() {
        RunResults old = RunResults.of(List.of(
                r("/pass-to-fail", Outcome.PASS, 1),
                r("/skip-to-error", Outcome.SKIP, 0),
                r("/fail-to-pass", Outcome.FAIL, 1),
                r("/warn-to-info", Outcome.WARN, 1),
                r("/fail-to-error", Outcome.FAIL, 1),
                r("/fail-to-skip", Outcome.FAIL, 1),
                r("/pass-to-skip", Outcome.PASS, 1),
                r("/same", Outcome.PASS, 1),
                r("/flaky", Outcome.FAIL, 1),
                r("default", "/flaky", 2, Outcome.PASS, 1),
                r("/removed", Outcome.PASS, 1)));
        RunResults neu = RunResults.of(List.of(
                r("/pass-to-fail", Outcome.FAIL, 1, "timeout"),
                r("/skip-to-error", Outcome.ERROR, 1),
                r("/fail-to-pass", Outcome.PASS, 1),
                r("/warn-to-info", Outcome.INFO, 1),
                r("/fail-to-error", Outcome.ERROR, 1),
                r("/fail-to-skip", Outcome.SKIP, 0),
                r("/pass-to-skip", Outcome.SKIP, 0),
                r("/same", Outcome.PASS, 1),
                r("/flaky", Outcome.PASS, 1),
                r("default", "/flaky", 2, Outcome.FAIL, 1), // the final attempt failed this time
                r("/added", Outcome.FAIL, 1)));

        RunDiff diff = RunDiff.compare(old, neu);

        assertThat(diff.targets()).hasSize(1);
        RunDiff.TargetDiff t = diff.targets().getFirst();
        assertThat(t.compared()).isEqualTo(9);
        // in the new run's order: by serial number (all 1 here), then name
        assertThat(names(t.newlyFailing())).containsExactly("/flaky", "/pass-to-fail", "/skip-to-error");
        assertThat(t.newlyFailing().get(1).notes()).containsExactly("timeout");
        assertThat(names(t.newlyPassing())).containsExactly("/fail-to-pass", "/warn-to-info");
        assertThat(names(t.stillFailing())).containsExactly("/fail-to-error");
        assertThat(names(t.otherChanges())).containsExactly("/fail-to-skip", "/pass-to-skip");
        assertThat(names(t.added())).containsExactly("/added");
        assertThat(t.added().getFirst().oldOutcome()).isNull();
        assertThat(names(t.removed())).containsExactly("/removed");
        assertThat(t.removed().getFirst().newOutcome()).isNull();
        assertThat(diff.hasRegressions()).isTrue();
        assertThat(RunDiff.compare(neu, neu).hasRegressions()).isFalse();
    }

    @Test
    void biggestDurationChangesIgnoreTinyAndSkippedTestsAndAreRankedAbsoluteAndRelative() {
        List<TestResult> old = new ArrayList<>();
        List<TestResult> neu = new ArrayList<>();
        old.add(r("/tiny", Outcome.PASS, 0.1));
        neu.add(r("/tiny", Outcome.PASS, 4.0));      // x40 but below 5 s in both runs: ignored
        old.add(r("/long", Outcome.PASS, 600));
        neu.add(r("/long", Outcome.PASS, 700));      // +100 s, +17 %
        old.add(r("/doubled", Outcome.PASS, 10));
        neu.add(r("/doubled", Outcome.PASS, 30));    // +20 s, +200 %
        old.add(r("/faster", Outcome.PASS, 60));
        neu.add(r("/faster", Outcome.PASS, 15));     // -45 s, -75 %
        old.add(r("/grew", Outcome.PASS, 2));
        neu.add(r("/grew", Outcome.PASS, 9));        // above the threshold now: +7 s, +350 %
        old.add(r("/skipped", Outcome.PASS, 100));
        neu.add(r("/skipped", Outcome.SKIP, 0));     // skipped: no duration change
        old.add(r("/same", Outcome.PASS, 50));
        neu.add(r("/same", Outcome.PASS, 50));

        RunDiff.TargetDiff t = RunDiff.compare(RunResults.of(old), RunResults.of(neu)).targets().getFirst();

        assertThat(t.slowestChanges()).extracting(RunDiff.DurationChange::name)
                .containsExactly("/long", "/faster", "/doubled", "/grew");
        assertThat(t.relativeChanges()).extracting(RunDiff.DurationChange::name)
                .containsExactly("/grew", "/faster", "/doubled", "/long");
        RunDiff.DurationChange faster = t.slowestChanges().get(1);
        assertThat(faster.delta()).isEqualTo(Duration.ofSeconds(-45));
        assertThat(faster.relative()).isCloseTo(-0.75, within(1e-9));

        RunDiff.TargetDiff limited = RunDiff.compare(RunResults.of(old), RunResults.of(neu), "a", "b",
                new RunDiff.Options(Duration.ofSeconds(1), 2)).targets().getFirst();
        assertThat(limited.slowestChanges()).extracting(RunDiff.DurationChange::name).containsExactly("/long", "/faster");
        assertThat(limited.relativeChanges()).extracting(RunDiff.DurationChange::name).containsExactly("/tiny", "/grew");
    }

    @Test
    void comparesPerTarget() {
        RunResults old = RunResults.of(List.of(r("f40", "/a", 1, Outcome.PASS, 1), r("f41", "/a", 1, Outcome.PASS, 1),
                r("gone", "/a", 1, Outcome.PASS, 1)));
        RunResults neu = RunResults.of(List.of(r("f41", "/a", 1, Outcome.FAIL, 1), r("f40", "/a", 1, Outcome.PASS, 1),
                r("f42", "/a", 1, Outcome.PASS, 1)));
        RunDiff diff = RunDiff.compare(old, neu);
        assertThat(diff.targets()).extracting(RunDiff.TargetDiff::target).containsExactly("f41", "f40", "f42", "gone");
        assertThat(diff.targets().get(0).newlyFailing()).hasSize(1);
        assertThat(diff.targets().get(1).newlyFailing()).isEmpty();
        assertThat(diff.targets().get(2).added()).hasSize(1);
        assertThat(diff.targets().get(3).removed()).hasSize(1);
        assertThat(diff.toText()).contains("== target f41 ==", "== target gone ==");
    }

    @Test
    void textRendering() {
        RunResults old = RunResults.of(List.of(r("/a", Outcome.PASS, 10), r("/b", Outcome.FAIL, 10),
                r("/c", Outcome.PASS, 1)));
        RunResults neu = RunResults.of(List.of(r("/a", Outcome.FAIL, 32.5, "timeout", "line\nbreak"),
                r("/b", Outcome.PASS, 10), r("/d", Outcome.PASS, 1)));
        String text = RunDiff.compare(old, neu, "run-1", "run-2", RunDiff.Options.DEFAULT).toText();
        assertThat(text).isEqualTo("""
                Comparing run-1 (old) with run-2 (new)

                1 newly failing, 1 newly passing, 0 still failing, 1 added, 1 removed (2 tests in both runs)

                Newly failing (1):
                  pass -> fail    /a  (timeout, line break)

                Newly passing (1):
                  fail -> pass    /b

                Added (1):
                  pass            /d

                Removed (1):
                  was pass        /c

                Biggest duration changes (tests of 5.0s or more):
                  +22.5s    +225%    10.0s -> 32.5s        /a

                Biggest relative duration changes:
                  +22.5s    +225%    10.0s -> 32.5s        /a
                """);
    }

    @Test
    void jsonRenderingFromResultsDirectoriesLabelledWithRunIds() throws Exception {
        ResultsDir oldDir = dir("20261122-100000-aaaa", List.of(r("/a", Outcome.PASS, 10), r("/b", Outcome.PASS, 1)));
        ResultsDir newDir = dir("20261123-100000-bbbb", List.of(r("/a", Outcome.ERROR, 12.25, "timeout")));
        RunDiff diff = RunDiff.compare(oldDir, newDir);
        JsonNode json = JsonMapper.builder().build().readTree(diff.toJson());

        assertThat(json.path("old").stringValue()).isEqualTo("20261122-100000-aaaa");
        assertThat(json.path("new").stringValue()).isEqualTo("20261123-100000-bbbb");
        assertThat(json.path("regressions").booleanValue()).isTrue();
        assertThat(json.path("options").path("min-duration").intValue()).isEqualTo(5);
        assertThat(json.path("totals").path("newly-failing").intValue()).isEqualTo(1);
        assertThat(json.path("totals").path("removed").intValue()).isEqualTo(1);
        JsonNode t = json.path("targets").get(0);
        assertThat(t.path("target").stringValue()).isEqualTo("default");
        JsonNode nf = t.path("newly-failing").get(0);
        assertThat(nf.path("name").stringValue()).isEqualTo("/a");
        assertThat(nf.path("old").stringValue()).isEqualTo("pass");
        assertThat(nf.path("new").stringValue()).isEqualTo("error");
        assertThat(nf.path("new-duration").doubleValue()).isEqualTo(12.25);
        assertThat(nf.path("notes").get(0).stringValue()).isEqualTo("timeout");
        JsonNode d = t.path("duration-changes").get(0);
        assertThat(d.path("delta").doubleValue()).isEqualTo(2.25);
        assertThat(d.path("relative").doubleValue()).isEqualTo(0.225);
        assertThat(diff.toJson()).doesNotContain("E+", "E-");
    }

    private ResultsDir dir(String id, List<TestResult> results) {
        ResultsDir dir = ResultsDir.create(tmp, new RunId(id));
        dir.writeRunInfo(new RunInfo(new RunId(id), RunInfo.Status.FINISHED, T0, T0.plusSeconds(60), Map.of(),
                Map.of(), "test"));
        try (Journal j = dir.openJournal()) {
            results.forEach(j::append);
        }
        return dir;
    }

    private static List<String> names(List<RunDiff.TestChange> changes) {
        return changes.stream().map(RunDiff.TestChange::name).toList();
    }
}
