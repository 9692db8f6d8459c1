package dev.corral.report.html;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.corral.report.Reports;
import dev.corral.results.Outcome;
import dev.corral.results.ResultsDir;
import dev.corral.results.RunResults;
import dev.corral.results.TestResult;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;

/** The generated report in a real headless Chromium, opened from a {@code file://} URL. */
class HtmlReportBrowserTest {
    @TempDir
    Path tmp;

    private static Path targetDir() throws java.io.IOException {
        Path t = Path.of("target").toAbsolutePath();
        Files.createDirectories(t);
        return t;
    }

    private ResultsDir runWithHistory() throws Exception {
        Path root = tmp.resolve("corral-results");
        Instant t0 = Instant.parse("2026-11-20T09:00:00Z");
        for (int k = 0; k < 4; k++) {
            new SampleRun().tests(60).machines(4).seed(100 + k).start(t0.plusSeconds(86_400L * k)).write(root);
        }
        return new SampleRun().tests(60).machines(4).seed(7).start(Instant.parse("2026-11-24T09:00:00Z"))
                .failRate(0.12).write(root);
    }

    @Test
    void summaryFiltersSearchSortingTimelineAndDetailsWorkInChromium() throws Exception {
        ResultsDir dir = runWithHistory();
        RunResults results = Reports.writeAll(dir);
        List<TestResult> finals = results.finals();
        Path page = HtmlReport.file(dir);
        assertThat(page).exists();

        try (Chromium browser = Chromium.launch(tmp, 1440, 1000)) {
            browser.open(page.toUri().toString());
            assertThat(browser.problems()).as("console errors").isEmpty();

            // summary: one card per outcome with the right count, and the total
            assertThat(browser.eval("document.querySelector('.ocard.total .num').textContent").stringValue())
                    .isEqualTo(Integer.toString(finals.size()));
            for (var e : results.counts(null).entrySet()) {
                String count = browser.eval("(document.querySelector('[data-outcome-count=\"" + e.getKey().tmtName()
                        + "\"] .num') || {}).textContent").stringValue("missing");
                assertThat(count).as("count of " + e.getKey()).isEqualTo(Integer.toString(e.getValue()));
            }
            assertThat(shownCount(browser)).isEqualTo(finals.size());
            int rendered = browser.eval("document.querySelectorAll('#tbody .vrow').length").intValue();
            assertThat(rendered).isPositive().isLessThanOrEqualTo(finals.size());

            // outcome filter: only failing rows remain
            long fails = finals.stream().filter(r -> r.outcome() == Outcome.FAIL).count();
            assertThat(fails).isPositive();
            browser.eval("document.querySelector('.chip[data-outcome=fail]').click()");
            browser.await("+document.getElementById('shown').dataset.count === " + fails);
            assertThat(rowOutcomes(browser)).isNotEmpty().containsOnly("fail");
            // a second outcome widens the filter
            long errors = finals.stream().filter(r -> r.outcome() == Outcome.ERROR).count();
            browser.eval("document.querySelector('.chip[data-outcome=error]') && "
                    + "document.querySelector('.chip[data-outcome=error]').click()");
            browser.await("+document.getElementById('shown').dataset.count === " + (fails + errors));
            browser.eval("document.getElementById('reset').click()");
            browser.await("+document.getElementById('shown').dataset.count === " + finals.size());

            // free-text search narrows to the tests whose name contains the text
            String needle = "selinux/reload";
            long expected = finals.stream().filter(r -> r.name().contains(needle)).count();
            assertThat(expected).isPositive();
            browser.eval("(function(){var s=document.getElementById('search'); s.value='" + needle + "';"
                    + " s.dispatchEvent(new Event('input'));})()");
            browser.await("+document.getElementById('shown').dataset.count === " + expected);
            for (JsonNode title : browser.eval("[...document.querySelectorAll('#tbody .vrow .nm')].map(e => e.title)")) {
                assertThat(title.stringValue()).contains(needle);
            }
            browser.eval("document.getElementById('reset').click()");
            browser.await("+document.getElementById('shown').dataset.count === " + finals.size());

            // sort by duration: longest first, then shortest first
            browser.eval("document.querySelector('[data-sort=duration]').click()");
            List<Long> durations = longs(browser.eval("[...document.querySelectorAll('#tbody .vrow .dur')]"
                    + ".sort((a,b) => parseFloat(a.parentNode.style.top) - parseFloat(b.parentNode.style.top))"
                    + ".map(e => +e.dataset.ms)"));
            long longest = finals.stream().mapToLong(r -> r.duration().toMillis()).max().orElseThrow();
            assertThat(durations.getFirst()).isEqualTo(longest);
            assertThat(durations).isSortedAccordingTo(Comparator.reverseOrder());
            browser.eval("document.querySelector('[data-sort=duration]').click()");
            durations = longs(browser.eval("[...document.querySelectorAll('#tbody .vrow .dur')]"
                    + ".sort((a,b) => parseFloat(a.parentNode.style.top) - parseFloat(b.parentNode.style.top))"
                    + ".map(e => +e.dataset.ms)"));
            assertThat(durations).isSorted();
            // sort by name
            browser.eval("document.querySelector('[data-sort=name]').click()");
            List<String> names = new ArrayList<>();
            browser.eval("[...document.querySelectorAll('#tbody .vrow')]"
                    + ".sort((a,b) => parseFloat(a.style.top) - parseFloat(b.style.top))"
                    + ".map(e => e.querySelector('.nm').title)").forEach(n -> names.add(n.stringValue()));
            assertThat(names).isSortedAccordingTo(Comparator.comparing(s -> s.toLowerCase(java.util.Locale.ROOT)));
            // sort by outcome: worst first
            browser.eval("document.querySelector('[data-sort=outcome]').click()");
            assertThat(rowOutcomesInOrder(browser).getFirst()).isEqualTo(
                    finals.stream().anyMatch(r -> r.outcome() == Outcome.ERROR) ? "error" : "fail");

            // timeline: one lane per machine
            Set<String> machines = new HashSet<>();
            results.attempts().stream().map(TestResult::machine).filter(m -> m != null).forEach(machines::add);
            List<String> lanes = new ArrayList<>();
            browser.eval("[...document.querySelectorAll('#timeline .lane')].map(e => e.dataset.machine)")
                    .forEach(n -> lanes.add(n.stringValue()));
            assertThat(lanes).hasSize(machines.size()).containsExactlyInAnyOrderElementsOf(machines);
            assertThat(browser.eval("document.getElementById('util').textContent").stringValue())
                    .matches("pool busy \\d+% of available machine time.*");

            Path shot = targetDir().resolve("html-report.png");
            browser.eval("document.getElementById('reset').click(); window.scrollTo(0, 0)");
            browser.screenshot(shot);
            System.out.println("screenshot: " + shot);

            // details of a failing test: outcome, attempts, output tail embedded
            TestResult failing = finals.stream().filter(r -> r.outcome() == Outcome.FAIL).findFirst().orElseThrow();
            int index = finals.indexOf(failing);
            browser.eval("document.querySelector('[data-sort=outcome]').click()");
            browser.eval("document.querySelector('#tbody .vrow[data-i=\"" + index + "\"]').click()");
            browser.await("!document.getElementById('detail').hidden");
            String detail = browser.eval("document.getElementById('detail').innerText").stringValue();
            assertThat(detail).contains(failing.name(), "AssertionError: service did not start", "Attempts");
            assertThat(browser.eval("document.querySelector('#detail pre.out').textContent").stringValue())
                    .endsWith("(Expected 0, got 3)\n");
            Path detailShot = targetDir().resolve("html-report-detail.png");
            browser.screenshot(detailShot);
            System.out.println("screenshot: " + detailShot);
            assertThat(browser.problems()).as("console errors").isEmpty();
        }
    }

