package dev.corral.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.Duration;
import java.util.concurrent.Callable;

import dev.corral.report.Reports;
import dev.corral.report.console.ConsoleReport;
import dev.corral.report.html.HtmlReport;
import dev.corral.report.junit.JUnitXml;
import dev.corral.report.tmt.TmtResultsYaml;
import dev.corral.results.ResultsDir;
import dev.corral.results.RunInfo;
import dev.corral.results.RunResults;
import dev.corral.results.TestResult;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code corral report DIR}: regenerates a results directory's reports from its journal. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Regenerate the reports of a results directory from its journal (results.jsonl).")
final class ReportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "Results directory (e.g. corral-results/latest).")
    Path dir;

    @Option(names = "--junit", paramLabel = "FILE", description = "Also write the JUnit XML report to FILE.")
    Path junit;

    @Option(names = "--yaml", paramLabel = "FILE", description = "Also write tmt's results.yaml to FILE.")
    Path yaml;

    @Option(names = "--html", paramLabel = "FILE", description = "Also write the single-file HTML report to FILE.")
    Path html;

    @Override
    public Integer call() {
        ResultsDir results = ResultsDir.open(dir);
        RunResults all = Reports.writeAll(results);
        if (junit != null) {
            JUnitXml.write(results, all, junit);
        }
        if (yaml != null) {
            TmtResultsYaml.write(yaml, all);
        }
        if (html != null) {
            HtmlReport.write(results, all, html);
        }
        Duration took = wallTime(results, all);
        spec.commandLine().getOut().print(ConsoleReport.summary(all, took, results.path()));
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** The run's wall time from run.json; from the first start to the last end when run.json is missing. */
    private static Duration wallTime(ResultsDir dir, RunResults all) {
        if (Files.exists(dir.runJson())) {
            RunInfo info = dir.readRunInfo();
            if (info.end() != null) {
                return Duration.between(info.start(), info.end());
            }
        }
        Instant first = all.attempts().stream().map(TestResult::start).min(Instant::compareTo).orElse(Instant.EPOCH);
        Instant last = all.attempts().stream().map(TestResult::end).max(Instant::compareTo).orElse(Instant.EPOCH);
        return Duration.between(first, last);
    }
}
