package dev.corral.execute;

import static dev.corral.execute.TestCaseBuilder.test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import dev.corral.Deadline;
import dev.corral.RunId;
import dev.corral.machine.Capability;
import dev.corral.machine.Command;
import dev.corral.machine.ExecResult;
import dev.corral.machine.Machine;
import dev.corral.results.Outcome;
import dev.corral.results.SubResult;
import dev.corral.results.TestResult;
import dev.corral.tmt.ResultInterpretation;
import dev.corral.tmt.TestCase;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The tmt test protocol, as every kind of machine must run it: outcomes, {@code result:} interpretations, helper
 * commands and their aliases, {@code TMT_*} variables, the plan environment file, time limits, reboots and
 * restarts, hostile names and values, big outputs. Subclasses provide machines of one kind (local, podman,
 * SSH, ...); everything else is real: real bash, real processes, real files.
 */
public abstract class AbstractProtocolContract {
    /** Generous limits: the host may be a loaded 2-core machine. */
    protected static final Duration GENEROUS = Duration.ofMinutes(3);

    @TempDir
    protected Path tmp;

    protected Path results;
    protected Path tree;
    protected RunId runId;
    private final List<Machine> machines = new ArrayList<>();
    private final AtomicInteger serials = new AtomicInteger();
    private final TestInvoker invoker = new TestInvoker();
    private PreparedMachine prepared;
    private PlanEnvironment plan;

    /**
     * A fresh machine of the backend under test; closed by the contract after each test.
     *
     * @param workspace a private directory the backend may use
     */
    protected abstract Machine provision(Path workspace) throws Exception;

    /** A fresh machine of the backend under test that has {@link Capability#REBOOT}. */
    protected abstract Machine provisionRebootable(Path workspace) throws Exception;

    /** Whether a process runs on the machine (exists and is not a zombie). */
    protected boolean isRunning(Machine machine, long pid) throws InterruptedException {
        ExecResult r = machine.connection().exec(Command.of("sh", "-c",
                "[ -r /proc/$1/stat ] || exit 1; s=$(sed 's/.*) //' /proc/$1/stat | cut -d' ' -f1);"
                        + " [ \"$s\" != Z ] && [ \"$s\" != X ]", "sh", Long.toString(pid)), deadline());
        return r.exitCode() == 0;
    }

