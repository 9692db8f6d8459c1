package dev.corral.results;

import static dev.corral.results.ResultFixtures.result;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.corral.RunId;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunResultsTest {
    private static final Duration SECOND = Duration.ofSeconds(1);

    @Test
    void finalResultIsTheLastAttemptPerTargetAndName() {
        TestResult a1 = result("default", "/a", 1, 1, Outcome.FAIL, SECOND);
        TestResult b1 = result("default", "/b", 2, 1, Outcome.PASS, SECOND);
        TestResult a2 = result("default", "/a", 1, 2, Outcome.PASS, SECOND);
        TestResult aOther = result("f40", "/a", 1, 1, Outcome.ERROR, SECOND);

        RunResults results = RunResults.of(List.of(a1, b1, aOther, a2));

        assertThat(results.finals()).containsExactly(a2, b1, aOther);
        assertThat(results.targets()).containsExactly("default", "f40");
        assertThat(results.finals("f40")).containsExactly(aOther);
        assertThat(results.history("default", "/a")).containsExactly(a1, a2);
        assertThat(results.earlierAttempts(a2)).containsExactly(a1);
        assertThat(results.earlierAttempts(b1)).isEmpty();
        assertThat(results.hasReruns()).isTrue();
        assertThat(results.counts(null)).isEqualTo(Map.of(Outcome.PASS, 2, Outcome.ERROR, 1));
        assertThat(results.counts("default")).isEqualTo(Map.of(Outcome.PASS, 2));
        assertThat(results.exitCode()).isEqualTo(ExitCode.ERROR);
    }

    @Test
    void higherAttemptWinsEvenWhenJournaledEarlierAndTheLaterLineWinsATie() {
        TestResult second = result("default", "/a", 1, 2, Outcome.PASS, SECOND);
        TestResult first = result("default", "/a", 1, 1, Outcome.FAIL, SECOND);
        assertThat(RunResults.of(List.of(second, first)).finals()).containsExactly(second);

        TestResult requeued = result("default", "/b", 2, 1, Outcome.ERROR, SECOND);
        TestResult again = result("default", "/b", 2, 1, Outcome.PASS, SECOND);
        assertThat(RunResults.of(List.of(requeued, again)).finals()).containsExactly(again);
    }

    @Test
    void finalsAreOrderedByTargetThenSerialNumber() {
        TestResult c = result("default", "/c", 3, 1, Outcome.PASS, SECOND);
        TestResult a = result("default", "/a", 1, 1, Outcome.PASS, SECOND);
        TestResult x = result("f40", "/x", 1, 1, Outcome.PASS, SECOND);
        TestResult b = result("default", "/b", 2, 1, Outcome.PASS, SECOND);
        assertThat(RunResults.of(List.of(c, x, a, b)).finals()).containsExactly(a, b, c, x);
    }

    @Test
    void resumeKnowsWhichTestsHaveAFinalResult() {
        TestResult done = result("default", "/done", 1, 1, Outcome.FAIL, SECOND);
        TestResult pending = result("default", "/pending", 2, 1, Outcome.PENDING, SECOND);
        RunResults results = RunResults.of(List.of(done, pending));

        assertThat(results.hasFinal("default", "/done")).isTrue();
        assertThat(results.hasFinal("default", "/pending")).isFalse();
        assertThat(results.hasFinal("default", "/never")).isFalse();
        assertThat(results.hasFinal("other", "/done")).isFalse();
        assertThat(results.last("default", "/done")).contains(done);
    }

    @Test
    void readsTheJournalOfAResultsDirectory(@TempDir Path parent) {
        ResultsDir dir = ResultsDir.create(parent, RunId.generate());
        assertThat(RunResults.read(dir).finals()).isEmpty();
        assertThat(RunResults.read(dir).exitCode()).isEqualTo(ExitCode.NO_RESULTS);

        try (Journal journal = dir.openJournal()) {
            journal.append(result("/a", 1, Outcome.PASS));
            journal.append(result("/b", 2, Outcome.SKIP));
        }
        RunResults results = RunResults.read(dir);
        assertThat(results.finals()).hasSize(2);
        assertThat(results.hasReruns()).isFalse();
        assertThat(results.exitCode()).isEqualTo(ExitCode.PASSED);
    }
}
