package dev.corral.report;

import java.util.Objects;

import dev.corral.report.html.HtmlReport;
import dev.corral.report.junit.JUnitXml;
import dev.corral.report.tmt.TmtResultsYaml;
import dev.corral.results.ResultsDir;
import dev.corral.results.RunResults;

import org.apiguardian.api.API;

/**
 * Regenerates the file reports of a results directory from its journal: {@code results.yaml} (tmt),
 * {@code junit.xml} and {@code report.html}. Called at the end of every run, after Ctrl-C too, and by
 * {@code corral report DIR}. Each file is replaced atomically, so an interrupted regeneration leaves the previous
 * version.
 *
 * <pre>{@code
 * RunResults results = Reports.writeAll(ResultsDir.open(Path.of("corral-results/latest")));
 * int exit = results.exitCode().code();
 * }</pre>
 *
 * <p>Blocking; safe to call from a thread whose interrupt flag is set (it uses no interruptible I/O).
 */
@API(status = API.Status.EXPERIMENTAL)
public final class Reports {
    private Reports() {
    }

    /**
     * Reads the journal and writes {@code results.yaml}, {@code junit.xml} and {@code report.html}.
     *
     * @return the results the reports were made from
     * @throws dev.corral.results.ResultsException when the journal is corrupt or a report cannot be written
     */
    public static RunResults writeAll(ResultsDir dir) {
        Objects.requireNonNull(dir, "dir must not be null");
        RunResults results = RunResults.read(dir);
        TmtResultsYaml.write(dir, results);
        JUnitXml.write(dir, results);
        HtmlReport.write(dir, results, HtmlReport.file(dir));
        return results;
    }
}
