package dev.corral.report.junit;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

import dev.corral.results.AtomicFile;
import dev.corral.results.Outcome;
import dev.corral.results.ResultsDir;
import dev.corral.results.ResultsException;
import dev.corral.results.RunResults;
import dev.corral.results.TestResult;

import org.apiguardian.api.API;

/**
 * Writes {@code junit.xml}: one {@code <testsuite>} per target (named after it) with one {@code <testcase>} per
 * test, from the final attempt. Outcomes map as in tmt's JUnit report: {@code fail} is a {@code <failure
 * type="failure">}, {@code error} and {@code warn} (and {@code pending}, a test that never finished) are an
 * {@code <error type="error">}, {@code skip} and {@code info} are {@code <skipped type="skipped">}. The
 * {@code message} is the outcome and its notes; the element's text is the end of the test's output. Each test
 * case carries the last {@value #SYSTEM_OUT_LIMIT} bytes of its {@code output.txt} in {@code <system-out>}, read
 * from the end of the file.
 *
 * <p><b>Schema.</b> A single-target run validates against tmt's JUnit XSD ({@code default.xsd}); that XSD allows
 * one test suite only and no {@code classname}, so multi-target runs (one suite per target, {@code classname} set
 * to the target) do not. <b>Reruns</b>: when a test has several attempts, the earlier non-passing attempts appear
 * as Surefire's elements (which tmt's XSD does not know, so they are only written when reruns happened): {@code
 * <flakyFailure>}/{@code <flakyError>} when the final attempt passed (pass, info or skip), {@code
 * <rerunFailure>}/{@code <rerunError>} when it did not; each with {@code type}, {@code message} and the end of
 * that attempt's output as {@code <stackTrace>}.
 *
 * <p>Characters XML 1.0 forbids (control characters from test output) are replaced by visible escapes. Stateless,
 * thread-safe; blocks for reading output files and writing the report.
 */
@API(status = API.Status.EXPERIMENTAL)
public final class JUnitXml {
    /** Bytes of {@code output.txt} kept in {@code <system-out>}. */
    public static final int SYSTEM_OUT_LIMIT = 64 * 1024;
    /** Characters of output in a failure, error or rerun element. */
    public static final int FAILURE_TEXT_LIMIT = 4 * 1024;

    private JUnitXml() {
    }

    /** Writes {@code junit.xml} of a results directory atomically. */
    public static void write(ResultsDir dir, RunResults results) {
        write(dir, results, dir.junitXml());
    }

    /** Writes the report for a results directory to {@code file} atomically. */
    public static void write(ResultsDir dir, RunResults results, Path file) {
        Objects.requireNonNull(dir, "dir must not be null");
        Objects.requireNonNull(results, "results must not be null");
        AtomicFile.write(file, out -> render(dir, results, out));
    }

