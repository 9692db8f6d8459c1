package dev.corral.report.html;

import static dev.corral.results.ResultFixtures.result;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.corral.RunId;
import dev.corral.report.Reports;
import dev.corral.results.Journal;
import dev.corral.results.Outcome;
import dev.corral.results.ResultsDir;
import dev.corral.results.RunResults;
import dev.corral.results.TestResult;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class HtmlReportTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String DATA_OPEN = "<script type=\"application/json\" id=\"corral-data\">";

    @TempDir
    Path tmp;

    /** The embedded data of a written page. */
    static JsonNode data(Path page) throws IOException {
        String html = Files.readString(page);
        int from = html.indexOf(DATA_OPEN) + DATA_OPEN.length();
        int to = html.indexOf("</script>", from);
        return JSON.readTree(html.substring(from, to));
    }

    @Test
    void thePageIsOneFileWithNothingExternalAndAStrictContentSecurityPolicy() throws Exception {
        ResultsDir dir = new SampleRun().tests(30).write(tmp);
        HtmlReport.write(dir);
        String html = Files.readString(HtmlReport.file(dir));

        assertThat(html).startsWith("<!DOCTYPE html>");
        assertThat(html).doesNotContainPattern("(?i)\\ssrc\\s*=").doesNotContainPattern("(?i)@import")
                .doesNotContainPattern("(?i)url\\(").doesNotContainPattern("(?i)<link(?![^>]*href=\"data:)");
        assertThat(html).doesNotContainPattern("(?i)(https?:)?//[a-z0-9.-]+\\.[a-z]{2,}/(?!2000/svg)");
        Matcher csp = Pattern.compile("default-src 'none'; img-src data:; style-src '(sha256-[^']+)'; "
                + "script-src '(sha256-[^']+)'").matcher(html);
        assertThat(csp.find()).as("CSP meta").isTrue();
        String style = between(html, "<style>", "</style>");
        String script = between(html, "<script>", "</script>");
        assertThat(csp.group(1)).isEqualTo(sha256(style));
        assertThat(csp.group(2)).isEqualTo(sha256(script));
        assertThat(html.toLowerCase(java.util.Locale.ROOT).split("</script>", -1)).hasSize(3);
    }

    @Test
    void theInlinedStyleAndScriptNeitherCloseTheirTagNorMissTheirHashInThePolicy() throws Exception {
        String css = Template.resource("report.css");
        String js = Template.resource("report.js");
        assertThat(containsTag(css, "</style")).as("report.css closes its <style>").isFalse();
        assertThat(containsTag(js, "</script")).as("report.js closes its <script>").isFalse();
        String html = Template.resource("report.html");
        assertThat(html).as("report.html must allow report.css by its hash").contains("style-src '" + sha256(css) + "'");
        assertThat(html).as("report.html must allow report.js by its hash").contains("script-src '" + sha256(js) + "'");
    }

    @Test
    void theDataHasEveryTestWithItsAttemptsMachinesTimelineAndTags() throws Exception {
        ResultsDir dir = new SampleRun().tests(40).machines(3).failRate(0.2).write(tmp);
        RunResults results = RunResults.read(dir);
        HtmlReport.write(dir);
        JsonNode data = data(HtmlReport.file(dir));

        assertThat(data.path("format").intValue()).isEqualTo(1);
        assertThat(data.path("run").path("id").stringValue()).isEqualTo(dir.readRunInfo().id().value());
        assertThat(data.path("base").stringValue()).isEmpty();
        assertThat(data.path("tests")).hasSize(results.finals().size());
        int attempts = 0;
        for (int i = 0; i < results.finals().size(); i++) {
            TestResult f = results.finals().get(i);
            JsonNode t = data.path("tests").get(i);
            assertThat(t.path("name").stringValue()).isEqualTo(f.name());
            JsonNode last = t.path("attempts").get(t.path("attempts").size() - 1);
            assertThat(last.path("outcome").stringValue()).isEqualTo(f.outcome().tmtName());
            assertThat(last.path("end").longValue() - last.path("start").longValue())
                    .isEqualTo(f.duration().toMillis());
            assertThat(t.path("attempts").size()).isEqualTo(results.history(f.target(), f.name()).size());
            assertThat(t.path("tags").size()).isPositive();
            assertThat(t.path("env").path("LANG").stringValue()).isEqualTo("C.UTF-8");
            assertThat(last.path("extra").has("tag")).as("tags are not repeated in extra").isFalse();
            if (f.machine() != null) {
                assertThat(data.path("machines").get(last.path("machine").intValue()).stringValue())
                        .isEqualTo(f.machine());
                assertThat(last.path("lane").intValue()).isNotNegative();
            }
            attempts += t.path("attempts").size();
        }
        assertThat(attempts).isEqualTo(results.attempts().size());
        assertThat(data.path("timeline").path("lanes")).hasSize(3);
        assertThat(data.path("timeline").path("failures")).hasSize(1);
        assertThat(data.path("timeline").path("utilisation").doubleValue()).isBetween(0.5, 1.0);
        JsonNode spans = data.path("timeline").path("lanes").get(0).path("spans");
        assertThat(spans.get(0).path("kind").stringValue()).isEqualTo("provisioning");
    }

    @Test
    void embedsTheEndOfOutputsWithinThePerAttemptLimitAndTheBudgetFailingAttemptsFirst() throws Exception {
        ResultsDir dir = ResultsDir.create(tmp, RunId.generate());
        List<TestResult> attempts = List.of(
                result("/a-pass", 1, Outcome.PASS),
                result("/b-fail", 2, Outcome.FAIL),
                result("/c-pass", 3, Outcome.PASS),
                result("/d-error", 4, Outcome.ERROR));
        write(dir, attempts, r -> lines(r.name(), 400)); // ~ 9 KB each
        HtmlReport.write(dir, RunResults.read(dir), HtmlReport.file(dir), new HtmlReport.Limits(4096, 13_000, 0));
        JsonNode tests = data(HtmlReport.file(dir)).path("tests");

        JsonNode fail = out(tests, "/b-fail");
        JsonNode error = out(tests, "/d-error");
        JsonNode firstPass = out(tests, "/a-pass");
        JsonNode secondPass = out(tests, "/c-pass");
        long size = Files.size(dir.resolve(attempts.get(1).logs().getFirst()));
        assertThat(fail.path("size").longValue()).isEqualTo(size);
        for (JsonNode o : List.of(fail, error)) {
            String text = o.path("text").stringValue();
            assertThat(text.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(4096);
            assertThat(text).startsWith("line ").endsWith("line 399 of the output\n");
            assertThat(o.path("from").longValue() + text.getBytes(StandardCharsets.UTF_8).length)
                    .isEqualTo(o.path("size").longValue());
        }
        // 13 000 bytes: both failing attempts and then the first passing one get 4 KiB, the last one nothing
        assertThat(firstPass.path("text").stringValue()).endsWith("line 399 of the output\n");
        assertThat(secondPass.has("text")).isFalse();
        assertThat(secondPass.path("size").longValue()).isPositive();
    }

    @Test
    void readsOnlyTheEndOfAHugeOutput() throws Exception {
        ResultsDir dir = ResultsDir.create(tmp, RunId.generate());
        TestResult r = result("/huge", 1, Outcome.FAIL);
        Path out = dir.resolve(r.logs().getFirst());
        Files.createDirectories(out.getParent());
        long size = 8L * 1024 * 1024 * 1024; // sparse: reading it whole would take minutes and 8 GiB
        try (RandomAccessFile raf = new RandomAccessFile(out.toFile(), "rw")) {
            raf.setLength(size - 20);
            raf.seek(size - 20);
            raf.write("\nthe failing line\n!\n".getBytes(StandardCharsets.UTF_8));
        }
        try (Journal j = dir.openJournal()) {
            j.append(r);
        }
        HtmlReport.write(dir);
        JsonNode o = out(data(HtmlReport.file(dir)).path("tests"), "/huge");
        assertThat(o.path("size").longValue()).isEqualTo(size);
        assertThat(o.path("text").stringValue()).endsWith("the failing line\n!\n");
        assertThat(o.path("from").longValue()).isGreaterThan(size - HtmlReport.OUTPUT_PER_ATTEMPT - 1);
        assertThat(Files.size(HtmlReport.file(dir))).isLessThan(1024 * 1024);
    }

    @Test
    void linksWorkFromWhereverTheReportIsWritten() throws Exception {
        ResultsDir dir = new SampleRun().tests(5).write(tmp.resolve("results"));
        Path elsewhere = tmp.resolve("share/reports/run.html");
        HtmlReport.write(dir, elsewhere);
        JsonNode data = data(elsewhere);
        String base = data.path("base").stringValue();
        assertThat(base).isEqualTo("../../results/" + dir.path().getFileName() + "/");
        String log = data.path("tests").get(0).path("attempts").get(0).path("logs").get(0).stringValue();
        assertThat(elsewhere.getParent().resolve(base + log).normalize()).exists();

        assertThat(HtmlReport.base(Path.of("/a/b"), Path.of("/a/b"))).isEmpty();
        assertThat(HtmlReport.base(Path.of("/a/b"), Path.of("/a/c d"))).isEqualTo("../c d/");
    }

    @Test
    void rendersARunWithoutRunJsonEventsOrOutputFiles() throws Exception {
        ResultsDir dir = ResultsDir.at(tmp.resolve("bare"));
        try (Journal j = dir.openJournal()) {
            j.append(result("default", "/x", 1, 1, Outcome.PASS, Duration.ofSeconds(3)));
            j.append(result("default", "/y", 2, 1, Outcome.FAIL, Duration.ofSeconds(5)));
        }
        HtmlReport.write(dir);
        JsonNode data = data(HtmlReport.file(dir));
        assertThat(data.path("run").isNull()).isTrue();
        assertThat(data.path("dir").stringValue()).isEqualTo("bare");
        assertThat(data.path("tests")).hasSize(2);
        assertThat(data.path("tests").get(0).path("attempts").get(0).path("out").isNull()).isTrue();
        assertThat(data.path("timeline").path("lanes")).hasSize(2);
        assertThat(data.path("timeline").path("lanes").get(0).path("utilisation").doubleValue()).isEqualTo(1.0);
    }

    @Test
    void reportsWriteAllWritesItFromAnInterruptedThreadToo() throws Exception {
        ResultsDir dir = new SampleRun().tests(8).write(tmp);
        Thread.currentThread().interrupt();
        try {
            Reports.writeAll(dir);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(data(HtmlReport.file(dir)).path("tests")).hasSize(8);
    }

    @Test
    void tagsComeFromExtraTagOrTagsAsListOrString() {
        assertThat(ReportData.tags(Map.of("tag", List.of("tier1", " slow ", "tier1")))).containsExactly("tier1", "slow");
        assertThat(ReportData.tags(Map.of("tags", "security"))).containsExactly("security");
        assertThat(ReportData.tags(Map.of("reboot-count", 1))).isEmpty();
    }

    // ------------------------------------------------------------------ helpers

    private interface Output {
        String of(TestResult r);
    }

    private static void write(ResultsDir dir, List<TestResult> attempts, Output output) throws IOException {
        try (Journal j = dir.openJournal()) {
            for (TestResult r : attempts) {
                Path f = dir.resolve(r.logs().getFirst());
                Files.createDirectories(f.getParent());
                Files.writeString(f, output.of(r));
                j.append(r);
            }
        }
    }

    private static String lines(String name, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add("line " + i + " of the output");
        }
        return name + "\n" + String.join("\n", out) + "\n";
    }

    private static JsonNode out(JsonNode tests, String name) {
        for (JsonNode t : tests) {
            if (t.path("name").stringValue().equals(name)) {
                return t.path("attempts").get(t.path("attempts").size() - 1).path("out");
            }
        }
        throw new AssertionError("no test " + name);
    }

    private static String between(String s, String open, String close) {
        int from = s.indexOf(open) + open.length();
        return s.substring(from, s.indexOf(close, from));
    }

    /** The CSP source expression of a text: {@code sha256-BASE64}. */
    private static String sha256(String text) throws NoSuchAlgorithmException {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        return "sha256-" + Base64.getEncoder().encodeToString(digest);
    }

    /** Whether {@code text} contains {@code tag} in any letter case. */
    private static boolean containsTag(String text, String tag) {
        return text.toLowerCase(Locale.ROOT).contains(tag.toLowerCase(Locale.ROOT));
    }
}
