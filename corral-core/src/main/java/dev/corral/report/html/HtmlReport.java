package dev.corral.report.html;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

import dev.corral.report.history.DurationHistory;
import dev.corral.report.timeline.MachineEvent;
import dev.corral.report.timeline.MachineEventLog;
import dev.corral.report.timeline.Timeline;
import dev.corral.results.AtomicFile;
import dev.corral.results.ResultsDir;
import dev.corral.results.ResultsException;
import dev.corral.results.RunInfo;
import dev.corral.results.RunResults;

import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes {@code report.html}: one self-contained page (no external scripts, styles, fonts or images; a
 * Content-Security-Policy forbids any) that opens offline in any browser and stays fast with 10 000 tests.
 *
 * <p>It shows the counts per outcome and per target, wall and test time, the machines used and how busy they
 * were; a table of tests (rendered incrementally: only visible rows exist in the DOM) filtered by outcome, target,
 * machine, tag and free text and sorted by name, duration or outcome; for each test its attempts (reruns and
 * requeues), notes, subresults, environment, context, machine, timings, a duration trend and the end of its
 * output; and a timeline with one lane per machine, a bar per attempt, provisioning and reboot spans and the
 * pool's utilisation.
 *
 * <p><b>Data sources</b> in the results directory: the journal, {@code run.json} (optional),
 * {@link MachineEventLog machines.jsonl} (optional; without it the timeline has no provisioning or reboot spans
 * and machines count as available from their first to their last attempt), sibling {@code run-*} directories for
 * the {@link DurationHistory duration history}, and each attempt's {@code output.txt}. From a result's
 * {@code extra} it reads {@code tag} or {@code tags} (a list of strings, or one string) as the test's tags and
 * {@code environment} (a map) as its environment, and shows the other keys as they are.
 *
 * <p><b>Output.</b> Up to {@value #OUTPUT_PER_ATTEMPT} bytes from the end of each attempt's output are embedded,
 * read from the end of the file, within {@value #OUTPUT_BUDGET} bytes per report spent on failing attempts first;
 * the rest is reachable by a relative link to the file.
 *
 * <p><b>Safety.</b> The data is JSON inside {@code <script type="application/json">}, with {@code <}, {@code >},
 * {@code &}, U+2028, U+2029 and all control characters escaped, and the page sets it as text only, so no test
 * name, note or output can end the script element or inject markup.
 *
 * <pre>{@code
 * HtmlReport.write(dir);                                // DIR/report.html
 * HtmlReport.write(dir, Path.of("/tmp/run.html"));      // corral report DIR --html F; links still work
 * }</pre>
 *
 * <p>Stateless and thread-safe. Blocking; uses no interruptible I/O, so it works after Ctrl-C. The page is
 * streamed to a temporary file and renamed over the target.
 */
@API(status = API.Status.EXPERIMENTAL)
public final class HtmlReport {
    /** The report's file name in a results directory. */
    public static final String FILE_NAME = "report.html";
    /** Bytes of output embedded at most per attempt. */
    public static final int OUTPUT_PER_ATTEMPT = 32 * 1024;
    /** Bytes of output embedded at most per report. */
    public static final long OUTPUT_BUDGET = 32L * 1024 * 1024;
    /** Earlier runs read for the duration history. */
    public static final int HISTORY_RUNS = 10;

    private static final Logger LOG = LoggerFactory.getLogger(HtmlReport.class);

    /** How much the report embeds; package-private for tests. */
    record Limits(int outputPerAttempt, long outputBudget, int historyRuns) {
        static final Limits DEFAULT = new Limits(OUTPUT_PER_ATTEMPT, OUTPUT_BUDGET, HISTORY_RUNS);
    }

    private HtmlReport() {
    }

    /** {@code DIR/report.html}. */
    public static Path file(ResultsDir dir) {
        Objects.requireNonNull(dir, "dir must not be null");
        return dir.path().resolve(FILE_NAME);
    }

    /**
     * Reads the journal and writes {@code DIR/report.html}.
     *
     * @throws ResultsException when the journal is corrupt or the report cannot be written
     */
    public static void write(ResultsDir dir) {
        write(dir, RunResults.read(dir), file(dir));
    }

    /**
     * Reads the journal and writes the report to {@code out} ({@code corral report DIR --html F}); links to output
     * files are relative to where {@code out} is.
     *
     * @throws ResultsException when the journal is corrupt or the report cannot be written
     */
    public static void write(ResultsDir dir, Path out) {
        write(dir, RunResults.read(dir), out);
    }

    /**
     * Writes the report of already read results to {@code out}, atomically.
     *
     * @throws ResultsException when the report cannot be written
     */
    public static void write(ResultsDir dir, RunResults results, Path out) {
        write(dir, results, out, Limits.DEFAULT);
    }

    static void write(ResultsDir dir, RunResults results, Path out, Limits limits) {
        Objects.requireNonNull(dir, "dir must not be null");
        Objects.requireNonNull(results, "results must not be null");
        Objects.requireNonNull(out, "out must not be null");
        Path reportDir = out.toAbsolutePath().normalize().getParent();
        try {
            Files.createDirectories(reportDir);
        } catch (IOException e) {
            throw new ResultsException("cannot create " + reportDir + " for the HTML report: " + e.getMessage(), e);
        }
        AtomicFile.write(out, stream -> render(dir, results, reportDir, limits, stream));
    }

    /** Writes the page to a stream (not closed); {@code reportDir} is where the page will be, for links. */
    static void render(ResultsDir dir, RunResults results, Path reportDir, Limits limits, OutputStream out)
            throws IOException {
        RunInfo info = runInfo(dir);
        List<MachineEvent> events = machineEvents(dir);
        Timeline timeline = Timeline.of(results.attempts(), events, info == null ? null : info.start(),
                info == null ? null : info.end());
        DurationHistory history = DurationHistory.gather(dir, limits.historyRuns());
        OutputPlan outputs = OutputPlan.of(dir, results, limits.outputPerAttempt(), limits.outputBudget());
        Path resultsPath = dir.path().toAbsolutePath().normalize();
        ReportData data = new ReportData(results, info, name(resultsPath), base(reportDir, resultsPath), timeline,
                history, outputs, Instant.now());
        Template template = Template.get();
        out.write(template.head());
        Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 64 * 1024);
        data.write(new ScriptJson(writer));
        writer.flush();
        out.write(template.tail());
    }

    /** The prefix that leads from the report's directory to the results directory: {@code ""} or {@code "../x/"}. */
    static String base(Path reportDir, Path resultsDir) {
        if (reportDir.equals(resultsDir)) {
            return "";
        }
        try {
            String rel = reportDir.relativize(resultsDir).toString().replace('\\', '/');
            return rel.isEmpty() ? "" : rel + "/";
        } catch (IllegalArgumentException e) {
            return resultsDir.toUri().toString(); // another root: an absolute file URL
        }
    }

    private static String name(Path p) {
        Path n = p.getFileName();
        return n == null ? p.toString() : n.toString();
    }

    private static RunInfo runInfo(ResultsDir dir) {
        if (!Files.exists(dir.runJson())) {
            return null;
        }
        try {
            return dir.readRunInfo();
        } catch (ResultsException e) {
            LOG.warn("the HTML report shows no run information: {}", e.getMessage());
            return null;
        }
    }

    private static List<MachineEvent> machineEvents(ResultsDir dir) {
        try {
            return MachineEventLog.read(dir);
        } catch (ResultsException e) {
            LOG.warn("the HTML report's timeline shows no provisioning or reboots: {}", e.getMessage());
            return List.of();
        }
    }
}
