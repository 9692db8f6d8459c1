package dev.corral.report.html;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import dev.corral.RunId;
import dev.corral.results.Outcome;
import dev.corral.results.ResultsDir;
import dev.corral.results.RunInfo;
import dev.corral.results.RunResults;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A 10 000-test run with 10 earlier runs for the duration history: the report is generated, its size and
 * generation time printed, and it loads and stays responsive in Chromium. Bounds are generous (a loaded 2-core
 * machine); the figures are printed for comparison.
 */
class HtmlReportScaleTest {
    private static final int TESTS = 10_000;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path tmp;

    @Test
    void tenThousandTestsGenerateQuicklyAndLoadInChromium() throws Exception {
        Path root = tmp.resolve("corral-results");
        Instant start = Instant.parse("2026-11-24T09:00:00Z");
        long f0 = System.nanoTime();
        ResultsDir dir = new SampleRun().tests(TESTS).machines(16).seed(3).start(start).write(root);
        long f1 = System.nanoTime();
        earlierRuns(root, dir, 10, start);
        System.out.printf("10k report: fixture written in %d ms, 10 earlier runs in %d ms%n", (f1 - f0) / 1_000_000,
                (System.nanoTime() - f1) / 1_000_000);
        RunResults results = RunResults.read(dir);

        long t0 = System.nanoTime();
        HtmlReport.write(dir);
        Duration generation = Duration.ofNanos(System.nanoTime() - t0);
        long size = Files.size(HtmlReport.file(dir));
        System.out.printf(Locale.ROOT, "10k report: %d tests, %d attempts, %.1f MiB, generated in %d ms%n",
                results.finals().size(), results.attempts().size(), size / 1048576.0, generation.toMillis());
        assertThat(size).isLessThan(HtmlReport.OUTPUT_BUDGET + 40L * 1024 * 1024);
        assertThat(generation).isLessThan(Duration.ofSeconds(60));
        assertThat(HtmlReportTest.data(HtmlReport.file(dir)).path("history")).hasSize(10);

        try (Chromium browser = Chromium.launch(tmp, 1440, 1000)) {
            Duration load = browser.open(HtmlReport.file(dir).toUri().toString());
            System.out.printf(Locale.ROOT, "10k report: ready in Chromium in %d ms%n", load.toMillis());
            assertThat(load).isLessThan(Duration.ofSeconds(60));
            assertThat(browser.problems()).isEmpty();
            assertThat(browser.eval("+document.getElementById('shown').dataset.count").intValue()).isEqualTo(TESTS);
            assertThat(browser.eval("document.querySelectorAll('#tbody .vrow').length").intValue())
                    .as("only visible rows are in the DOM").isBetween(1, 100);
            assertThat(browser.eval("document.querySelectorAll('#timeline .lane').length").intValue()).isEqualTo(16);

            long fails = results.finals().stream().filter(r -> r.outcome() == Outcome.FAIL).count();
            double filterMs = browser.eval("(() => { const t = performance.now();"
                    + " document.querySelector('.chip[data-outcome=fail]').click(); return performance.now() - t; })()")
                    .doubleValue();
            browser.await("+document.getElementById('shown').dataset.count === " + fails);
            browser.eval("document.getElementById('reset').click()");
            double sortMs = browser.eval("(() => { const t = performance.now();"
                    + " document.querySelector('[data-sort=duration]').click(); return performance.now() - t; })()")
                    .doubleValue();
            double scrollMs = browser.eval("(() => { const b = document.getElementById('tbody'); const t = performance.now();"
                    + " b.scrollTop = b.scrollHeight / 2; b.dispatchEvent(new Event('scroll'));"
                    + " return new Promise(r => requestAnimationFrame(() => r(performance.now() - t))); })()")
                    .doubleValue();
            assertThat(browser.eval("document.querySelectorAll('#tbody .vrow').length").intValue()).isBetween(1, 100);
            System.out.printf(Locale.ROOT, "10k report: filter %.0f ms, sort %.0f ms, scroll to the middle %.0f ms%n",
                    filterMs, sortMs, scrollMs);
            browser.eval("(function(){var s=document.getElementById('search'); s.value='selinux';"
                    + " s.dispatchEvent(new Event('input'));})()");
            long selinux = results.finals().stream().filter(r -> r.name().contains("selinux")).count();
            browser.await("+document.getElementById('shown').dataset.count === " + selinux);
            Path shot = Path.of("target").toAbsolutePath().resolve("html-report-10k.png");
            browser.eval("document.getElementById('reset').click(); window.scrollTo(0, 0)");
            browser.screenshot(shot);
            System.out.println("screenshot: " + shot);
            assertThat(browser.problems()).isEmpty();
        }
    }

    /**
     * Earlier runs beside the current one: copies of its journal with each duration scaled by a random factor, and
     * a {@code run.json} a day apart (written directly: the journal's fsync per line is not what is measured).
     */
    private static void earlierRuns(Path root, ResultsDir current, int runs, Instant start) throws Exception {
        List<String> lines = Files.readAllLines(current.journalFile());
        Random rnd = new Random(5);
        for (int k = 1; k <= runs; k++) {
            Instant runStart = start.minus(Duration.ofDays(k));
            String stamp = runStart.toString().replaceAll("[^0-9]", "").substring(0, 14);
            RunId id = new RunId(stamp.substring(0, 8) + "-" + stamp.substring(8) + "-h" + k);
            ResultsDir dir = ResultsDir.at(root.resolve("run-" + id.value()));
            List<String> out = new ArrayList<>(lines.size());
            for (String line : lines) {
                ObjectNode n = (ObjectNode) JSON.readTree(line);
                Instant s = Instant.parse(n.path("start-time").stringValue());
                Instant e = Instant.parse(n.path("end-time").stringValue());
                long ms = Math.round(Duration.between(s, e).toMillis() * (0.7 + 0.6 * rnd.nextDouble()));
                n.put("end-time", s.plusMillis(ms).toString());
                out.add(JSON.writeValueAsString(n));
            }
            Files.write(dir.journalFile(), out);
            dir.writeRunInfo(new RunInfo(id, RunInfo.Status.FINISHED, runStart, runStart.plusSeconds(3600), Map.of(),
                    Map.of(), "0.1.0"));
        }
    }
}