    @Test
    void hostileTestNamesNotesAndOutputStayText() throws Exception {
        ResultsDir dir = new SampleRun().tests(12).machines(2).hostile().write(tmp.resolve("r"));
        Reports.writeAll(dir);
        String html = Files.readString(HtmlReport.file(dir));
        assertThat(html.toLowerCase(java.util.Locale.ROOT).split("</script>", -1)).hasSize(3); // data + app only

        try (Chromium browser = Chromium.launch(tmp, 1280, 900)) {
            browser.open(HtmlReport.file(dir).toUri().toString());
            assertThat(browser.problems()).isEmpty();
            assertThat(browser.eval("typeof window.__pwned").stringValue()).isEqualTo("undefined");
            assertThat(browser.eval("document.querySelectorAll('script').length").intValue()).isEqualTo(2);
            assertThat(browser.eval("document.querySelectorAll('img').length").intValue()).isZero();
            browser.eval("(function(){var s=document.getElementById('search'); s.value='</script>';"
                    + " s.dispatchEvent(new Event('input'));})()");
            browser.await("+document.getElementById('shown').dataset.count === 1");
            assertThat(browser.eval("document.querySelector('#tbody .vrow .nm').title").stringValue())
                    .isEqualTo(SampleRun.HOSTILE_NAME);
            browser.eval("document.querySelector('#tbody .vrow').click()");
            browser.await("!document.getElementById('detail').hidden");
            assertThat(browser.eval("document.querySelector('#detail .dn').textContent").stringValue())
                    .isEqualTo(SampleRun.HOSTILE_NAME);
            // the note of test 2 keeps its line and paragraph separators
            browser.eval("document.getElementById('reset').click()");
            browser.eval("document.querySelector('#tbody .vrow[data-i=\"1\"]').click()");
            browser.await("document.querySelector('#detail .notes-list')");
            assertThat(browser.eval("document.querySelector('#detail .notes-list li').textContent").stringValue())
                    .isEqualTo(SampleRun.HOSTILE_NOTE);
            assertThat(browser.eval("document.querySelector('#detail pre.out').textContent").stringValue())
                    .contains("</script><script>window.__pwned=3</script>", "\u2028", "\u2029");
            assertThat(browser.eval("typeof window.__pwned").stringValue()).isEqualTo("undefined");
            assertThat(browser.problems()).isEmpty();
        }
    }

