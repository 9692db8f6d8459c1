package dev.corral.report.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.corral.results.Outcome;
import dev.corral.results.RunResults;
import dev.corral.results.TestResult;
import dev.corral.tmt.Framework;
import dev.corral.tmt.ResultInterpretation;
import dev.corral.tmt.TestCase;

import org.junit.jupiter.api.Test;

class ConsoleReportTest {
    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    /** A clock the test moves by hand. */
    private static final class ManualClock implements InstantSource {
        private final AtomicReference<Instant> now = new AtomicReference<>(T0);

        @Override
        public Instant instant() {
            return now.get();
        }

        void at(int seconds) {
            now.set(T0.plusSeconds(seconds));
        }
    }

    private static TestCase test(String name) {
        return new TestCase(name, null, null, List.of(), List.of(), null, List.of(), "true", "/", Framework.SHELL,
                false, List.of(), List.of(), Map.of(), Duration.ofMinutes(5), true, 50, ResultInterpretation.RESPECT,
                List.of(), null, List.of(), List.of(), 1, false, false, Map.of(), Map.of());
    }

    private static TestResult finished(String target, String name, int serial, int attempt, String machine,
                                       Outcome outcome, long millis, List<String> notes) {
        return new TestResult(name, target, serial, attempt, outcome, null, notes, T0, T0.plusMillis(millis), machine,
                null, List.of(), List.of(), Map.of(), Map.of(), Map.of());
    }

    /**
     * Plays output on a minimal terminal: text, newline, carriage return, cursor up ({@code ESC[nA}), erase to the
     * end of the screen ({@code ESC[J}); colour codes are dropped. Returns the visible lines.
     */
    static List<String> screen(String output) {
        List<String> lines = new ArrayList<>();
        lines.add("");
        int row = 0;
        Matcher csi = Pattern.compile("\u001b\\[([0-9;]*)([A-Za-z])").matcher(output);
        int i = 0;
        while (i < output.length()) {
            char c = output.charAt(i);
            if (c == '\u001b' && csi.find(i) && csi.start() == i) {
                String arg = csi.group(1);
                switch (csi.group(2)) {
                    case "A" -> row = Math.max(0, row - (arg.isEmpty() ? 1 : Integer.parseInt(arg)));
                    case "J" -> {
                        lines.subList(row + 1, lines.size()).clear();
                        lines.set(row, "");
                    }
                    case "m" -> {
                    }
                    default -> throw new AssertionError("unexpected escape " + csi.group());
                }
                i = csi.end();
                continue;
            }
            if (c == '\n') {
                row++;
                if (row == lines.size()) {
                    lines.add("");
                }
            } else if (c == '\r') {
                lines.set(row, "");
            } else {
                lines.set(row, lines.get(row) + c);
            }
            i++;
        }
        if (lines.getLast().isEmpty()) {
            lines.removeLast();
        }
        return lines;
    }

    @Test
    void lineModePrintsOneLinePerFinishedTestAndASummary() {
        StringWriter text = new StringWriter();
        ManualClock clock = new ManualClock();
        ConsoleReport console = ConsoleReport.builder().out(new PrintWriter(text)).live(false)
                .resultsDir(Path.of("corral-results/run-x")).clock(clock).build();

        console.runStarted(4);
        console.provisioningStarted("default", "local-1");
        console.machineReady("default", "local-1", Duration.ofMillis(3200));
        console.provisioningFailed("f40", "podman-1", "image\nnot found", 2);
        console.testStarted("default", test("/tests/a"), "local-1", 1, Duration.ofMinutes(1));
        console.testFinished(finished("default", "/tests/a", 1, 1, "local-1", Outcome.PASS, 1200, List.of()));
        console.machineRebooting("default", "local-1", "/tests/b");
        console.testFinished(finished("default", "/tests/b", 2, 2, "local-1", Outcome.FAIL, 125_000, List.of("timeout")));
        console.testFinished(finished("f40", "/tests/c", 1, 1, "podman-2", Outcome.ERROR, 400, List.of()));
        console.testFinished(finished("f40", "/tests/d", 2, 1, null, Outcome.SKIP, 0, List.of()));
        console.machineReleased("f40", "podman-2", "lost: connection refused");
        clock.at(3725);
        console.runFinished(false);
        console.close();

        assertThat(text.toString()).doesNotContain("\u001b").isEqualTo("""
                ready local-1 (3.2s)
                provisioning failed podman-1 [f40] (attempt 2): image not found
                pass /tests/a (1.2s) [local-1]
                reboot /tests/b [local-1]
                fail /tests/b (2m05s) [local-1] (attempt 2, timeout)
                errr /tests/c (0.4s) [f40 podman-2]
                skip /tests/d (0.0s) [f40]
                lost podman-2 [f40]: lost: connection refused
                target   pass  fail  info  warn  error  skip  total
                default     1     1     0     0      0     0      2
                f40         0     0     0     0      1     1      2
                all         1     1     0     0      1     1      4
                took 1h02m05s · results in corral-results/run-x
                """);
    }

