package dev.corral.report;

import static dev.corral.results.ResultFixtures.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;

import dev.corral.RunId;
import dev.corral.report.junit.TmtJUnitXsd;
import dev.corral.report.tmt.TmtSchema;
import dev.corral.results.ExitCode;
import dev.corral.results.Journal;
import dev.corral.results.Outcome;
import dev.corral.results.ResultsDir;
import dev.corral.results.ResultsException;
import dev.corral.results.RunResults;
import dev.corral.results.TestResult;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xml.sax.SAXException;

class ReportsTest {
    @TempDir
    Path parent;

    private ResultsDir runWith(List<TestResult> attempts) throws IOException {
        ResultsDir dir = ResultsDir.create(parent, RunId.generate());
        try (Journal journal = dir.openJournal()) {
            for (TestResult r : attempts) {
                Path out = dir.resolve(r.logs().getFirst());
                Files.createDirectories(out.getParent());
                Files.writeString(out, "output of " + r.name() + " attempt " + r.attempt() + "\n");
                journal.append(r);
            }
        }
        return dir;
    }

    @Test
    void regeneratesResultsYamlAndJunitXmlFromTheJournal() throws Exception {
        ResultsDir dir = runWith(List.of(
                result("/tests/a", 1, Outcome.PASS),
                result("default", "/tests/b", 2, 1, Outcome.FAIL, Duration.ofSeconds(2)),
                result("default", "/tests/b", 2, 2, Outcome.PASS, Duration.ofSeconds(2)),
                result("/tests/c", 3, Outcome.FAIL)));

        RunResults results = Reports.writeAll(ResultsDir.open(dir.path()));

        assertThat(results.exitCode()).isEqualTo(ExitCode.FAILED);
        assertThat(TmtSchema.validate(Files.readString(dir.resultsYaml()))).isEmpty();
        assertThat(Files.readString(dir.resultsYaml())).contains("name: /tests/b", "earlier attempts: fail");
        String junit = Files.readString(dir.junitXml());
        assertThat(junit).contains("<flakyFailure", "output of /tests/b attempt 1", "output of /tests/c attempt 1");
        assertThat(junit).contains("tests=\"3\"");
        // documented: Surefire's rerun elements are unknown to tmt's XSD, so only runs without reruns validate
        assertThatThrownBy(() -> TmtJUnitXsd.validate(dir.junitXml())).isInstanceOf(SAXException.class)
                .hasMessageContaining("flakyFailure");
    }

    @Test
    void worksFromAnInterruptedThreadAsAfterCtrlC() throws Exception {
        ResultsDir dir = runWith(List.of(result("/tests/a", 1, Outcome.PASS), result("/tests/b", 2, Outcome.ERROR)));
        Thread.currentThread().interrupt();
        try {
            RunResults results = Reports.writeAll(dir);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
            assertThat(results.exitCode()).isEqualTo(ExitCode.ERROR);
        } finally {
            Thread.interrupted();
        }
        TmtJUnitXsd.validate(dir.junitXml());
        assertThat(TmtSchema.validate(Files.readString(dir.resultsYaml()))).isEmpty();
    }

    @Test
    void aCorruptJournalNamesTheLineAndKeepsThePreviousReports() throws Exception {
        ResultsDir dir = runWith(List.of(result("/tests/a", 1, Outcome.PASS)));
        Reports.writeAll(dir);
        String yamlBefore = Files.readString(dir.resultsYaml());
        String junitBefore = Files.readString(dir.junitXml());
        Files.writeString(dir.journalFile(), "not json\n", StandardOpenOption.APPEND);
        try (Journal journal = dir.openJournal()) {
            journal.append(result("/tests/b", 2, Outcome.PASS));
        }

        assertThatThrownBy(() -> Reports.writeAll(dir)).isInstanceOf(ResultsException.class)
                .hasMessageStartingWith(dir.journalFile() + ":2: invalid JSON");
        assertThat(Files.readString(dir.resultsYaml())).isEqualTo(yamlBefore);
        assertThat(Files.readString(dir.junitXml())).isEqualTo(junitBefore);
    }

    @Test
    void aRunWithoutResultsGetsEmptyReportsAndExitCodeThree() throws Exception {
        ResultsDir dir = ResultsDir.create(parent, RunId.generate());
        RunResults results = Reports.writeAll(dir);
        assertThat(results.exitCode().code()).isEqualTo(3);
        assertThat(Files.readString(dir.resultsYaml())).isEqualTo("[]\n");
        TmtJUnitXsd.validate(dir.junitXml());
    }
}
