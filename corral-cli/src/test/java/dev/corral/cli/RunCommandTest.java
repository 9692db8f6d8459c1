package dev.corral.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import dev.corral.results.Outcome;
import dev.corral.results.ResultsDir;
import dev.corral.results.RunResults;
import dev.corral.results.TestResult;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/** {@code corral run} end to end on local machines: exit codes, results directory, reruns, resume, signals. */
class RunCommandTest {

    @TempDir
    Path tmp;

    private TreeFixture mixed() {
        return new TreeFixture(tmp.resolve("tree"))
                .write("tests/main.fmf", "/good:\n  test: echo good\n/bad:\n  test: echo bad; exit 1\n"
                        + "/flaky:\n  test: test -e $TMT_PLAN_DATA/../../seen || { touch $TMT_PLAN_DATA/../../seen; exit 1; }\n");
    }

    private static RunResults results(Path dir) {
        return RunResults.read(ResultsDir.open(dir));
    }

    @Test
    void passingTreeExitsZeroAndWritesEveryReport() {
        TreeFixture t = new TreeFixture(tmp.resolve("ok")).write("main.fmf", "/a:\n  test: echo hello\n/b:\n  test: 'true'\n");
        Path dir = tmp.resolve("results");
        Cli r = Cli.run("run", t.root().toString(), "--workers", "2", "--results", dir.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("pass /a", "pass /b", "results: " + dir);
        for (String file : List.of("run.json", "results.jsonl", "results.yaml", "junit.xml")) {
            assertThat(dir.resolve(file)).isRegularFile();
        }
        assertThat(results(dir).finals()).extracting(TestResult::outcome).containsOnly(Outcome.PASS);
    }

    @Test
    void failureExitsOneAndRerunOfTheDirectoryRunsOnlyFailures() {
        TreeFixture t = mixed();
        Path first = tmp.resolve("first");
        Cli r = Cli.run("run", t.root().toString(), "--workers", "1", "--results", first.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(results(first).finals()).hasSize(3);

        Path second = tmp.resolve("second");
        Cli rerun = Cli.run("run", t.root().toString(), "--rerun", first.toString(), "--results", second.toString());
        assertThat(results(second).finals()).extracting(TestResult::name)
                .containsExactlyInAnyOrder("/tests/bad", "/tests/flaky");
        assertThat(rerun.exit()).isEqualTo(1);
    }

    @Test
    void rerunFailedKeepsEveryAttemptAndReportsTheFinalOne() {
        TreeFixture t = mixed();
        Path dir = tmp.resolve("reruns");
        Cli.run("run", t.root().toString(), "--workers", "1", "--rerun-failed", "1", "--results", dir.toString());
        RunResults all = results(dir);
        assertThat(all.last("default", "/tests/flaky")).get().extracting(TestResult::outcome).isEqualTo(Outcome.PASS);
        assertThat(all.last("default", "/tests/bad")).get().extracting(TestResult::attempt).isEqualTo(2);
        assertThat(all.attempts()).hasSize(5);
    }

    @Test
    void reportsOfARunAreTheOnesReportMakesFromItsJournal() throws IOException {
        TreeFixture t = mixed().write("tests/custom.fmf", "result: custom\ntest: |\n"
                + "  printf '%s\\n' '- name: /custom' '  result: pass' '  extra: {count: 3, ratio: 0.5, tags: [a]}' \\\n"
                + "    > \"$TMT_TEST_DATA/results.yaml\"\n");
        Path dir = tmp.resolve("made");
        Cli.run("run", t.root().toString(), "--workers", "1", "--rerun-failed", "1", "--results", dir.toString());
        List<String> files = List.of("results.yaml", "junit.xml", "report.html");
        Map<String, String> made = new java.util.LinkedHashMap<>();
        for (String file : files) {
            made.put(file, Files.readString(dir.resolve(file)));
            Files.delete(dir.resolve(file));
        }
        assertThat(made.get("results.yaml")).contains("/custom");

        Cli r = Cli.run("report", dir.toString());

        assertThat(r.exit()).as(r.err()).isZero();
        for (String file : files) {
            // report.html says when it was made
            assertThat(Files.readString(dir.resolve(file)).replaceAll("\"generated\":\\d+", ""))
                    .as(file).isEqualTo(made.get(file).replaceAll("\"generated\":\\d+", ""));
        }
    }

    @Test
    void runFileDefinesSeveralTargetsWithTheirOwnContext() throws IOException {
        TreeFixture t = new TreeFixture(tmp.resolve("multi"))
                .write("main.fmf", "/t:\n  test: test \"$DISTRO\" = expected\n  adjust:\n"
                        + "    - when: distro == one\n      environment: {DISTRO: expected}\n"
                        + "    - when: distro == two\n      environment: {DISTRO: expected}\n");
        Path file = tmp.resolve("run.yaml");
        Files.writeString(file, "tree: multi\ntargets:\n  - name: one\n    how: local\n    workers: 1\n"
                + "    context: {distro: one}\n  - name: two\n    how: local\n    context: {distro: two}\n");
        Path dir = tmp.resolve("targets");
        Cli r = Cli.run("run", "--config", file.toString(), "--results", dir.toString());
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(results(dir).targets()).containsExactlyInAnyOrder("one", "two");
        assertThat(results(dir).finals()).extracting(TestResult::machine).as("each target's own machines")
                .doesNotHaveDuplicates();
    }

    @Test
    void runFileErrorsNameTheLine() throws IOException {
        Path file = tmp.resolve("bad.yaml");
        Files.writeString(file, "targets:\n  - name: x\n    how: local\n    wrokers: 2\n");
        Cli r = Cli.run("run", "--config", file.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("bad.yaml:4").contains("unknown key 'wrokers'");
    }

    @Test
    void treeWithoutTestsExitsThree() {
        TreeFixture t = new TreeFixture(tmp.resolve("empty")).write("main.fmf", "summary: nothing to run\n");
        Cli r = Cli.run("run", t.root().toString(), "--results", tmp.resolve("none").toString());
        assertThat(r.exit()).isEqualTo(3);
    }

    @Test
    void sigtermKillsTheTestsRecordsThemAndWritesReports() throws Exception {
        TreeFixture t = new TreeFixture(tmp.resolve("slow"))
                .write("main.fmf", "/slow:\n  test: echo started; sleep 600\n/later:\n  test: 'true'\n");
        Path dir = tmp.resolve("interrupted");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process corral = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "run", t.root().toString(), "--workers", "1", "--results", dir.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("corral.log").toFile()).start();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(dir.resolve("tests"))
                    && Files.walk(dir.resolve("tests")).anyMatch(p -> p.endsWith("output.txt") && contains(p, "started")));
            corral.destroy(); // SIGTERM
            assertThat(corral.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(corral.exitValue()).isEqualTo(143);
        } finally {
            corral.destroyForcibly();
        }
        RunResults all = results(dir);
        assertThat(all.last("default", "/slow")).get().satisfies(r -> {
            assertThat(r.outcome()).isEqualTo(Outcome.ERROR);
            assertThat(r.notes()).anyMatch(n -> n.contains("interrupted"));
        });
        assertThat(dir.resolve("results.yaml")).isRegularFile();
        assertThat(dir.resolve("junit.xml")).isRegularFile();
        assertThat(Files.readString(dir.resolve("run.json"))).contains("\"interrupted\"");
        assertThat(sleepingTests()).as("sleep 600 left running").isEmpty();
    }

    @Test
    void resumeAfterKillNineKeepsFinishedTestsAndRunsTheRest() throws Exception {
        Path mark = tmp.resolve("slow-ran-once");
        TreeFixture t = new TreeFixture(tmp.resolve("resumable")).write("main.fmf", "/a:\n  test: echo a\n/b:\n  test: echo b\n"
                + "/slow:\n  test: test -e " + mark + " || { touch " + mark + "; echo started; sleep 600; }\n"
                + "/later:\n  test: echo later\n");
        Path dir = tmp.resolve("killed");
        killNineOnceATestStarted(t, dir);
        List<TestResult> before = results(dir).attempts();
        assertThat(before).extracting(TestResult::name).isNotEmpty().doesNotContain("/slow");

        Cli resumed = Cli.run("run", "--resume", dir.toString());
        assertThat(resumed.exit()).as(resumed.out() + resumed.err()).isZero();
        RunResults after = results(dir);
        assertThat(after.finals()).extracting(TestResult::name, TestResult::outcome).containsExactlyInAnyOrder(
                tuple("/a", Outcome.PASS), tuple("/b", Outcome.PASS),
                tuple("/slow", Outcome.PASS), tuple("/later", Outcome.PASS));
        assertThat(after.attempts()).as("finished tests are kept, not run again").hasSize(4).containsAll(before);
        assertThat(dir.resolve("results.yaml")).isRegularFile();
        assertThat(sleepingTests()).as("the killed run's sleep 600 was reaped").isEmpty();
    }

    @Test
    void resumedRunPrintsTheSummaryOfTheWholeRunLikeItsReports() throws Exception {
        Path mark = tmp.resolve("slow-ran-once");
        TreeFixture t = new TreeFixture(tmp.resolve("resumable")).write("main.fmf", "/a:\n  test: echo a\n"
                + "/b:\n  test: echo b; exit 1\n/c:\n  test: echo c\n"
                + "/slow:\n  test: test -e " + mark + " || { touch " + mark + "; echo started; sleep 600; }\n"
                + "/later:\n  test: echo later\n");
        Path dir = tmp.resolve("killed");
        killNineOnceATestStarted(t, dir);
        int carried = results(dir).finals().size();
        assertThat(carried).as("results journaled before the kill").isPositive();

        Cli resumed = Cli.run("run", "--resume", dir.toString());

        List<?> yaml = (List<?>) new Load(LoadSettings.builder().build())
                .loadFromString(Files.readString(dir.resolve("results.yaml")));
        Map<String, Long> reported = yaml.stream()
                .collect(Collectors.groupingBy(m -> (String) ((Map<?, ?>) m).get("result"), Collectors.counting()));
        assertThat(reported).as("the reports cover the whole run").isEqualTo(Map.of("pass", 4L, "fail", 1L));
        assertThat(resumed.exit()).as("the exit code too: /b failed before the kill").isEqualTo(1);
        List<String> header = summaryRow(resumed.out(), "target");
        List<String> row = summaryRow(resumed.out(), "default");
        for (String outcome : List.of("pass", "fail", "info", "warn", "error", "skip")) {
            assertThat(row.get(header.indexOf(outcome))).as(outcome + " in\n" + resumed.out())
                    .isEqualTo(Long.toString(reported.getOrDefault(outcome, 0L)));
        }
        assertThat(row.get(header.indexOf("total"))).isEqualTo(Integer.toString(yaml.size()));
        assertThat(resumed.out()).contains("resumed: " + carried + (carried == 1 ? " result" : " results")
                + " carried over from the earlier run\n");
    }

    /** The printed summary table's row starting with {@code first}, split into cells. */
    private static List<String> summaryRow(String out, String first) {
        return out.lines().filter(l -> l.startsWith(first + " ")).map(l -> List.of(l.strip().split("\\s+")))
                .reduce((a, b) -> {
                    throw new AssertionError("two rows start with " + first + " in\n" + out);
                })
                .orElseThrow(() -> new AssertionError("no summary row " + first + " in\n" + out));
    }

    @Test
    void resumingAKilledRerunRunsTheRestOfTheRerunOnly() throws Exception {
        Path again = tmp.resolve("second-round");
        Path mark = tmp.resolve("slow-ran-once");
        TreeFixture t = new TreeFixture(tmp.resolve("reruns")).write("main.fmf", "/a:\n  test: echo a\n"
                + "/b:\n  test: test -e " + again + " || exit 1; test -e " + mark
                + " || { touch " + mark + "; echo started; sleep 600; }\n"
                + "/c:\n  test: test -e " + again + " || exit 1; echo c\n/d:\n  test: echo d\n");
        Path first = tmp.resolve("first");
        assertThat(Cli.run("run", t.root().toString(), "--results", first.toString()).exit()).isEqualTo(1);
        Files.createFile(again);
        Path rerun = tmp.resolve("rerun");
        killNineOnceATestStarted(t, rerun, "--rerun", first.toString());

        Cli resumed = Cli.run("run", "--resume", rerun.toString());

        assertThat(resumed.exit()).as(resumed.out() + resumed.err()).isZero();
        assertThat(results(rerun).finals()).as("the failed tests of the first run, not the whole tree")
                .extracting(TestResult::name, TestResult::outcome)
                .containsExactlyInAnyOrder(tuple("/b", Outcome.PASS), tuple("/c", Outcome.PASS));
        assertThat(sleepingTests()).isEmpty();
    }

    /** Runs the tree in another JVM with one worker and kills it with SIGKILL once a test printed "started". */
    private void killNineOnceATestStarted(TreeFixture t, Path dir, String... options) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "run", t.root().toString(), "--workers", "1", "--results", dir.toString()));
        command.addAll(List.of(options));
        Process corral = new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(tmp.resolve("killed.log").toFile()).start();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(dir.resolve("tests"))
                    && Files.walk(dir.resolve("tests")).anyMatch(p -> p.endsWith("output.txt") && contains(p, "started")));
            corral.destroyForcibly(); // kill -9: no wind-down, the test's sleep is orphaned
            assertThat(corral.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            corral.destroyForcibly();
        }
    }

    @Test
    void resumeOfARunWithoutItsCommandLineAsksForTheTree() throws IOException {
        TreeFixture t = new TreeFixture(tmp.resolve("plain")).write("main.fmf", "/a:\n  test: 'true'\n");
        Path dir = tmp.resolve("api-run");
        assertThat(Cli.run("run", t.root().toString(), "--results", dir.toString()).exit()).isZero();
        Files.delete(dir.resolve("command.json")); // as a run started from the Java API

        Cli alone = Cli.run("run", "--resume", dir.toString());
        assertThat(alone.exit()).isEqualTo(2);
        assertThat(alone.err().strip()).startsWith("error: " + dir + " has no command.json").doesNotContain("\n");

        Cli withTree = Cli.run("run", t.root().toString(), "--resume", dir.toString());
        assertThat(withTree.exit()).as(withTree.err()).isZero();
        assertThat(results(dir).attempts()).hasSize(1);
        assertThat(withTree.out()).as("nothing left to run: the summary of the whole run still shows")
                .contains("resumed: 1 result carried over from the earlier run");
        assertThat(summaryRow(withTree.out(), "default")).containsExactly("default", "1", "0", "0", "0", "0", "0", "1");
    }

    /** The {@code sleep 600} processes of these tests' trees still running on this host. */
    private static List<ProcessHandle> sleepingTests() {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().command().map(c -> c.endsWith("/sleep")).orElse(false)
                        && p.info().arguments().map(a -> List.of(a).equals(List.of("600"))).orElse(false))
                .toList();
    }

    private static boolean contains(Path file, String text) {
        try {
            return Files.readString(file).contains(text);
        } catch (IOException e) {
            return false;
        }
    }
}
