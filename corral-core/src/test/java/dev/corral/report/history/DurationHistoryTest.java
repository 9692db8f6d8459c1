package dev.corral.report.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.corral.RunId;
import dev.corral.results.Journal;
import dev.corral.results.Outcome;
import dev.corral.results.ResultsDir;
import dev.corral.results.RunInfo;
import dev.corral.results.TestResult;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DurationHistoryTest {
    private static final Instant DAY0 = Instant.parse("2026-11-01T08:00:00Z");

    @TempDir
    Path root;

    private static TestResult result(String target, String name, int attempt, Outcome o, Instant start, long ms) {
        return new TestResult(name, target, 1, attempt, o, null, List.of(), start, start.plusMillis(ms), "m1", null,
                List.of(), List.of(), Map.of(), Map.of(), Map.of());
    }

    /** A run on day {@code day} (its id sorts like its start) where /a takes {@code day} seconds. */
    private ResultsDir run(int day, boolean runJson) {
        Instant start = DAY0.plus(Duration.ofDays(day));
        RunId id = new RunId(String.format("202611%02d-080000-r%02d", day + 1, day));
        ResultsDir dir = ResultsDir.create(root, id);
        try (Journal j = dir.openJournal()) {
            j.append(result("default", "/a", 1, Outcome.PASS, start, day * 1000L));
            j.append(result("default", "/b", 1, Outcome.FAIL, start, 500));
            j.append(result("default", "/b", 2, Outcome.PASS, start, 700 + day));
            j.append(result("other", "/a", 1, Outcome.ERROR, start, 99));
        }
        if (runJson) {
            dir.writeRunInfo(new RunInfo(id, RunInfo.Status.FINISHED, start, start.plusSeconds(60), Map.of(),
                    Map.of(), "test"));
        }
        return dir;
    }

    @Test
    void takesTheLastRunsBeforeTheCurrentOneOldestFirstWithFinalAttempts() {
        for (int day = 0; day < 13; day++) {
            run(day, true);
        }
        ResultsDir current = run(13, true);
        run(14, true); // started later: not history of run 13

        DurationHistory h = DurationHistory.gather(current, 10);

        assertThat(h.runs()).hasSize(10);
        assertThat(h.runs()).extracting(DurationHistory.Run::id).first().isEqualTo("20261104-080000-r03");
        assertThat(h.runs()).extracting(DurationHistory.Run::id).last().isEqualTo("20261113-080000-r12");
        assertThat(h.points("default", "/a")).extracting(p -> p.duration().toSeconds())
                .containsExactly(3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L);
        assertThat(h.points("default", "/a")).extracting(DurationHistory.Point::run)
                .containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(h.points("default", "/b")).allSatisfy(p -> assertThat(p.outcome()).isEqualTo(Outcome.PASS))
                .extracting(p -> p.duration().toMillis()).startsWith(703L);
        assertThat(h.points("other", "/a")).allSatisfy(p -> assertThat(p.outcome()).isEqualTo(Outcome.ERROR));
        assertThat(h.points("default", "/missing")).isEmpty();
    }

    @Test
    void worksThroughTheLatestSymlinkAndExcludesTheRunItself() {
        run(0, true);
        run(1, true);
        run(2, true); // create() points latest at it
        DurationHistory h = DurationHistory.gather(ResultsDir.open(root.resolve(ResultsDir.LATEST)), 10);
        assertThat(h.runs()).extracting(DurationHistory.Run::id)
                .containsExactly("20261101-080000-r00", "20261102-080000-r01");
    }

    @Test
    void skipsCorruptJournalsAndOrdersRunsWithoutRunJsonByTheJournalsTime() throws Exception {
        ResultsDir broken = run(0, true);
        Files.writeString(broken.journalFile(), "garbage\n{}\n", StandardOpenOption.APPEND);
        ResultsDir noInfo = run(1, false);
        Files.setLastModifiedTime(noInfo.journalFile(), FileTime.from(DAY0.plus(Duration.ofDays(1))));
        Files.createDirectories(root.resolve("not-a-run"));
        Files.createDirectories(root.resolve("run-empty")); // no journal
        ResultsDir current = run(2, true);

        DurationHistory h = DurationHistory.gather(current, 10);

        assertThat(h.runs()).extracting(DurationHistory.Run::id).containsExactly(noInfo.path().getFileName().toString());
        assertThat(h.points("default", "/a")).extracting(p -> p.duration().toSeconds()).containsExactly(1L);
    }

    @Test
    void aTornLastLineOfAnEarlierJournalIsIgnored() throws Exception {
        ResultsDir earlier = run(0, true);
        Files.writeString(earlier.journalFile(), "{\"v\":1,\"name\":\"/c\",\"tar", StandardOpenOption.APPEND);
        DurationHistory h = DurationHistory.gather(run(1, true), 10);
        assertThat(h.runs()).hasSize(1);
        assertThat(h.points("default", "/b")).hasSize(1);
    }

    /** A run whose id says {@code stamp} (yyyyMMdd-HHmmss) and which started at {@code start}. */
    private ResultsDir stampedRun(String stamp, String suffix, Instant start) {
        RunId id = new RunId(stamp + "-" + suffix);
        ResultsDir dir = ResultsDir.create(root, id);
        try (Journal j = dir.openJournal()) {
            j.append(result("default", "/a", 1, Outcome.PASS, start, 1000));
        }
        dir.writeRunInfo(new RunInfo(id, RunInfo.Status.FINISHED, start, start.plusSeconds(60), Map.of(), Map.of(),
                "test"));
        return dir;
    }

    @Test
    void orderedByRunJsonEvenWhenRunsStartedLaterThanTheirNamesSay() {
        // b's name is newer, but a started later (its clean-up of killed runs took long): a is the latest run
        stampedRun("20261101-080000", "a", Instant.parse("2026-11-01T08:55:00Z"));
        stampedRun("20261101-081000", "b", Instant.parse("2026-11-01T08:12:00Z"));
        for (int i = 0; i < 30; i++) {
            stampedRun(String.format("20261031-%02d0000", i % 24), "old" + i,
                    Instant.parse("2026-10-31T00:00:00Z").plus(Duration.ofHours(i % 24)).plusSeconds(i));
        }
        ResultsDir current = stampedRun("20261101-120000", "now", Instant.parse("2026-11-01T12:00:00Z"));

        assertThat(DurationHistory.gather(current, 1).runs()).extracting(DurationHistory.Run::id)
                .containsExactly("20261101-080000-a");
        assertThat(DurationHistory.gather(current, 3).runs()).extracting(DurationHistory.Run::id)
                .containsExactly("20261031-230000-old23", "20261101-081000-b", "20261101-080000-a");
        assertThat(DurationHistory.gather(current, 100).runs()).hasSize(32);
    }

    @Test
    void theTimeInAGeneratedNameIsUtc() {
        assertThat(DurationHistory.nameStamp(Path.of("run-20261124-095102-1fua")))
                .isEqualTo(Instant.parse("2026-11-24T09:51:02Z"));
        assertThat(DurationHistory.nameStamp(Path.of("run-20261324-095102-1fua"))).isNull();
        assertThat(DurationHistory.nameStamp(Path.of("run-empty"))).isNull();
        assertThat(DurationHistory.nameStamp(Path.of("run-2026112-095102-x"))).isNull();
    }

    @Test
    void noSiblingsOrZeroRunsMeansNoHistory() {
        ResultsDir alone = ResultsDir.at(root.resolve("custom/results"));
        assertThat(DurationHistory.gather(alone, 10).runs()).isEmpty();
        run(0, true);
        assertThat(DurationHistory.gather(run(1, true), 0).runs()).isEmpty();
        assertThat(DurationHistory.none().points("default", "/a")).isEmpty();
    }
}