    @Test
    void liveModeRedrawsTheStatusBlockInPlace() {
        StringWriter text = new StringWriter();
        ManualClock clock = new ManualClock();
        ConsoleReport console = ConsoleReport.builder().out(new PrintWriter(text)).live(true).color(false)
                .refresh(Duration.ZERO).width(80).clock(clock).build();

        console.runStarted(4);
        console.testStarted("default", test("/tests/a"), "local-1", 1, Duration.ofSeconds(60));
        console.testStarted("default", test("/tests/b"), "local-2", 1, Duration.ofSeconds(120));
        console.provisioningStarted("default", "local-3");
        clock.at(30);
        console.testFinished(finished("default", "/tests/a", 1, 1, "local-1", Outcome.PASS, 30_000, List.of()));
        console.testStarted("default", test("/tests/c"), "local-1", 1, Duration.ofSeconds(60));
        clock.at(40);
        console.machineRebooting("default", "local-2", "/tests/b");

        assertThat(screen(text.toString())).containsExactly(
                "pass /tests/a (30.0s) [local-1]",
                "  local-2  /tests/b (rebooting)  0:40 / ~2:00",
                "  local-1  /tests/c  0:10 / ~1:00",
                "  local-3  provisioning  0:40",
                // ETA: (80 s + 50 s left of b and c, + 1 test not started at the 30 s average) over 2 machines
                "[1/4] 1 pass · 2 running · 0:40 · ETA 1:20");
        assertThat(text.toString()).contains("\u001b[4A\r\u001b[J");

        console.machineReady("default", "local-3", Duration.ofSeconds(41));
        clock.at(100);
        console.testFinished(finished("default", "/tests/b", 2, 1, "local-2", Outcome.FAIL, 100_000, List.of()));
        console.testFinished(finished("default", "/tests/c", 3, 1, "local-1", Outcome.PASS, 70_000, List.of()));
        console.testFinished(finished("default", "/tests/d", 4, 1, null, Outcome.SKIP, 0, List.of()));
        console.runFinished(false);

        assertThat(screen(text.toString())).containsExactly(
                "pass /tests/a (30.0s) [local-1]",
                "ready local-3 (41.0s)",
                "fail /tests/b (1m40s) [local-2]",
                "pass /tests/c (1m10s) [local-1]",
                "skip /tests/d (0.0s)",
                "target   pass  fail  info  warn  error  skip  total",
                "default     2     1     0     0      0     1      4",
                "took 1m40s");
    }

    @Test
    void liveModeColoursOutcomesAndFitsLinesToTheWidth() {
        StringWriter text = new StringWriter();
        ConsoleReport console = ConsoleReport.builder().out(new PrintWriter(text)).live(true).color(true)
                .refresh(Duration.ZERO).width(40).clock(new ManualClock()).build();
        console.runStarted(2);
        console.testStarted("default", test("/a/very/long/test/name/that/does/not/fit/at/all"), "local-1", 1, null);

        List<String> screen = screen(text.toString());
        assertThat(screen.getFirst()).startsWith("  local-1  …").endsWith("0:00").hasSizeLessThanOrEqualTo(39);
        assertThat(screen.getLast()).isEqualTo("[0/2] 1 running · 0:00"); // no ETA without expected durations

        console.testFinished(finished("default", "/ok", 1, 1, "local-1", Outcome.PASS, 10, List.of()));
        assertThat(text.toString()).contains("\u001b[32mpass\u001b[0m /ok (0.0s) [local-1]");
        console.runFinished(true);
        assertThat(screen(text.toString())).contains("interrupted: 1 of 2 tests have no result · took 0.0s");
    }