    /** Writes the report to a stream (not closed). */
    public static void render(ResultsDir dir, RunResults results, OutputStream out) throws IOException {
        Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 64 * 1024);
        new Render(dir, results, new XmlWriter(writer)).document();
        writer.flush();
    }

    private record Render(ResultsDir dir, RunResults results, XmlWriter xml) {

        void document() throws IOException {
            List<TestResult> all = results.finals();
            boolean multi = results.targets().size() > 1;
            xml.declaration();
            nl(0);
            xml.start("testsuites");
            xml.attribute("time", seconds(totalTime(all)));
            xml.attribute("tests", Integer.toString(all.size()));
            xml.attribute("failures", Long.toString(count(all, Outcome.FAIL)));
            xml.attribute("errors", Long.toString(errors(all)));
            xml.attribute("disabled", "0");
            List<String> targets = results.targets().isEmpty() ? List.of(ResultsDir.DEFAULT_TARGET) : results.targets();
            for (String target : targets) {
                suite(target, results.finals(target), multi);
            }
            nl(0);
            xml.end();
            nl(0);
        }

        private void suite(String target, List<TestResult> tests, boolean multi) throws IOException {
            nl(1);
            xml.start("testsuite");
            xml.attribute("name", target);
            xml.attribute("tests", Integer.toString(tests.size()));
            xml.attribute("failures", Long.toString(count(tests, Outcome.FAIL)));
            xml.attribute("errors", Long.toString(errors(tests)));
            xml.attribute("disabled", "0");
            xml.attribute("skipped", Long.toString(count(tests, Outcome.SKIP) + count(tests, Outcome.INFO)));
            xml.attribute("time", seconds(totalTime(tests)));
            for (TestResult r : tests) {
                testcase(r, multi);
            }
            nl(1);
            xml.end();
        }

        private void testcase(TestResult r, boolean multi) throws IOException {
            nl(2);
            xml.start("testcase");
            xml.attribute("name", r.name());
            if (multi) {
                xml.attribute("classname", r.target());
            }
            xml.attribute("time", seconds(r.duration()));
            String output = output(r, SYSTEM_OUT_LIMIT);
            switch (r.outcome()) {
                case SKIP, INFO -> problem("skipped", "skipped", r, null);
                case FAIL -> problem("failure", "failure", r, failureText(r, output));
                case ERROR, WARN, PENDING -> problem("error", "error", r, failureText(r, output));
                case PASS -> {
                }
            }
            boolean finalPassed = switch (r.outcome()) {
                case PASS, INFO, SKIP -> true;
                default -> false;
            };
            for (TestResult earlier : results.earlierAttempts(r)) {
                String kind = switch (earlier.outcome()) {
                    case FAIL -> "Failure";
                    case ERROR, WARN, PENDING -> "Error";
                    default -> null;
                };
                if (kind != null) {
                    rerun((finalPassed ? "flaky" : "rerun") + kind, earlier);
                }
            }
            if (output != null) {
                nl(3);
                xml.start("system-out");
                xml.text(output);
                xml.end();
            }
            nl(2);
            xml.end();
        }

        private void problem(String element, String type, TestResult r, String text) throws IOException {
            nl(3);
            xml.start(element);
            xml.attribute("type", type);
            xml.attribute("message", message(r));
            if (text != null && !text.isEmpty()) {
                xml.text(text);
            }
            xml.end();
        }

        private void rerun(String element, TestResult attempt) throws IOException {
            nl(3);
            xml.start(element);
            xml.attribute("type", element.endsWith("Failure") ? "failure" : "error");
            xml.attribute("message", "attempt " + attempt.attempt() + ": " + message(attempt));
            String text = failureText(attempt, output(attempt, FAILURE_TEXT_LIMIT));
            if (!text.isEmpty()) {
                xml.start("stackTrace");
                xml.text(text);
                xml.end();
            }
            xml.end();
        }

        private String output(TestResult r, int limit) {
            Path file = outputFile(r);
            return file == null ? null : OutputTail.read(file, limit);
        }

        private Path outputFile(TestResult r) {
            try {
                if (!r.logs().isEmpty()) {
                    return dir.resolve(r.logs().getFirst());
                }
                if (r.dataPath() != null) {
                    return dir.resolve(r.dataPath()).resolve("output.txt");
                }
            } catch (ResultsException outside) {
                // a log path that leaves the results directory is not read
            }
            return null;
        }

        private void nl(int depth) throws IOException {
            xml.raw("\n" + "  ".repeat(depth));
        }
    }

    private static String message(TestResult r) {
        return r.notes().isEmpty() ? r.outcome().tmtName() : r.outcome().tmtName() + ": " + String.join(", ", r.notes());
    }

    /** Non-passing subresults, then the end of the output. */
    private static String failureText(TestResult r, String output) {
        StringBuilder b = new StringBuilder();
        r.subresults().stream()
                .filter(s -> s.outcome() != Outcome.PASS && s.outcome() != Outcome.INFO)
                .forEach(s -> b.append(s.outcome().tmtName()).append(' ').append(s.name()).append('\n'));
        if (output != null) {
            if (!b.isEmpty()) {
                b.append('\n');
            }
            b.append(OutputTail.lastChars(output, FAILURE_TEXT_LIMIT));
        }
        return b.toString();
    }

    private static long count(List<TestResult> rs, Outcome o) {
        return rs.stream().filter(r -> r.outcome() == o).count();
    }

    private static long errors(List<TestResult> rs) {
        return count(rs, Outcome.ERROR) + count(rs, Outcome.WARN) + count(rs, Outcome.PENDING);
    }

    private static Duration totalTime(List<TestResult> rs) {
        return rs.stream().map(TestResult::duration).reduce(Duration.ZERO, Duration::plus);
    }

    /** Seconds with three decimals ({@code %.3f}), written without a {@link java.util.Formatter} (~7 ms to start). */
    private static String seconds(Duration d) {
        long millis = Math.max(0, d.toMillis());
        long fraction = millis % 1000;
        return millis / 1000 + (fraction < 10 ? ".00" : fraction < 100 ? ".0" : ".") + fraction;
    }
}
