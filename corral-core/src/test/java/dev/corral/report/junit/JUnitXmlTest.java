package dev.corral.report.junit;

import static dev.corral.results.ResultFixtures.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.xml.parsers.DocumentBuilderFactory;

import dev.corral.RunId;
import dev.corral.results.Journal;
import dev.corral.results.Outcome;
import dev.corral.results.ResultFixtures;
import dev.corral.results.ResultsDir;
import dev.corral.results.RunResults;
import dev.corral.results.SubResult;
import dev.corral.results.TestResult;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

class JUnitXmlTest {
    @TempDir
    Path parent;
    ResultsDir dir;

    @BeforeEach
    void createDir() {
        dir = ResultsDir.create(parent, RunId.generate());
    }

    static void validateAgainstTmtXsd(Path xml) throws IOException, SAXException {
        TmtJUnitXsd.validate(xml);
    }

    static Document parse(Path xml) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(xml.toFile());
    }

    private TestResult withOutput(TestResult r, String output) throws IOException {
        Path file = dir.resolve(r.logs().getFirst());
        Files.createDirectories(file.getParent());
        Files.writeString(file, output, StandardCharsets.UTF_8);
        return r;
    }

    private Path write(List<TestResult> attempts) throws IOException {
        try (Journal journal = dir.openJournal()) {
            attempts.forEach(journal::append);
        }
        JUnitXml.write(dir, RunResults.read(dir));
        return dir.junitXml();
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            if (nodes.item(i) instanceof Element e && e.getTagName().equals(name)) {
                out.add(e);
            }
        }
        return out;
    }

    private static Element testcase(Document doc, String name) {
        NodeList cases = doc.getElementsByTagName("testcase");
        for (int i = 0; i < cases.getLength(); i++) {
            Element e = (Element) cases.item(i);
            if (e.getAttribute("name").equals(name)) {
                return e;
            }
        }
        throw new AssertionError("no testcase " + name);
    }

    @Test
    void singleTargetRunValidatesAgainstTmtsXsdAndMapsOutcomesLikeTmt() throws Exception {
        List<TestResult> results = List.of(
                withOutput(result("/tests/pass", 1, Outcome.PASS), "all good\n"),
                withOutput(ResultFixtures.withNotes(result("/tests/fail", 2, Outcome.FAIL), List.of("timeout")),
                        "step 1\nstep 2\nassertion failed: 1 != 2\n"),
                withOutput(result("/tests/error", 3, Outcome.ERROR), "boom\n"),
                withOutput(result("/tests/warn", 4, Outcome.WARN), "careful\n"),
                withOutput(result("/tests/info", 5, Outcome.INFO), "fyi\n"),
                result("/tests/skip", 6, Outcome.SKIP));

        Path xml = write(results);

        validateAgainstTmtXsd(xml);
        Document doc = parse(xml);
        Element suites = doc.getDocumentElement();
        assertThat(suites.getAttribute("tests")).isEqualTo("6");
        assertThat(suites.getAttribute("failures")).isEqualTo("1");
        assertThat(suites.getAttribute("errors")).isEqualTo("2");
        Element suite = children(suites, "testsuite").getFirst();
        assertThat(suite.getAttribute("name")).isEqualTo("default");
        assertThat(suite.getAttribute("skipped")).isEqualTo("2");
        assertThat(suite.getAttribute("time")).isEqualTo("7.200");

        Element fail = testcase(doc, "/tests/fail");
        assertThat(fail.getAttribute("time")).isEqualTo("1.200");
        Element failure = children(fail, "failure").getFirst();
        assertThat(failure.getAttribute("type")).isEqualTo("failure");
        assertThat(failure.getAttribute("message")).isEqualTo("fail: timeout");
        assertThat(failure.getTextContent()).endsWith("assertion failed: 1 != 2\n");
        assertThat(children(fail, "system-out").getFirst().getTextContent()).startsWith("step 1\n");

        assertThat(children(testcase(doc, "/tests/error"), "error").getFirst().getAttribute("type")).isEqualTo("error");
        assertThat(children(testcase(doc, "/tests/warn"), "error").getFirst().getAttribute("message")).isEqualTo("warn");
        assertThat(children(testcase(doc, "/tests/info"), "skipped").getFirst().getAttribute("type")).isEqualTo("skipped");
        assertThat(children(testcase(doc, "/tests/skip"), "skipped")).hasSize(1);
        assertThat(children(testcase(doc, "/tests/skip"), "system-out")).isEmpty();
        Element pass = testcase(doc, "/tests/pass");
        assertThat(children(pass, "failure")).isEmpty();
        assertThat(children(pass, "error")).isEmpty();
        assertThat(doc.getElementsByTagName("flakyFailure").getLength()).isZero();
        assertThat(doc.getElementsByTagName("rerunFailure").getLength()).isZero();
    }

    @Test
    void systemOutKeepsOnlyTheEndOfAHugeOutput() throws Exception {
        StringBuilder out = new StringBuilder();
        for (int i = 0; out.length() < 2 * 1024 * 1024; i++) {
            out.append("line ").append(i).append(" ünïcödé ").append("-".repeat(50)).append('\n');
        }
        out.append("THE LAST LINE\n");
        Path xml = write(List.of(withOutput(result("/tests/big", 1, Outcome.FAIL), out.toString())));

        validateAgainstTmtXsd(xml);
        Element big = testcase(parse(xml), "/tests/big");
        String systemOut = children(big, "system-out").getFirst().getTextContent();
        assertThat(systemOut.getBytes(StandardCharsets.UTF_8).length).isBetween(60 * 1024, 65 * 1024);
        assertThat(systemOut).startsWith("[... ").contains(" bytes omitted ...]\nline ")
                .endsWith("THE LAST LINE\n").doesNotContain("line 0 ").doesNotContain("\uFFFD");
        String failure = children(big, "failure").getFirst().getTextContent();
        assertThat(failure.length()).isLessThanOrEqualTo(JUnitXml.FAILURE_TEXT_LIMIT + 10);
        assertThat(failure).startsWith("[...]\nline ").endsWith("THE LAST LINE\n");
    }

    @Test
    void replacesCharactersXmlCannotCarry() throws Exception {
        TestResult r = ResultFixtures.withNotes(result("/tests/ctl\u0001name", 1, Outcome.FAIL),
                List.of("note \u0000 with nul", "lone \uD800 surrogate", "two\nlines\tand \"quotes\" <&>"));
        Path xml = write(List.of(withOutput(r, "\u001b[31mred\u001b[0m nul\u0000 bell\u0007 fffe\uFFFE emoji 🚀 <&>]]>\n")));

        validateAgainstTmtXsd(xml);
        Document doc = parse(xml);
        Element tc = testcase(doc, "/tests/ctl\\x01name");
        assertThat(children(tc, "failure").getFirst().getAttribute("message"))
                .isEqualTo("fail: note \\x00 with nul, lone \uFFFD surrogate, two\nlines\tand \"quotes\" <&>");
        assertThat(children(tc, "system-out").getFirst().getTextContent())
                .isEqualTo("\\x1B[31mred\\x1B[0m nul\\x00 bell\\x07 fffe\uFFFD emoji 🚀 <&>]]>\n");
    }

    @Test
    void failureTextListsFailedSubresultsAndSurvivesAMissingOutput() throws Exception {
        TestResult base = result("/tests/phases", 1, Outcome.FAIL);
        TestResult r = new TestResult(base.name(), base.target(), 1, 1, Outcome.FAIL, null, List.of(), base.start(),
                base.end(), base.machine(), base.dataPath(), List.of("../../outside.txt"), List.of(
                new SubResult("/setup", Outcome.PASS, null, List.of(), List.of(), null, null),
                new SubResult("/test", Outcome.FAIL, null, List.of(), List.of(), null, null)),
                Map.of(), Map.of(), Map.of());

        Path xml = write(List.of(r));

        validateAgainstTmtXsd(xml);
        Element tc = testcase(parse(xml), "/tests/phases");
        assertThat(children(tc, "failure").getFirst().getTextContent()).isEqualTo("fail /test\n");
        assertThat(children(tc, "system-out")).isEmpty();
    }

    @Test
    void multiTargetRunsHaveOneSuitePerTargetAndAClassname() throws Exception {
        Duration d = Duration.ofSeconds(2);
        Path xml = write(List.of(
                withOutput(result("f40", "/a", 1, 1, Outcome.PASS, d), "ok\n"),
                withOutput(result("c9s", "/a", 1, 1, Outcome.FAIL, d), "bad\n"),
                withOutput(result("f40", "/b", 2, 1, Outcome.PASS, d), "ok\n")));

        Document doc = parse(xml);
        List<Element> suites = children(doc.getDocumentElement(), "testsuite");
        assertThat(suites).extracting(s -> s.getAttribute("name")).containsExactly("f40", "c9s");
        assertThat(suites).extracting(s -> s.getAttribute("tests")).containsExactly("2", "1");
        assertThat(suites.get(1).getAttribute("failures")).isEqualTo("1");
        assertThat(children(suites.get(1), "testcase").getFirst().getAttribute("classname")).isEqualTo("c9s");
        assertThat(doc.getDocumentElement().getAttribute("tests")).isEqualTo("3");
        // documented limitation: tmt's XSD allows exactly one suite
        assertThatThrownBy(() -> validateAgainstTmtXsd(xml)).isInstanceOf(SAXException.class);
    }

    @Test
    void rerunsBecomeFlakyElementsWhenTheFinalAttemptPassed() throws Exception {
        Duration d = Duration.ofSeconds(1);
        Path xml = write(List.of(
                withOutput(ResultFixtures.withNotes(result("default", "/flaky", 1, 1, Outcome.FAIL, d), List.of("timeout")),
                        "first try failed\n"),
                withOutput(result("default", "/flaky", 1, 2, Outcome.ERROR, d), "second try crashed\n"),
                withOutput(result("default", "/flaky", 1, 3, Outcome.PASS, d), "third try passed\n"),
                withOutput(result("default", "/stable", 2, 1, Outcome.PASS, d), "ok\n")));

        Document doc = parse(xml);
        Element flaky = testcase(doc, "/flaky");
        assertThat(children(flaky, "failure")).isEmpty();
        Element ff = children(flaky, "flakyFailure").getFirst();
        assertThat(ff.getAttribute("type")).isEqualTo("failure");
        assertThat(ff.getAttribute("message")).isEqualTo("attempt 1: fail: timeout");
        assertThat(children(ff, "stackTrace").getFirst().getTextContent()).isEqualTo("first try failed\n");
        Element fe = children(flaky, "flakyError").getFirst();
        assertThat(fe.getAttribute("message")).isEqualTo("attempt 2: error");
        assertThat(children(flaky, "system-out").getFirst().getTextContent()).isEqualTo("third try passed\n");
        assertThat(children(testcase(doc, "/stable"), "flakyFailure")).isEmpty();
        assertThat(doc.getDocumentElement().getAttribute("tests")).isEqualTo("2");
        assertThat(doc.getDocumentElement().getAttribute("failures")).isEqualTo("0");
    }

    @Test
    void rerunsBecomeRerunElementsWhenTheFinalAttemptFailed() throws Exception {
        Duration d = Duration.ofSeconds(1);
        Path xml = write(List.of(
                withOutput(result("default", "/broken", 1, 1, Outcome.ERROR, d), "crash\n"),
                withOutput(result("default", "/broken", 1, 2, Outcome.PASS, d), "lucky\n"),
                withOutput(result("default", "/broken", 1, 3, Outcome.FAIL, d), "fail again\n")));

        Element broken = testcase(parse(xml), "/broken");
        assertThat(children(broken, "failure").getFirst().getTextContent()).isEqualTo("fail again\n");
        assertThat(children(broken, "rerunError")).extracting(e -> e.getAttribute("message"))
                .containsExactly("attempt 1: error");
        assertThat(children(broken, "rerunFailure")).isEmpty(); // the passing attempt 2 is not a rerun failure
        assertThat(children(broken, "flakyFailure")).isEmpty();
    }

    @Test
    void anEmptyRunStillValidates() throws Exception {
        Path xml = write(List.of());
        validateAgainstTmtXsd(xml);
        assertThat(Files.readString(xml)).contains("<testsuite name=\"default\" tests=\"0\"");
    }

    @Test
    void writesToAnotherFileOnRequest() throws Exception {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        TestResult r = new TestResult("/x", "default", 1, 1, Outcome.PASS, null, List.of(), t, t.plusMillis(1500), "m",
                null, List.of(), List.of(), Map.of(), Map.of(), Map.of());
        Path other = parent.resolve("custom-junit.xml");
        JUnitXml.write(dir, RunResults.of(List.of(r)), other);
        validateAgainstTmtXsd(other);
        assertThat(Files.readString(other)).contains("<testcase name=\"/x\" time=\"1.500\">");
    }
}
