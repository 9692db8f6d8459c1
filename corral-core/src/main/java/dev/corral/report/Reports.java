package dev.corral.report;

import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

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
        writeAll(dir, results);
        return results;
    }

    /**
     * Writes {@code results.yaml}, {@code junit.xml} and {@code report.html} from results the caller holds, which
     * must be what the journal holds (a run passes the attempts it journaled).
     *
     * @throws dev.corral.results.ResultsException when a report cannot be written
     */
    public static void writeAll(ResultsDir dir, RunResults results) {
        Objects.requireNonNull(dir, "dir must not be null");
        Objects.requireNonNull(results, "results must not be null");
        // results.yaml on a second thread: the reports of hundreds of tests take tens of milliseconds each in a
        // JVM that has only started, and the end of a run waits for them
        FutureTask<Void> yaml = new FutureTask<>(() -> {
            TmtResultsYaml.write(dir, results);
            return null;
        });
        Thread.ofVirtual().name("results-yaml").start(yaml);
        RuntimeException failure = null;
        try {
            JUnitXml.write(dir, results);
            HtmlReport.write(dir, results, HtmlReport.file(dir));
        } catch (RuntimeException e) {
            failure = e;
        }
        try {
            await(yaml);
        } catch (RuntimeException e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Waits for the task whatever the interrupt flag (left as it was) and rethrows its failure. */
    private static void await(FutureTask<Void> task) {
        boolean interrupted = Thread.interrupted();
        try {
            while (true) {
                try {
                    task.get();
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    switch (e.getCause()) {
                        case RuntimeException r -> throw r;
                        case Error error -> throw error;
                        default -> throw new IllegalStateException(e.getCause());
                    }
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