    @BeforeEach
    void setUpContract() throws Exception {
        results = Files.createDirectories(tmp.resolve("results"));
        tree = Files.createDirectories(tmp.resolve("tree"));
        runId = RunId.generate();
        plan = PlanEnvironment.empty();
        Path sub = Files.createDirectories(tree.resolve("tests/sub"));
        Files.writeString(sub.resolve("run.sh"), "#!/bin/bash\necho \"run.sh in $PWD\"\n");
        Files.setPosixFilePermissions(sub.resolve("run.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(sub.resolve("main.fmf"), "test: ./run.sh\n");
        Files.createDirectories(tree.resolve(".git"));
        Files.writeString(tree.resolve(".git/HEAD"), "ref: refs/heads/main\n");
        Files.createDirectories(tree.resolve(".fmf"));
        Files.writeString(tree.resolve(".fmf/version"), "1\n");
        Machine machine = provision(tmp.resolve("backend"));
        // the default machine stands for hosts that cannot reboot; reboot cases ask for provisionRebootable
        prepared = prepare(machine.can(Capability.REBOOT) ? new WithoutReboot(machine) : machine);
    }

    @AfterEach
    void tearDownContract() {
        for (Machine machine : machines) {
            machine.close();
        }
    }

    protected PreparedMachine prepare(Machine machine) throws InterruptedException {
        machines.add(machine);
        return PreparedMachine.prepare(machine, tree, deadline());
    }

    protected static Deadline deadline() {
        return Deadline.after(GENEROUS);
    }

    protected InvocationResult run(TestCase test) throws InterruptedException {
        return run(prepared, test);
    }

    protected InvocationResult run(PreparedMachine on, TestCase test) throws InterruptedException {
        return invoker.invoke(invocation(on, test).build(), deadline());
    }

    protected Invocation.Builder invocation(PreparedMachine on, TestCase test) {
        return Invocation.builder(on, test, serials.incrementAndGet(), results).planEnvironment(plan).runId(runId)
                .context(Map.of("distro", List.of("fedora-41")));
    }

    protected TestResult runOne(TestCase test) throws InterruptedException {
        InvocationResult r = run(test);
        assertThat(r.results()).hasSize(1);
        return r.main();
    }

    protected Path file(String relativeToResults) {
        return results.resolve(relativeToResults);
    }

    protected String text(String relativeToResults) throws IOException {
        return Files.readString(file(relativeToResults), StandardCharsets.UTF_8);
    }

    protected String output(TestResult result) throws IOException {
        return text(result.logs().getFirst());
    }

    protected String data(TestResult result, String name) throws IOException {
        return text(result.dataPath() + "/" + name);
    }

    // ---- outcomes ---------------------------------------------------------------------------------------------

    @Test
    void passingTestPassesWithItsOutputAndFacts() throws Exception {
        Instant before = Instant.now();
        TestResult r = runOne(test("/tests/hello", "echo hello; echo to-stderr >&2").id("1234-abcd")
                .extra("extra-nitrate", "TC#0001").build());

        assertThat(r.outcome()).isEqualTo(Outcome.PASS);
        assertThat(r.originalOutcome()).isNull();
        assertThat(r.notes()).isEmpty();
        assertThat(r.name()).isEqualTo("/tests/hello");
        assertThat(r.target()).isEqualTo("default");
        assertThat(r.serialNumber()).isEqualTo(serials.get());
        assertThat(r.attempt()).isEqualTo(1);
        assertThat(r.machine()).isEqualTo(prepared.machine().id());
        assertThat(r.logs().getFirst()).isEqualTo("tests/tests-hello-" + r.serialNumber() + "/output.txt");
        assertThat(r.dataPath()).isEqualTo("tests/tests-hello-" + r.serialNumber() + "/data");
        assertThat(file(r.dataPath())).isDirectory();
        assertThat(output(r)).isEqualTo("hello\nto-stderr\n");
        assertThat(r.start()).isAfterOrEqualTo(before.minusSeconds(1)).isBeforeOrEqualTo(r.end());
        assertThat(r.context()).containsEntry("distro", List.of("fedora-41"));
        assertThat(r.ids()).containsEntry("id", "1234-abcd").containsEntry("extra-nitrate", "TC#0001");
        assertThat(r.extra()).containsEntry("exit-code", 0).containsEntry("reboot-count", 0)
                .containsEntry("restart-count", 0);
        assertThat(file("tests/tests-hello-" + r.serialNumber() + "/metadata.yaml")).exists();
    }

    @ParameterizedTest(name = "exit {0} is {1}")
    @CsvSource({"0, PASS", "1, FAIL", "2, ERROR", "100, ERROR", "255, ERROR"})
    void exitCodesGiveTmtOutcomes(int exitCode, Outcome expected) throws Exception {
        TestResult r = runOne(test("/exit", "exit " + exitCode).build());

        assertThat(r.outcome()).isEqualTo(expected);
        assertThat(r.notes()).isEmpty();
        assertThat(r.extra()).containsEntry("exit-code", exitCode);
    }

    @Test
    void bashOfATestIsTheBashThatRunsIt() throws Exception {
        // scripts re-run themselves or a snippet with "$BASH", the bash they run in
        TestResult r = runOne(test("/bash", """
                "$BASH" -c 'echo "$0 ran: ${BASH_VERSION%%.*}"' again
                [ "$BASH" -ef "$(command -v bash)" ] && echo same
                """).build());

        assertThat(r.outcome()).as(output(r)).isEqualTo(Outcome.PASS);
        assertThat(output(r)).matches("again ran: [0-9]+\nsame\n");
    }

    @Test
    void testKilledBySignalIsAnError() throws Exception {
        TestResult r = runOne(test("/killed", "kill -KILL $$").build());

        assertThat(r.outcome()).isEqualTo(Outcome.ERROR);
        assertThat(r.extra()).containsEntry("exit-code", 137);
    }

    @Test
    void shellTestsRunWithErrexitAndPipefail() throws Exception {
        TestResult errexit = runOne(test("/errexit", "echo one; false; echo unreachable").build());
        assertThat(errexit.outcome()).isEqualTo(Outcome.FAIL);
        assertThat(output(errexit)).isEqualTo("one\n");

        TestResult pipefail = runOne(test("/pipefail", "false | true; echo unreachable").build());
        assertThat(pipefail.outcome()).isEqualTo(Outcome.FAIL);
        assertThat(output(pipefail)).doesNotContain("unreachable");
    }

    @Test
    void theTestIsANewShellStartedByTheWrapperLikeTmtsInnerWrapper() throws Exception {
        TestResult r = runOne(test("/shell", """
                read -r wrapper _ < "$TMT_TEST_PIDFILE"
                [ "$PPID" = "$wrapper" ]
                [ "$$" != "$wrapper" ]
                [ "$BASHPID" = "$$" ]
                echo "0=${0##*/} args=$# source=${BASH_SOURCE[*]##*/} functions=${FUNCNAME[*]-}"
                echo "wrapper variables: ${test_script-}${scripts_dir-}${test_pid-}${lock_dir-}${tty-}${exit_code-}"
                kill -TERM $$
                echo unreachable
                """).build());

        assertThat(r.outcome()).isEqualTo(Outcome.ERROR);
        assertThat(r.extra()).containsEntry("exit-code", 143);
        // then bash's "Terminated" for the killed test
        assertThat(output(r)).startsWith("0=test.sh args=0 source=test.sh functions=\nwrapper variables: \n")
                .doesNotContain("unreachable");
    }

    @Test
    void testRunsFromItsPathInTheTreeCopiedOnceWithoutGit() throws Exception {
        TestResult r = runOne(test("/tests/sub", "./run.sh; [ ! -e \"$TMT_TREE/.git\" ]; [ -e \"$TMT_TREE/.fmf/version\" ]")
                .path("/tests/sub").build());

        assertThat(r.outcome()).isEqualTo(Outcome.PASS);
        assertThat(output(r)).isEqualTo("run.sh in " + prepared.treeDir() + "/tests/sub\n");
    }

    @Test
    void testWithoutACommandOrWithAPathLeavingTheTreeIsAnErrorWithoutRunning() throws Exception {
        TestResult noCommand = runOne(test("/nothing", " ").build());
        assertThat(noCommand.outcome()).isEqualTo(Outcome.ERROR);
        assertThat(noCommand.notes()).containsExactly("test /nothing has no 'test' command to run");

        TestResult escaping = runOne(test("/escape", "touch escaped").path("/tests/../../..").build());
        assertThat(escaping.outcome()).isEqualTo(Outcome.ERROR);
        assertThat(escaping.notes()).containsExactly("test path '/tests/../../..' leaves the test tree");
        assertThat(file(escaping.logs().getFirst())).exists();
    }

    @Test
    void testsWithoutATerminalReadFromDevNull() throws Exception {
        TestResult r = runOne(test("/stdin", "readlink /proc/$$/fd/0; cat").build());

        assertThat(r.outcome()).as(output(r)).isEqualTo(Outcome.PASS);
        assertThat(output(r)).isEqualTo("/dev/null\n");
    }

    @Test
    void ttyTestsKeepTheirOutput() throws Exception {
        TestResult r = runOne(test("/tty", "echo out; echo err >&2").tty().build());

        assertThat(r.outcome()).isEqualTo(Outcome.PASS);
        assertThat(output(r)).contains("out\n").contains("err\n");
    }

    // ---- result interpretation ---------------------------------------------------------------------------------

    @ParameterizedTest(name = "result: {0}, exit {1} -> {2} ({3})")
    @CsvSource(delimiter = '|', value = {
            "RESPECT | 1 | FAIL  | ",
            "XFAIL   | 1 | PASS  | original result: fail",
            "XFAIL   | 0 | FAIL  | original result: pass",
            "XFAIL   | 2 | ERROR | original result: error",
            "PASS    | 1 | PASS  | original result: fail",
            "INFO    | 0 | INFO  | original result: pass",
            "WARN    | 0 | WARN  | original result: pass",
            "ERROR   | 0 | ERROR | original result: pass",
            "FAIL    | 0 | FAIL  | original result: pass",
            "PASS    | 0 | PASS  | original result: pass"})
    void resultKeyInterpretsTheOutcome(ResultInterpretation how, int exitCode, Outcome expected, String note)
            throws Exception {
        TestResult r = runOne(test("/interpret", "exit " + exitCode).result(how).build());

        assertThat(r.outcome()).isEqualTo(expected);
        if (note == null) {
            assertThat(r.notes()).isEmpty();
            assertThat(r.originalOutcome()).isNull();
        } else {
            assertThat(r.notes()).containsExactly(note);
            Outcome original = Outcome.parse(note.substring("original result: ".length()));
            assertThat(r.originalOutcome()).isEqualTo(original == expected ? null : original);
        }
    }

    // ---- result: custom ----------------------------------------------------------------------------------------

    @Test
    void customResultsYamlBecomeTheResults() throws Exception {
        String script = """
                echo passed > "$TMT_TEST_DATA/pass.log"
                cat > "$TMT_TEST_DATA/results.yaml" <<'YAML'
                - name: /
                  result: pass
                - name: /sub/passing
                  result: pass
                  log: [pass.log]
                  duration: "00:11:22"
                  note: [first, second]
                - name: /sub/failing
                  result: fail
                  start-time: "2026-01-02T03:04:05+00:00"
                  end-time: "2026-01-02T03:14:05+00:00"
                  subresult:
                    - name: /inner
                      result: warn
                - name: no-slash
                  result: skip
                YAML
                """;
        InvocationResult r = run(test("/custom", script).result(ResultInterpretation.CUSTOM).build());

        assertThat(r.results()).extracting(TestResult::name)
                .containsExactly("/custom", "/custom/sub/passing", "/custom/sub/failing", "/custom/no-slash");
        assertThat(r.results()).extracting(TestResult::outcome)
                .containsExactly(Outcome.PASS, Outcome.PASS, Outcome.FAIL, Outcome.SKIP);
        assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
        TestResult passing = r.results().get(1);
        assertThat(passing.duration()).isEqualTo(Duration.ofHours(0).plusMinutes(11).plusSeconds(22));
        assertThat(passing.notes()).containsExactly("first", "second");
        assertThat(passing.logs()).containsExactly(passing.dataPath() + "/pass.log");
        assertThat(text(passing.logs().getFirst())).isEqualTo("passed\n");
        TestResult failing = r.results().get(2);
        assertThat(failing.duration()).isEqualTo(Duration.ofMinutes(10));
        assertThat(failing.subresults()).extracting(SubResult::name, SubResult::outcome)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("/inner", Outcome.WARN));
        assertThat(r.results().get(3).notes()).containsExactly("custom test result name should start with '/'");
        assertThat(r.main().name()).isEqualTo("/custom");
        assertThat(r.results()).allSatisfy(result -> assertThat(result.serialNumber()).isEqualTo(serials.get()));
    }

    @Test
    void customResultsJsonBecomeTheResults() throws Exception {
        String script = """
                cat > "$TMT_TEST_DATA/results.json" <<'JSON'
                [{"name": "/a", "result": "pass"}, {"name": "/b", "result": "info", "note": "just a note"}]
                JSON
                """;
        InvocationResult r = run(test("/json", script).result(ResultInterpretation.CUSTOM).build());

        assertThat(r.results()).extracting(TestResult::name, TestResult::outcome).containsExactly(
                org.assertj.core.groups.Tuple.tuple("/json/a", Outcome.PASS),
                org.assertj.core.groups.Tuple.tuple("/json/b", Outcome.INFO));
        assertThat(r.results().get(1).notes()).containsExactly("just a note");
    }

    static Stream<Arguments> brokenCustomResults() {
        return Stream.of(
                Arguments.of("missing", "true", "custom results file not found in 'tests/broken-"),
                Arguments.of("empty", ": > \"$TMT_TEST_DATA/results.yaml\"", "custom results are empty"),
                Arguments.of("empty json", "echo '[]' > \"$TMT_TEST_DATA/results.json\"", "custom results are empty"),
                Arguments.of("not a list", "echo 'name: x' > \"$TMT_TEST_DATA/results.yaml\"",
                        "invalid custom results: expected a list in yaml data, got 'dict'"),
                Arguments.of("json dict", "echo '{\"a\": 1}' > \"$TMT_TEST_DATA/results.json\"",
                        "invalid custom results: expected a list in json data, got 'dict'"),
                Arguments.of("bad yaml", "printf -- '- name: [x\\n' > \"$TMT_TEST_DATA/results.yaml\"",
                        "invalid custom results: invalid YAML syntax"),
                Arguments.of("bad json", "echo '[{' > \"$TMT_TEST_DATA/results.json\"",
                        "invalid custom results: invalid JSON syntax"),
                Arguments.of("bad outcome",
                        "printf -- '- name: /x\\n  result: errrrrr\\n' > \"$TMT_TEST_DATA/results.yaml\"",
                        "invalid custom results: result '/x': invalid result 'errrrrr'"),
                Arguments.of("no name", "printf -- '- result: pass\\n' > \"$TMT_TEST_DATA/results.yaml\"",
                        "invalid custom results: result #1: 'name' must be a non-empty string"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenCustomResults")
    void brokenCustomResultsAreAnError(String what, String script, String note) throws Exception {
        TestResult r = runOne(test("/broken", script).result(ResultInterpretation.CUSTOM).build());

        assertThat(r.outcome()).as(what).isEqualTo(Outcome.ERROR);
        assertThat(r.notes()).hasSize(1);
        assertThat(r.notes().getFirst()).startsWith(note);
    }

    @Test
    void logsOutsideTheTestDirectoryAreIgnored() throws Exception {
        String script = """
                printf -- '- name: /x\\n  result: pass\\n  log: [../../../../../etc/passwd, /etc/passwd, ../metadata.yaml]\\n' \\
                    > "$TMT_TEST_DATA/results.yaml"
                """;
        InvocationResult r = run(test("/outside", script).result(ResultInterpretation.CUSTOM).build());

        TestResult x = r.results().getFirst();
        assertThat(x.logs()).containsExactly(x.dataPath().replace("/data", "") + "/metadata.yaml");
        assertThat(x.notes()).anyMatch(n -> n.contains("outside the test's directory"));
    }

    // ---- tmt-report-result -------------------------------------------------------------------------------------

    @Test
    void reportedResultsBecomeSubresultsAndTheWorstDecides() throws Exception {
        String script = """
                echo good-log > good.log
                tmt-report-result /good PASS
                tmt-report-result -o good.log good2 pass
                tmt-report-result --outputfile=good.log /bad FAIL
                tmt-report-result /weird warn
                tmt-report-result /skipped SKIP
                exit 0
                """;
        TestResult r = runOne(test("/report", script).build());

        assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
        assertThat(r.subresults()).extracting(SubResult::name, SubResult::outcome).containsExactly(
                org.assertj.core.groups.Tuple.tuple("/good", Outcome.PASS),
                org.assertj.core.groups.Tuple.tuple("/good2", Outcome.PASS),
                org.assertj.core.groups.Tuple.tuple("/bad", Outcome.FAIL),
                org.assertj.core.groups.Tuple.tuple("/weird", Outcome.WARN),
                org.assertj.core.groups.Tuple.tuple("/skipped", Outcome.SKIP));
        SubResult good2 = r.subresults().get(1);
        assertThat(good2.logs()).containsExactly(r.dataPath() + "/good2_good.log");
        assertThat(text(good2.logs().getFirst())).isEqualTo("good-log\n");
        assertThat(good2.end()).isNotNull();
        // the log of the first result with the deciding outcome follows the output
        assertThat(r.logs()).containsExactly(r.logs().getFirst(), r.dataPath() + "/bad_good.log");
    }

    @Test
    void reportedResultsDecideAloneWhateverTheExitCode() throws Exception {
        assertThat(runOne(test("/pass-exit-1", "tmt-report-result / pass; exit 1").build()).outcome())
                .isEqualTo(Outcome.PASS);
        assertThat(runOne(test("/skip-and-pass", "tmt-report-result /a skip; tmt-report-result /b pass").build())
                .outcome()).isEqualTo(Outcome.PASS);
        assertThat(runOne(test("/only-skip", "tmt-report-result /a skip").build()).outcome())
                .isEqualTo(Outcome.SKIP);
        TestResult self = runOne(test("/self", "tmt-report-result / pass").build());
        assertThat(self.subresults()).extracting(SubResult::name).containsExactly("/self");
    }

    @ParameterizedTest
    @ValueSource(strings = {"rstrnt-report-result", "rhts-report-result"})
    void reportResultAliases(String alias) throws Exception {
        String script = "echo log-of-" + alias + " > my.log; " + alias + " /sub FAIL my.log 0; "
                + alias + " -o my.log /other PASS";
        TestResult r = runOne(test("/alias", script).build());

        assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
        assertThat(r.subresults()).extracting(SubResult::name).containsExactly("/sub", "/other");
        if (alias.equals("rhts-report-result")) {
            // rhts-report-result takes the log as its third argument, as beakerlib calls it
            assertThat(r.subresults().getFirst().logs()).containsExactly(r.dataPath() + "/sub_my.log");
        }
        assertThat(r.subresults().get(1).logs()).containsExactly(r.dataPath() + "/other_my.log");
        assertThat(text(r.dataPath() + "/other_my.log")).isEqualTo("log-of-" + alias + "\n");
    }

    @Test
    void reportResultHelpAndUsageErrors() throws Exception {
        TestResult r = runOne(test("/usage", """
                tmt-report-result --help > help.txt && exit 10 || echo "help exit $?"
                tmt-report-result only-one-argument > usage.txt && exit 11 || echo "usage exit $?"
                tmt-report-result --bogus x pass 2> bogus.txt && exit 12 || echo "bogus exit $?"
                grep -q 'TASK_PATH RESULT' help.txt
                grep -q 'Usage' usage.txt
                grep -q 'illegal option --bogus' bogus.txt
                """).build());

        assertThat(r.outcome()).isEqualTo(Outcome.PASS);
        assertThat(output(r)).isEqualTo("help exit 1\nusage exit 1\nbogus exit 2\n");
    }

    @Test
    void reportedNamesWithQuotesAndNewlinesStayIntact() throws Exception {
        TestResult r = runOne(test("/names", "tmt-report-result '/it'\\''s \"quoted\" \\back' pass; "
                + "tmt-report-result \"$(printf '/two\\nlines')\" pass; tmt-report-result '/trailing:' pass").build());

        assertThat(r.outcome()).isEqualTo(Outcome.PASS);
        assertThat(r.subresults()).extracting(SubResult::name)
                .containsExactly("/it's \"quoted\" \\back", "/two\nlines", "/trailing");
    }

    @Test
    void invalidReportedOutcomeIsAnError() throws Exception {
        TestResult r = runOne(test("/invalid", "tmt-report-result /x maybe").build());

        assertThat(r.outcome()).isEqualTo(Outcome.ERROR);
        assertThat(r.notes()).singleElement().asString().contains("invalid result 'maybe'");
    }

    @Test
    void restraintResultsAreResultsOfTheirOwn() throws Exception {
        InvocationResult r = run(test("/restraint", """
                tmt-report-result /first PASS
                echo details > details.log
                rstrnt-report-result -o details.log /second FAIL
                tmt-report-result / WARN
                """).result(ResultInterpretation.RESTRAINT).build());

        assertThat(r.results()).extracting(TestResult::name, TestResult::outcome).containsExactly(
                org.assertj.core.groups.Tuple.tuple("/restraint/first", Outcome.PASS),
                org.assertj.core.groups.Tuple.tuple("/restraint/second", Outcome.FAIL),
                org.assertj.core.groups.Tuple.tuple("/restraint", Outcome.WARN));
        TestResult first = r.results().getFirst();
        assertThat(first.logs()).containsExactly(r.testDirectory() + "/output.txt");
        assertThat(r.results().get(1).logs()).containsExactly(r.testDirectory() + "/data/second_details.log");
        assertThat(r.main().name()).isEqualTo("/restraint");

        TestResult none = runOne(test("/restraint-none", "exit 1").result(ResultInterpretation.RESTRAINT).build());
        assertThat(none.outcome()).isEqualTo(Outcome.FAIL);
        assertThat(none.notes()).containsExactly("no results reported with tmt-report-result");
    }

    // ---- tmt-file-submit ---------------------------------------------------------------------------------------

    @Test
    void submittedFilesBecomeLogs() throws Exception {
        String script = """
                for n in 1 2 3 4 5; do echo "content $n" > /tmp/corral-submit-$TMT_TEST_SERIAL_NUMBER-$n.txt; done
                tmt-file-submit -l /tmp/corral-submit-$TMT_TEST_SERIAL_NUMBER-1.txt
                rstrnt-report-log -l /tmp/corral-submit-$TMT_TEST_SERIAL_NUMBER-2.txt
                rhts-submit-log -s http://server -T 1 -l /tmp/corral-submit-$TMT_TEST_SERIAL_NUMBER-3.txt
                rhts_submit_log --filename /tmp/corral-submit-$TMT_TEST_SERIAL_NUMBER-4.txt
                tmt-file-submit /tmp/corral-submit-$TMT_TEST_SERIAL_NUMBER-5.txt
                rm -f /tmp/corral-submit-$TMT_TEST_SERIAL_NUMBER-*.txt
                tmt-file-submit -l /no/such/file && exit 1 || true
                """;
        TestResult r = runOne(test("/submit", script).build());

        assertThat(r.outcome()).isEqualTo(Outcome.PASS);
        List<String> expected = new ArrayList<>();
        expected.add(r.logs().getFirst());
        for (int n = 1; n <= 5; n++) {
            String log = r.dataPath() + "/corral-submit-" + r.serialNumber() + "-" + n + ".txt";
            expected.add(log);
            assertThat(text(log)).isEqualTo("content " + n + "\n");
        }
        assertThat(r.logs()).containsExactlyElementsOf(expected);
    }

    @Test
    void fileSubmitOutsideOfATestRefuses() throws Exception {
        ExecResult r = prepared.machine().connection().exec(
                Command.of(prepared.scriptsDir() + "/tmt-file-submit", "-l", "/etc/hostname"), deadline());

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stdout() + r.stderr()).contains("only in the context of a running test");
    }

    // ---- tmt-abort ---------------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"tmt-abort", "rstrnt-abort", "rhts-abort"})
    void abortEndsTheTestAsAnErrorAndAsksToStop(String command) throws Exception {
        InvocationResult r = run(test("/abort", "echo before; " + command + "; echo after").build());

        assertThat(r.abortRequested()).isTrue();
        TestResult main = r.main();
        assertThat(main.outcome()).isEqualTo(Outcome.ERROR);
        assertThat(main.notes()).containsExactly("aborted");
        assertThat(output(main)).startsWith("before\n").doesNotContain("after");

        assertThat(run(test("/no-abort", "true").build()).abortRequested()).isFalse();
    }

    @Test
    void abortOverridesReportedResults() throws Exception {
        InvocationResult r = run(test("/abort-report", "tmt-report-result / pass; (tmt-abort); exit 0").build());

        assertThat(r.abortRequested()).isTrue();
        assertThat(r.main().outcome()).isEqualTo(Outcome.ERROR);
        assertThat(r.main().notes()).contains("aborted");
    }

    // ---- reboot and restart ------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"tmt-reboot", "rstrnt-reboot", "rhts-reboot"})
    void rebootOnAMachineThatCannotRebootIsAnError(String command) throws Exception {
        assertThat(prepared.machine().can(Capability.REBOOT)).isFalse();

        TestResult r = runOne(test("/reboot", "echo before; " + command + "; sleep 60; echo after").build());

        assertThat(r.outcome()).isEqualTo(Outcome.ERROR);
        assertThat(r.notes()).containsExactly("reboot requested but machine " + prepared.machine().id()
                + " cannot reboot");
        assertThat(r.extra()).containsEntry("reboot-count", 0);
        assertThat(output(r)).startsWith("before\n").doesNotContain("after");
    }

    @ParameterizedTest
    @ValueSource(strings = {"tmt-reboot -t 600", "rstrnt-reboot", "rhts-reboot"})
    void rebootRunsTheTestAgainAndOnlyTheLastRunCounts(String command) throws Exception {
        PreparedMachine rebootable = prepare(provisionRebootable(tmp.resolve("rebootable")));
        String script = """
                echo "run $TMT_REBOOT_COUNT $REBOOTCOUNT $RSTRNT_REBOOTCOUNT $TMT_TEST_RESTART_COUNT"
                if [ "$TMT_REBOOT_COUNT" = 0 ]; then
                    %s
                    sleep 60
                    exit 1
                fi
                [ ! -e "$TMT_REBOOT_REQUEST" ]
                """.formatted(command);

        TestResult r = run(rebootable, test("/rebooting", script).build()).main();

        assertThat(r.outcome()).isEqualTo(Outcome.PASS);
        assertThat(r.notes()).isEmpty();
        assertThat(r.extra()).containsEntry("reboot-count", 1).containsEntry("restart-count", 1);
        assertThat(output(r)).startsWith("run 0 0 0 0\n").contains("run 1 1 1 1\n");
    }

    @Test
    void restartOnExitCodeRunsTheTestAgain() throws Exception {
        TestCase flaky = test("/flaky", "echo try $TMT_TEST_RESTART_COUNT; [ $TMT_TEST_RESTART_COUNT -ge 2 ] || exit 42")
                .restartOnExitCode(42).restartMaxCount(2).build();

        TestResult r = runOne(flaky);

        assertThat(r.outcome()).isEqualTo(Outcome.PASS);
        assertThat(r.extra()).containsEntry("restart-count", 2).containsEntry("reboot-count", 0);
        assertThat(output(r)).isEqualTo("try 0\ntry 1\ntry 2\n");
    }

    @Test
    void tooManyRestartsIsAnError() throws Exception {
        TestResult r = runOne(test("/crashy", "exit 42").restartOnExitCode(42, 43).restartMaxCount(1).build());

        assertThat(r.outcome()).isEqualTo(Outcome.ERROR);
        assertThat(r.notes()).containsExactly("crashed too many times, you may want to set restart-max-count larger");
        assertThat(r.extra()).containsEntry("restart-count", 1).containsEntry("exit-code", 42);
    }

    @Test
    void restartWithRebootNeedsAMachineThatReboots() throws Exception {
        TestCase test = test("/restart-reboot", "echo boot $TMT_REBOOT_COUNT; [ $TMT_REBOOT_COUNT -ge 1 ] || exit 7")
                .restartOnExitCode(7).restartWithReboot().build();

        TestResult cannot = runOne(test);
        assertThat(cannot.outcome()).isEqualTo(Outcome.ERROR);
        assertThat(cannot.notes()).containsExactly("restart with reboot requested but machine "
                + prepared.machine().id() + " cannot reboot");

        PreparedMachine rebootable = prepare(provisionRebootable(tmp.resolve("rebootable")));
        TestResult can = run(rebootable, test).main();
        assertThat(can.outcome()).isEqualTo(Outcome.PASS);
        assertThat(can.extra()).containsEntry("reboot-count", 1).containsEntry("restart-count", 1);
        assertThat(output(can)).isEqualTo("boot 0\nboot 1\n");
    }

    // ---- environment -------------------------------------------------------------------------------------------

    @Test
    void everyTmtVariableIsSet() throws Exception {
        String script = """
                env -0 > "$TMT_TEST_DATA/env"
                pwd > "$TMT_TEST_DATA/pwd"
                cp "$TMT_TEST_METADATA" "$TMT_TEST_DATA/metadata-copy.yaml"
                cat "$TMT_TEST_PIDFILE" > "$TMT_TEST_DATA/pidfile"
                [ -e "$TMT_TEST_PIDFILE_LOCK" ]
                [ -f "$TMT_PLAN_ENVIRONMENT_FILE" ] && [ -f "$TMT_PLAN_SOURCE_SCRIPT" ] && [ -d "$TMT_PLAN_DATA" ]
                [ -d "$TMT_TEST_DATA" ] && [ -d "$TMT_TEST_INVOCATION_PATH" ]
                command -v tmt-report-result > "$TMT_TEST_DATA/which"
                """;
        TestResult r = runOne(test("/tests/env", script).path("/tests/sub").metadata("summary", "env check")
                .metadata("test", "env -0").build());
        assertThat(r.outcome()).as(output(r)).isEqualTo(Outcome.PASS);

        Map<String, String> env = environment(data(r, "env"));
        String invocationPath = env.get("TMT_TEST_INVOCATION_PATH");
        if (prepared.machine().can(dev.corral.machine.Capability.HOST_FILES)) {
            // a machine sharing this host's files runs the test in its results directory, as tmt does locally
            assertThat(Path.of(invocationPath)).isEqualTo(results.resolve(r.dataPath()).getParent().toAbsolutePath());
        } else {
            assertThat(invocationPath).startsWith(prepared.testsDir() + "/");
        }
        assertThat(env).containsEntry("TMT_TEST_NAME", "/tests/env")
                .containsEntry("TMT_TEST_SERIAL_NUMBER", Integer.toString(r.serialNumber()))
                .containsEntry("TMT_TEST_ITERATION_ID", runId.value() + "-" + r.serialNumber())
                .containsEntry("TMT_TEST_DATA", invocationPath + "/data")
                .containsEntry("TMT_TEST_METADATA", invocationPath + "/metadata.yaml")
                .containsEntry("TMT_TEST_SUBMITTED_FILES", invocationPath + "/submitted-files")
                .containsEntry("TMT_TEST_PIDFILE", invocationPath + "/tmt-test.pid")
                .containsEntry("TMT_TEST_PIDFILE_LOCK", invocationPath + "/tmt-test.pid.lock")
                .containsEntry("TMT_TEST_PIDFILE_ROOT", invocationPath)
                .containsEntry("TMT_REBOOT_REQUEST", invocationPath + "/data/reboot-request")
                .containsEntry("TMT_REBOOT_COUNT", "0")
                .containsEntry("REBOOTCOUNT", "0")
                .containsEntry("RSTRNT_REBOOTCOUNT", "0")
                .containsEntry("TMT_TEST_RESTART_COUNT", "0")
                .containsEntry("TMT_TREE", prepared.treeDir())
                .containsEntry("TMT_PLAN_DATA", prepared.planDataDir())
                .containsEntry("TMT_PLAN_ENVIRONMENT_FILE", prepared.planEnvironmentFile())
                .containsEntry("TMT_PLAN_SOURCE_SCRIPT", prepared.planSourceScript())
                .containsEntry("TMT_RESTRAINT_COMPATIBLE", "0")
                .containsEntry("TMT_VERSION", TestInvoker.TMT_VERSION)
                .doesNotContainKeys("BEAKERLIB_DIR", "BEAKERLIB_COMMAND_SUBMIT_LOG",
                        "BEAKERLIB_COMMAND_REPORT_RESULT", "TESTID");
        assertThat(env.get("PATH")).startsWith(prepared.scriptsDir() + ":");
        assertThat(data(r, "which").strip()).isEqualTo(prepared.scriptsDir() + "/tmt-report-result");
        assertThat(data(r, "pwd").strip()).isEqualTo(prepared.treeDir() + "/tests/sub");
        assertThat(data(r, "pidfile")).matches("\\d+ " + java.util.regex.Pattern.quote(invocationPath)
                + "/data/reboot-request\\n");
        String metadata = data(r, "metadata-copy.yaml");
        assertThat(metadata).contains("summary: env check").contains("context:").contains("fedora-41");
    }

    @Test
    void beakerlibVariablesAreSetForBeakerlibTests() throws Exception {
        TestResult r = runOne(test("/bkr-env", """
                env -0 > "$TMT_TEST_DATA/env"
                printf 'TESTRESULT_RESULT_STRING=PASS\\nTESTRESULT_STATE=complete\\n' > "$BEAKERLIB_DIR/TestResults"
                """).beakerlib().build());

        assertThat(r.outcome()).isEqualTo(Outcome.PASS);
        Map<String, String> env = environment(data(r, "env"));
        String invocationPath = env.get("TMT_TEST_INVOCATION_PATH");
        assertThat(env).containsEntry("BEAKERLIB_DIR", invocationPath)
                .containsEntry("BEAKERLIB_COMMAND_SUBMIT_LOG", prepared.scriptsDir() + "/tmt-file-submit")
                .containsEntry("BEAKERLIB_COMMAND_REPORT_RESULT", prepared.scriptsDir() + "/rhts-report-result")
                .containsEntry("TESTID", Integer.toString(r.serialNumber()));
    }

    @Test
    void environmentPrecedenceIsTestThenPlanThenTmt() throws Exception {
        plan = new PlanEnvironment(Map.of("SHARED", "from plan", "PLAN_ONLY", "plan"));
        TestResult r = runOne(test("/precedence", """
                printf '%s|%s|%s|%s' "$SHARED" "$PLAN_ONLY" "$TEST_ONLY" "$TMT_TEST_NAME" > "$TMT_TEST_DATA/out"
                """).env("SHARED", "from test").env("TEST_ONLY", "test").env("TMT_TEST_NAME", "forged").build());

        assertThat(data(r, "out")).isEqualTo("from plan|plan|test|/precedence");
    }

    @Test
    void planEnvironmentFileReachesLaterTestsOnEveryMachine() throws Exception {
        plan = new PlanEnvironment(Map.of("WINS", "plan"));
        TestResult first = runOne(test("/first", """
                echo 'FROM_FIRST=one' >> "$TMT_PLAN_ENVIRONMENT_FILE"
                echo 'QUOTED="two words" A=1 B=2 # a comment' >> "$TMT_PLAN_ENVIRONMENT_FILE"
                echo 'WINS=file' >> "$TMT_PLAN_ENVIRONMENT_FILE"
                echo "FIRST_SAW=${FROM_FIRST:-nothing}" > "$TMT_TEST_DATA/out"
                """).build());
        assertThat(first.outcome()).isEqualTo(Outcome.PASS);
        assertThat(data(first, "out")).isEqualTo("FIRST_SAW=nothing\n");
        assertThat(plan.fileVariables()).containsEntry("FROM_FIRST", "one").containsEntry("QUOTED", "two words")
                .containsEntry("A", "1").containsEntry("B", "2").containsEntry("WINS", "file");

        String print = "printf '%s|%s|%s|%s' \"$FROM_FIRST\" \"$QUOTED\" \"$A$B\" \"$WINS\" > \"$TMT_TEST_DATA/out\"";
        TestResult second = runOne(test("/second", print).build());
        assertThat(data(second, "out")).isEqualTo("one|two words|12|plan");

        PreparedMachine other = prepare(provision(tmp.resolve("other")));
        TestResult elsewhere = run(other, test("/elsewhere", print).build()).main();
        assertThat(data(elsewhere, "out")).isEqualTo("one|two words|12|plan");
    }

    @Test
    void hostileEnvironmentValuesArriveIntact() throws Exception {
        String hostile = "a 'single' \"double\" $(touch pwned1) `touch pwned2` ${HOME} \\ back\nsecond line\ttab ; rm -rf / #";
        plan = new PlanEnvironment(Map.of("PLAN_HOSTILE", hostile + "plan"));
        TestResult r = runOne(test("/hostile-env", """
                printf '%s' "$HOSTILE" > "$TMT_TEST_DATA/test"
                printf '%s' "$PLAN_HOSTILE" > "$TMT_TEST_DATA/plan"
                ls > "$TMT_TEST_DATA/ls"
                """).env("HOSTILE", hostile).path("/tests/sub").build());

        assertThat(r.outcome()).isEqualTo(Outcome.PASS);
        assertThat(data(r, "test")).isEqualTo(hostile);
        assertThat(data(r, "plan")).isEqualTo(hostile + "plan");
        assertThat(data(r, "ls")).doesNotContain("pwned");
        assertThat(Files.exists(tmp.resolve("pwned1"))).isFalse();
    }

    // ---- time limits -------------------------------------------------------------------------------------------

    @Test
    void durationKillsTheWholeTestIncludingDaemons() throws Exception {
        String script = """
                setsid bash -c 'echo $$ > "$TMT_PLAN_DATA/daemon-$TMT_TEST_SERIAL_NUMBER"; exec sleep 1000' &
                ( trap '' TERM HUP; sleep 1000 ) & echo $! > "$TMT_PLAN_DATA/child-$TMT_TEST_SERIAL_NUMBER"
                echo $$ > "$TMT_PLAN_DATA/test-$TMT_TEST_SERIAL_NUMBER"
                echo started
                sleep 1000
                """;
        long startNanos = System.nanoTime();
        TestResult r = runOne(test("/slow", script).duration(Duration.ofSeconds(3)).build());
        Duration took = Duration.ofNanos(System.nanoTime() - startNanos);

        assertThat(r.outcome()).isEqualTo(Outcome.ERROR);
        assertThat(r.notes()).containsExactly("timeout");
        assertThat(r.extra()).containsEntry("exit-code", 124);
        assertThat(took).isLessThan(Duration.ofSeconds(90));
        assertThat(output(r)).startsWith("started\n").endsWith("""

                Maximum test time '3s' exceeded.
                Adjust the test 'duration' attribute if necessary.
                https://tmt.readthedocs.io/en/stable/spec/tests.html#duration
                """);
        Machine machine = prepared.machine();
        for (String name : List.of("daemon", "child", "test")) {
            long pid = Long.parseLong(readOnMachine(prepared.planDataDir() + "/" + name + "-" + r.serialNumber()));
            await().atMost(GENEROUS).until(() -> !isRunning(machine, pid));
        }
    }

    @Test
    void timeoutWinsOverInterpretationAndReports() throws Exception {
        TestResult r = runOne(test("/slow-xfail", "tmt-report-result /a pass; sleep 1000")
                .duration(Duration.ofSeconds(2)).result(ResultInterpretation.XFAIL).build());

        assertThat(r.outcome()).isEqualTo(Outcome.ERROR);
        assertThat(r.notes()).containsExactly("timeout", "original result: error");
        assertThat(r.subresults()).extracting(SubResult::name).containsExactly("/a");
    }

    // ---- names, data, output -----------------------------------------------------------------------------------

    @Test
    void hostileNamesStayInsideTheResultsDirectory() throws Exception {
        List<String> names = List.of("/with space/and..dots", "/../../../escape", "..", "/ünïcödé/ﬁle/日本",
                "/control\u0001\nchars\t", "/" + "x".repeat(500), "/$(touch pwned)/`id`");
        for (String name : names) {
            InvocationResult r = run(test(name, "printf '%s' \"$TMT_TEST_NAME\" > \"$TMT_TEST_DATA/name\"").build());
            TestResult result = r.main();
            assertThat(result.outcome()).as(name).isEqualTo(Outcome.PASS);
            assertThat(result.name()).isEqualTo(name);
            assertThat(data(result, "name")).isEqualTo(name);
            Path dir = file(r.testDirectory()).normalize();
            assertThat(dir.getParent()).isEqualTo(results.resolve("tests"));
            assertThat(dir.getFileName().toString()).matches("[A-Za-z0-9_-]{1,80}-\\d+");
        }
        try (Stream<Path> top = Files.list(tmp)) {
            assertThat(top.map(p -> p.getFileName().toString())).allMatch(n -> n.equals("results") || n.equals("tree")
                    || n.equals("backend"));
        }
        try (Stream<Path> testDirs = Files.list(results.resolve("tests"))) {
            assertThat(testDirs).hasSize(names.size());
        }
    }

    @Test
    void attemptsAndTargetsGetTheirOwnDirectories() throws Exception {
        TestCase t = test("/again", "echo attempt").build();
        InvocationResult second = invoker.invoke(invocation(prepared, t).attempt(2).build(), deadline());
        assertThat(second.testDirectory()).matches("tests/again-\\d+\\.2");
        assertThat(second.main().attempt()).isEqualTo(2);

        InvocationResult target = invoker.invoke(invocation(prepared, t).target("rhel 9/x86_64").build(), deadline());
        assertThat(target.testDirectory()).matches("targets/rhel_9-x86_64-[0-9a-f]{8}/tests/again-\\d+");
        assertThat(target.main().target()).isEqualTo("rhel 9/x86_64");
        assertThat(output(target.main())).isEqualTo("attempt\n");
    }

    @Test
    void everythingTheTestLeavesInItsDataDirectoryIsCollected() throws Exception {
        TestResult r = runOne(test("/data", """
                mkdir -p "$TMT_TEST_DATA/deep/er"
                echo nested > "$TMT_TEST_DATA/deep/er/file"
                ln -s deep/er/file "$TMT_TEST_DATA/link"
                """).build());

        assertThat(data(r, "deep/er/file")).isEqualTo("nested\n");
        assertThat(Files.isSymbolicLink(file(r.dataPath()).resolve("link"))).isTrue();
    }

    @Test
    void outputIsStreamedToDiskWhileTheTestRuns() throws Exception {
        TestCase t = test("/streaming", "echo first-line; while [ ! -e \"$TMT_PLAN_DATA/go-$TMT_TEST_SERIAL_NUMBER\" ];"
                + " do sleep 0.1; done; echo second-line").build();
        Invocation invocation = invocation(prepared, t).build();
        CompletableFuture<InvocationResult> running = inBackground(invocation);
        Path output = results.resolve("tests/streaming-" + invocation.serialNumber() + "/output.txt");

        await().atMost(GENEROUS).until(() -> Files.exists(output) && Files.readString(output).equals("first-line\n"));
        assertThat(running).isNotDone();
        prepared.machine().connection().exec(Command.of("touch",
                prepared.planDataDir() + "/go-" + invocation.serialNumber()), deadline()).orThrow("touch");

        TestResult r = running.get().main();
        assertThat(output(r)).isEqualTo("first-line\nsecond-line\n");
    }

    @Test
    void aGigabyteOfOutputGoesToDiskNotToTheHeap() throws Exception {
        List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP).toList();
        System.gc();
        heap.forEach(MemoryPoolMXBean::resetPeakUsage);
        long before = heap.stream().mapToLong(p -> p.getUsage().getUsed()).sum();

        TestResult r = runOne(test("/gigabyte", "head -c 1G /dev/zero").build());

        long peak = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        assertThat(r.outcome()).isEqualTo(Outcome.PASS);
        assertThat(Files.size(file(r.logs().getFirst()))).isEqualTo(1L << 30);
        assertThat(peak - before).as("heap growth while streaming 1 GiB").isLessThan(256L << 20);
    }

    // ---- beakerlib ---------------------------------------------------------------------------------------------

    static Stream<Arguments> beakerlibResults() {
        return Stream.of(
                Arguments.of("pass", "TESTRESULT_RESULT_STRING=PASS\\nTESTRESULT_STATE=complete", Outcome.PASS, null),
                Arguments.of("fail", "TESTRESULT_STATE=\"complete\"\\nTESTRESULT_RESULT_STRING=FAIL", Outcome.FAIL, null),
                Arguments.of("warn", "TESTRESULT_RESULT_STRING=WARN\\nTESTRESULT_STATE=complete", Outcome.WARN, null),
                Arguments.of("incomplete", "TESTRESULT_RESULT_STRING=PASS\\nTESTRESULT_STATE=incomplete", Outcome.ERROR,
                        "beakerlib: State 'incomplete'"),
                Arguments.of("no result", "TESTRESULT_STATE=complete", Outcome.ERROR, "beakerlib: Result/State missing"),
                Arguments.of("no state", "TESTRESULT_RESULT_STRING=PASS", Outcome.ERROR, "beakerlib: Result/State missing"),
                Arguments.of("no file", null, Outcome.ERROR, "beakerlib: TestResults FileError"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("beakerlibResults")
    void beakerlibTestResultsDecide(String what, String content, Outcome expected, String note) throws Exception {
        String script = content == null ? "echo no results; exit 0"
                : "false; echo 'not errexit'; printf '" + content + "\\n' > \"$BEAKERLIB_DIR/TestResults\"; exit 3";
        TestResult r = runOne(test("/bkr", script).beakerlib().build());

        assertThat(r.outcome()).as(what).isEqualTo(expected);
        if (note == null) {
            assertThat(r.notes()).isEmpty();
            assertThat(output(r)).isEqualTo("not errexit\n");
        } else {
            assertThat(r.notes()).containsExactly(note);
        }
    }

    @Test
    void beakerlibPhasesAndLogsAsBeakerlibReportsThem() throws Exception {
        String script = """
                echo phase log > /tmp/corral-phase-$TESTID.log
                $BEAKERLIB_COMMAND_REPORT_RESULT "/phase-setup" "PASS" "/tmp/corral-phase-$TESTID.log" "0"
                $BEAKERLIB_COMMAND_REPORT_RESULT "/phase-test" "FAIL" "/tmp/corral-phase-$TESTID.log" "1"
                echo journal > "$BEAKERLIB_DIR/journal.txt"
                $BEAKERLIB_COMMAND_SUBMIT_LOG -T "$TESTID" -l "$BEAKERLIB_DIR/journal.txt"
                rm -f /tmp/corral-phase-$TESTID.log
                printf 'TESTRESULT_RESULT_STRING=FAIL\\nTESTRESULT_STATE=complete\\n' > "$BEAKERLIB_DIR/TestResults"
                """;
        TestResult r = runOne(test("/bkr-phases", script).beakerlib().build());

        assertThat(r.outcome()).isEqualTo(Outcome.FAIL);
        assertThat(r.subresults()).extracting(SubResult::name, SubResult::outcome).containsExactly(
                org.assertj.core.groups.Tuple.tuple("/phase-setup", Outcome.PASS),
                org.assertj.core.groups.Tuple.tuple("/phase-test", Outcome.FAIL));
        String dir = r.dataPath().substring(0, r.dataPath().length() - "/data".length());
        assertThat(r.subresults().getFirst().logs())
                .containsExactly(r.dataPath() + "/phase-setup_corral-phase-" + r.serialNumber() + ".log");
        assertThat(r.logs()).containsExactly(dir + "/output.txt", dir + "/journal.txt");
    }

    @Test
    void beakerlibTimeoutIsATimeout() throws Exception {
        TestResult r = runOne(test("/bkr-slow", "sleep 1000").beakerlib().duration(Duration.ofSeconds(2)).build());

        assertThat(r.outcome()).isEqualTo(Outcome.ERROR);
        assertThat(r.notes()).containsExactly("timeout");
    }

    // ---- concurrency, loss, interruption -----------------------------------------------------------------------

    @Test
    void testsRunSideBySideOnOneMachine() throws Exception {
        String script = "touch \"$TMT_PLAN_DATA/side-$ME\"; for i in $(seq 600); do [ -e \"$TMT_PLAN_DATA/side-$OTHER\" ]"
                + " && { echo saw $OTHER; exit 0; }; sleep 0.1; done; exit 1";
        TestCase a = test("/side/a", script).env("ME", "a").env("OTHER", "b").build();
        TestCase b = test("/side/b", script).env("ME", "b").env("OTHER", "a").build();
        CompletableFuture<InvocationResult> first = new CompletableFuture<>();
        CompletableFuture<InvocationResult> second = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> first.complete(invoke(a)));
        Thread.ofVirtual().start(() -> second.complete(invoke(b)));

        TestResult ra = first.get().main();
        TestResult rb = second.get().main();
        assertThat(ra.outcome()).isEqualTo(Outcome.PASS);
        assertThat(rb.outcome()).isEqualTo(Outcome.PASS);
        assertThat(output(ra)).isEqualTo("saw b\n");
        assertThat(output(rb)).isEqualTo("saw a\n");
    }

    private CompletableFuture<InvocationResult> inBackground(Invocation invocation) {
        CompletableFuture<InvocationResult> future = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                future.complete(invoker.invoke(invocation, deadline()));
            } catch (Throwable e) {
                future.completeExceptionally(e);
            }
        });
        return future;
    }

    private InvocationResult invoke(TestCase test) {
        try {
            return run(test);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void losingTheMachineMidTestIsAMachineLossWithAPartialResult() throws Exception {
        Machine machine = prepared.machine();
        TestCase t = test("/lost", "echo before-loss; touch \"$TMT_PLAN_DATA/running-$TMT_TEST_SERIAL_NUMBER\"; sleep 1000")
                .build();
        Invocation invocation = invocation(prepared, t).build();
        CompletableFuture<InvocationResult> running = inBackground(invocation);
        Path output = results.resolve("tests/lost-" + invocation.serialNumber() + "/output.txt");
        await().atMost(GENEROUS).until(() -> Files.exists(output) && Files.readString(output).contains("before-loss"));

        machine.close();

        assertThatThrownBy(running::join).cause().isInstanceOf(MachineLostException.class)
                .satisfies(e -> {
                    TestResult partial = ((MachineLostException) e).result();
                    assertThat(partial.outcome()).isEqualTo(Outcome.ERROR);
                    assertThat(partial.notes()).singleElement().asString().startsWith("machine lost: ");
                    assertThat(partial.name()).isEqualTo("/lost");
                    assertThat(text(partial.logs().getFirst())).contains("before-loss");
                });
    }

    @Test
    void interruptingTheInvocationKillsTheTest() throws Exception {
        TestCase t = test("/interrupted", "echo $$ > \"$TMT_PLAN_DATA/pid-$TMT_TEST_SERIAL_NUMBER\"; sleep 1000").build();
        Invocation invocation = invocation(prepared, t).build();
        String pidFile = prepared.planDataDir() + "/pid-" + invocation.serialNumber();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread worker = Thread.ofVirtual().start(() -> {
            try {
                invoker.invoke(invocation, deadline());
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        await().atMost(GENEROUS).until(() -> !readOnMachine(pidFile).isEmpty());
        long pid = Long.parseLong(readOnMachine(pidFile));

        worker.interrupt();
        worker.join(GENEROUS);

        assertThat(worker.isAlive()).isFalse();
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        await().atMost(GENEROUS).until(() -> !isRunning(prepared.machine(), pid));
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    /** A file's text on the test machine, stripped; empty when missing. */
    protected String readOnMachine(String path) throws InterruptedException {
        ExecResult r = prepared.machine().connection().exec(Command.of("sh", "-c", "cat \"$1\" 2>/dev/null || true",
                "sh", path), deadline());
        return r.stdout().strip();
    }

    private static Map<String, String> environment(String nulSeparated) {
        Map<String, String> env = new HashMap<>();
        for (String entry : nulSeparated.split("\0")) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                env.put(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        return new LinkedHashMap<>(env);
    }

}