    @Test
    void liveModeRefreshesElapsedTimesWithoutEventsAndStopsWhenTheRunEnds() {
        StringWriter text = new StringWriter();
        ManualClock clock = new ManualClock();
        ConsoleReport console = ConsoleReport.builder().out(new PrintWriter(text)).live(true).color(false)
                .refresh(Duration.ofMillis(20)).clock(clock).build();
        console.runStarted(1);
        console.testStarted("default", test("/slow"), "local-1", 1, null);
        clock.at(7);

        await().atMost(Duration.ofSeconds(30))
                .until(() -> screen(text.toString()).getFirst().endsWith("/slow  0:07"));

        console.runFinished(false);
        String atEnd = text.toString();
        clock.at(9);
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5)).until(() -> text.toString().equals(atEnd));
        assertThat(screen(atEnd)).doesNotContain("  local-1  /slow  0:07");
        console.close();
    }

    @Test
    void summaryOfAFinishedRun() {
        RunResults results = RunResults.of(List.of(
                finished("default", "/a", 1, 1, "m", Outcome.PASS, 1, List.of()),
                finished("default", "/b", 2, 1, "m", Outcome.PENDING, 1, List.of()),
                finished("default", "/a", 1, 2, "m", Outcome.INFO, 1, List.of())));

        assertThat(ConsoleReport.summary(results, Duration.ofSeconds(75), Path.of("dir"))).isEqualTo("""
                target   pass  fail  info  warn  error  skip  pending  total
                default     0     0     1     0      0     0        1      2
                took 1m15s · results in dir
                """);
    }

    /** An interrupted run's journal: three tests with a final result, one pending (its machine never came). */
    private static RunResults earlierIncarnation() {
        return RunResults.of(List.of(
                finished("default", "/a", 1, 1, "local-1", Outcome.PASS, 10_000, List.of()),
                finished("default", "/b", 2, 1, "local-1", Outcome.FAIL, 10_000, List.of()),
                finished("default", "/b", 2, 2, "local-2", Outcome.PASS, 10_000, List.of()),
                finished("default", "/c", 3, 1, null, Outcome.PENDING, 0, List.of("not run: no machine")),
                finished("default", "/d", 4, 1, "local-2", Outcome.FAIL, 10_000, List.of())));
    }

    @Test
    void resumedRunSummarizesTheWholeRunAndSaysWhatWasCarriedOver() {
        StringWriter text = new StringWriter();
        ManualClock clock = new ManualClock();
        ConsoleReport console = ConsoleReport.builder().out(new PrintWriter(text)).live(false).clock(clock).build();

        console.runResumed(earlierIncarnation());
        console.runStarted(2); // the pending /c runs again, and /e is new
        console.testFinished(finished("default", "/c", 3, 1, "local-3", Outcome.PASS, 2000, List.of()));
        console.testFinished(finished("default", "/e", 5, 1, "local-3", Outcome.ERROR, 1000, List.of()));
        clock.at(3);
        console.runFinished(false);

        assertThat(text.toString()).isEqualTo("""
                pass /c (2.0s) [local-3]
                errr /e (1.0s) [local-3]
                target   pass  fail  info  warn  error  skip  total
                default     3     1     0     0      1     0      5
                resumed: 3 results carried over from the earlier run
                took 3.0s
                """);
    }

    @Test
    void resumedRunCountsCarriedOverTestsAsDoneLiveAndEstimatesOnlyWhatRemains() {
        StringWriter text = new StringWriter();
        ManualClock clock = new ManualClock();
        ConsoleReport console = ConsoleReport.builder().out(new PrintWriter(text)).live(true).color(false)
                .refresh(Duration.ZERO).width(80).clock(clock).build();

        console.runResumed(earlierIncarnation());
        console.runStarted(3);
        console.testStarted("default", test("/c"), "local-1", 1, Duration.ofSeconds(60));
        clock.at(20);
        // ETA: 40 s left of /c, + 2 tests not started at the 60 s expected, on 1 machine
        assertThat(console.statusBlock().getLast()).isEqualTo("[3/6] 2 pass · 1 fail · 1 running · 0:20 · ETA 2:40");

        console.testFinished(finished("default", "/c", 3, 1, "local-1", Outcome.PASS, 20_000, List.of()));
        console.testStarted("default", test("/e"), "local-1", 1, Duration.ofSeconds(60));
        clock.at(30);
        // ETA: 50 s left of /e, + 1 test not started at this process's 20 s average
        assertThat(console.statusBlock().getLast()).isEqualTo("[4/6] 3 pass · 1 fail · 1 running · 0:30 · ETA 1:10");
        console.runFinished(true);

        assertThat(screen(text.toString())).containsSubsequence(
                "target   pass  fail  info  warn  error  skip  total",
                "default     3     1     0     0      0     0      4",
                "resumed: 3 results carried over from the earlier run",
                "interrupted: 2 of 6 tests have no result · took 30.0s");
    }

    @Test
    void interruptedResumeKeepsAPendingResultThatDidNotRunAgain() {
        StringWriter text = new StringWriter();
        ConsoleReport console = ConsoleReport.builder().out(new PrintWriter(text)).live(false)
                .clock(new ManualClock()).build();
        console.runResumed(earlierIncarnation());
        console.runStarted(2);
        console.runFinished(true);

        RunResults journal = earlierIncarnation();
        assertThat(text.toString()).as("the same counts as a report of the journal")
                .startsWith(ConsoleReport.summary(journal, null, null))
                .contains("resumed: 3 results carried over from the earlier run\n")
                .contains("interrupted: 1 of 5 tests have no result");
    }

    @Test
    void builderRejectsMissingOutput() {
        assertThatThrownBy(() -> ConsoleReport.builder().build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("out must be set");
    }
}