    @Test
    void multiTargetRunsGetATargetColumnFilterAndPerTargetCounts() throws Exception {
        ResultsDir dir = new SampleRun().tests(30).machines(4).targets("fedora-41", "centos-stream-10")
                .write(tmp.resolve("r"));
        RunResults results = Reports.writeAll(dir);
        int third = 3;
        try (Chromium browser = Chromium.launch(tmp, 1280, 900)) {
            browser.open(HtmlReport.file(dir).toUri().toString() + "#test=" + third);
            assertThat(browser.problems()).isEmpty();
            // a link to a test opens its details
            assertThat(browser.eval("document.getElementById('detail').hidden").booleanValue()).isFalse();
            assertThat(browser.eval("document.querySelector('#detail .dn').textContent").stringValue())
                    .isEqualTo(results.finals().get(third).name());
            browser.eval("document.querySelector('#detail .dclose').click()");

            List<String> heads = new ArrayList<>();
            browser.eval("[...document.querySelectorAll('#thead .h')].map(e => e.textContent)")
                    .forEach(n -> heads.add(n.stringValue()));
            assertThat(heads).contains("Target");
            assertThat(browser.eval("document.querySelectorAll('#targets tbody tr').length").intValue()).isEqualTo(2);
            assertThat(browser.eval("document.getElementById('f-target').hidden").booleanValue()).isFalse();
            long centos = results.finals("centos-stream-10").size();
            browser.eval("(function(){var s=document.getElementById('f-target');"
                    + " s.value=[...s.options].find(o => o.textContent === 'centos-stream-10').value;"
                    + " s.dispatchEvent(new Event('change'));})()");
            browser.await("+document.getElementById('shown').dataset.count === " + centos);
            List<String> targets = new ArrayList<>();
            browser.eval("[...document.querySelectorAll('#tbody .vrow .tg')].map(e => e.textContent)")
                    .forEach(n -> targets.add(n.stringValue()));
            assertThat(targets).isNotEmpty().containsOnly("centos-stream-10");
            assertThat(browser.eval("document.querySelectorAll('#timeline .lane').length").intValue()).isEqualTo(4);
            assertThat(browser.problems()).isEmpty();
        }
    }

    @Test
    void aRunWithoutResultsRendersWithoutErrors() throws Exception {
        ResultsDir dir = ResultsDir.create(tmp.resolve("r"), dev.corral.RunId.generate());
        Reports.writeAll(dir);
        try (Chromium browser = Chromium.launch(tmp, 1280, 900)) {
            browser.open(HtmlReport.file(dir).toUri().toString());
            assertThat(browser.problems()).isEmpty();
            assertThat(shownCount(browser)).isZero();
            assertThat(browser.eval("document.querySelector('.ocard.total .num').textContent").stringValue())
                    .isEqualTo("0");
            assertThat(browser.eval("document.getElementById('timeline').textContent").stringValue())
                    .isEqualTo("No test ran on a machine.");
        }
    }

    private static int shownCount(Chromium browser) throws InterruptedException {
        return Integer.parseInt(browser.eval("document.getElementById('shown').dataset.count").stringValue());
    }

    private static List<String> rowOutcomes(Chromium browser) throws InterruptedException {
        List<String> out = new ArrayList<>();
        browser.eval("[...document.querySelectorAll('#tbody .vrow')].map(e => e.dataset.outcome)")
                .forEach(n -> out.add(n.stringValue()));
        return out;
    }

    private static List<String> rowOutcomesInOrder(Chromium browser) throws InterruptedException {
        List<String> out = new ArrayList<>();
        browser.eval("[...document.querySelectorAll('#tbody .vrow')]"
                + ".sort((a,b) => parseFloat(a.style.top) - parseFloat(b.style.top)).map(e => e.dataset.outcome)")
                .forEach(n -> out.add(n.stringValue()));
        return out;
    }

    private static List<Long> longs(JsonNode array) {
        List<Long> out = new ArrayList<>();
        array.forEach(n -> out.add(n.longValue()));
        return out;
    }
}
