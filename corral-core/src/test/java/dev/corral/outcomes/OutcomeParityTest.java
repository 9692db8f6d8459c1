package dev.corral.outcomes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Stream;

import dev.corral.Deadline;
import dev.corral.RunId;
import dev.corral.machine.ProvisionContext;
import dev.corral.machine.Provisioner;
import dev.corral.machine.local.LocalProvisioner;
import dev.corral.machine.podman.PodmanAvailable;
import dev.corral.machine.podman.PodmanCleanup;
import dev.corral.machine.podman.PodmanProvisioner;
import dev.corral.machine.podman.PodmanSpec;
import dev.corral.machine.podman.TestImages;
import dev.corral.machine.ssh.HostSpec;
import dev.corral.machine.ssh.SshLogin;
import dev.corral.machine.ssh.SshMachine;
import dev.corral.machine.ssh.SshOptions;
import dev.corral.machine.ssh.SshProvisioner;
import dev.corral.machine.ssh.SshTarget;
import dev.corral.machine.ssh.SshTools;
import dev.corral.report.tmt.TmtSchema;
import dev.corral.results.ExitCode;
import dev.corral.results.Outcome;
import dev.corral.results.SubResult;
import dev.corral.results.TestResult;
import dev.corral.run.Run;
import dev.corral.run.RunReport;
import dev.corral.run.TargetSpec;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * One FMF tree ({@code src/test/resources/outcomes/tree}) through the whole {@link Run} API three times — on a
 * local machine, in a podman container of the offline test image, and over SSH to a real OpenSSH sshd as a
 * throwaway user with {@code /bin/sh} as login shell ({@code --how connect}) — must give the same answers: the
 * same tests with the same outcomes, original outcomes, notes, subresults and log names, the same bytes of
 * hostile environment values, a valid tmt {@code results.yaml} whose machine-independent content is identical,
 * and nothing left behind: no container with the run's label, no work directory, no process the tests started.
 *
 * <p>Nothing is machine-specific in what is compared: notes are tmt's fixed texts ({@code timeout},
 * {@code original result: ...}) or the test's own, and log paths are relative to the results directory, made of
 * the target, the test's name, serial number and attempt. The machine id and the times are not compared.
 */
@ExtendWith({PodmanAvailable.class, SshTools.class})
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class OutcomeParityTest {
    /** A daemon the timeout test starts with {@code setsid}: killing the test must kill it too. */
    private static final String DAEMON = "31415";
    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final String HOSTILE = "'single' \"double\" $(touch pwned-%1$s) `touch pwned-%1$s2` ${HOME}"
            + " \\ back\nsecond line\ttab ; #";

    private static SshLogin ssh;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startSshd() throws Exception {
        ssh = SshLogin.start("/bin/sh");
    }

    @AfterAll
    static void stopSshd() {
        if (ssh != null) {
            ssh.close();
        }
    }

    @Test
    void localPodmanAndConnectGiveTheSameOutcomesAndLeaveNothingBehind() throws Exception {
        Path tree = tree();
        Map<String, RunReport> reports = new LinkedHashMap<>();

        AtomicReference<RunId> localRun = new AtomicReference<>();
        RunReport local = run(tree, "local", ctx -> {
            localRun.set(ctx.runId());
            return new LocalProvisioner(ctx, 1);
        });
        reports.put("local", local);
        assertNoDaemonLeft(local, true);
        try (Stream<Path> files = Files.walk(local.dir().path().resolve("machines"))) {
            assertThat(files.filter(p -> p.getFileName().toString().equals("work")).toList())
                    .as("work directories of local machines left behind").isEmpty();
        }

        PodmanSpec image = PodmanSpec.builder(TestImages.plain()).pull(PodmanSpec.Pull.NEVER).build();
        AtomicReference<RunId> podmanRun = new AtomicReference<>();
        try {
            reports.put("podman", run(tree, "podman", ctx -> {
                podmanRun.set(ctx.runId());
                return new PodmanProvisioner(ctx, image);
            }));
            assertThat(new PodmanCleanup().list(podmanRun.get(), Deadline.after(Duration.ofMinutes(2))))
                    .as("containers labelled with the run id").isEmpty();
        } finally {
            if (podmanRun.get() != null) {
                new PodmanCleanup().removeAll(podmanRun.get()::equals, Deadline.after(Duration.ofMinutes(2)));
            }
        }
        assertNoDaemonLeft(reports.get("podman"), false);

        SshTarget login = ssh.target();
        AtomicReference<RunId> sshRun = new AtomicReference<>();
        reports.put("connect", run(tree, "connect", ctx -> {
            sshRun.set(ctx.runId());
            return new SshProvisioner(ctx, List.of(new HostSpec(login, 1, false, "test")), SshOptions.defaults(), false);
        }));
        // the SSH host is this host: its machines' work directories are /var/tmp/corral-<run>-<machine>
        Path someWorkDir = Path.of(SshMachine.workDirOf(sshRun.get(), "m"));
        String runPrefix = someWorkDir.getFileName().toString().replaceFirst("m$", "");
        try (Stream<Path> left = Files.list(someWorkDir.getParent())) {
            assertThat(left.filter(p -> p.getFileName().toString().startsWith(runPrefix)).toList())
                    .as("work directories of SSH machines left behind").isEmpty();
        }
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(ssh.user().processes())
                .as("processes of the login user after the run").isEmpty());
        assertNoDaemonLeft(reports.get("connect"), true);

        Map<String, Summary> expected = summaries(local);
        assertExpected(expected);
        for (Map.Entry<String, RunReport> entry : reports.entrySet()) {
            RunReport report = entry.getValue();
            assertThat(report.interrupted()).as(entry.getKey()).isFalse();
            assertThat(report.exitCode()).as(entry.getKey()).isEqualTo(ExitCode.ERROR);
            assertThat(report.warnings()).as(entry.getKey() + " discovery warnings").isEmpty();
            assertThat(summaries(report)).as("results of " + entry.getKey() + " compared with local")
                    .containsExactlyEntriesOf(expected);
            assertThat(report.results().attempts()).as(entry.getKey() + ": one attempt per test")
                    .hasSize(report.results().finals().size());

            String yaml = Files.readString(report.dir().resultsYaml(), StandardCharsets.UTF_8);
            assertThat(TmtSchema.validate(yaml)).as(entry.getKey() + " results.yaml against tmt's schema").isEmpty();
            assertThat(comparable(yaml)).as(entry.getKey() + " results.yaml compared with local")
                    .isEqualTo(comparable(Files.readString(local.dir().resultsYaml(), StandardCharsets.UTF_8)));

            TestResult environment = result(report, "/tests/environment");
            assertThat(data(report, environment, "test-value")).as(entry.getKey()).isEqualTo("test " + HOSTILE.formatted("test"));
            assertThat(data(report, environment, "plan-value")).as(entry.getKey()).isEqualTo("plan " + HOSTILE.formatted("plan"));
            TestResult submit = result(report, "/tests/submit");
            assertThat(text(report, submit.logs().get(1))).as(entry.getKey()).isEqualTo("submitted by /tests/submit\n");
            assertThat(text(report, result(report, "/tests/plan-env-reader").logs().getFirst()))
                    .as(entry.getKey()).contains("CARRIED=from the writer");
            assertThat(text(report, result(report, "/tests/timeout").logs().getFirst()))
                    .as(entry.getKey()).startsWith("started\n").contains("Maximum test time '3s' exceeded.");
        }
    }

    /** What must not differ between machines: outcomes, notes, subresults, log names. */
    private record Summary(Outcome outcome, Outcome originalOutcome, List<String> notes, List<String> subresults,
                           List<String> logs) {
    }

    private static Map<String, Summary> summaries(RunReport report) {
        Map<String, Summary> byName = new TreeMap<>();
        for (TestResult r : report.results().finals()) {
            List<String> subresults = new ArrayList<>();
            for (SubResult s : r.subresults()) {
                subresults.add(s.name() + " " + s.outcome().tmtName() + " " + s.notes() + " " + s.logs());
            }
            byName.put(r.name(), new Summary(r.outcome(), r.originalOutcome(), r.notes(), subresults, r.logs()));
        }
        return byName;
    }

    /** The local run against what tmt gives for this tree, so that three runs agreeing means three runs right. */
    private static void assertExpected(Map<String, Summary> local) {
        Map<String, Outcome> outcomes = new TreeMap<>();
        local.forEach((name, s) -> outcomes.put(name, s.outcome()));
        assertThat(outcomes).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
                Map.entry("/tests/pass", Outcome.PASS),
                Map.entry("/tests/fail", Outcome.FAIL),
                Map.entry("/tests/error", Outcome.ERROR),
                Map.entry("/tests/timeout", Outcome.ERROR),
                Map.entry("/tests/subresults", Outcome.FAIL),
                Map.entry("/tests/submit", Outcome.PASS),
                Map.entry("/tests/xfail", Outcome.PASS),
                Map.entry("/tests/xfail-unexpected", Outcome.FAIL),
                Map.entry("/tests/custom", Outcome.PASS),
                Map.entry("/tests/custom/sub/passing", Outcome.PASS),
                Map.entry("/tests/custom/sub/failing", Outcome.FAIL),
                Map.entry("/tests/environment", Outcome.PASS),
                Map.entry("/tests/plan-env-writer", Outcome.PASS),
                Map.entry("/tests/plan-env-reader", Outcome.PASS),
                Map.entry("/tests/nested/deeper", Outcome.PASS)));
        assertThat(local.get("/tests/timeout").notes()).containsExactly("timeout");
        assertThat(local.get("/tests/xfail").notes()).containsExactly("original result: fail");
        assertThat(local.get("/tests/xfail-unexpected").notes()).containsExactly("original result: pass");
        assertThat(local.get("/tests/custom/sub/passing").notes()).containsExactly("first", "second");
        assertThat(local.get("/tests/custom/sub/failing").subresults()).singleElement().asString()
                .startsWith("/inner warn");
        assertThat(local.get("/tests/subresults").subresults()).extracting(s -> s.substring(0, s.indexOf(" [")))
                .containsExactly("/part-one pass", "/part-two warn", "/part-three fail", "/part-four skip");
        assertThat(local.get("/tests/submit").logs()).hasSize(2)
                .last().asString().matches(".*/outcomes-submitted-[0-9]+\\.txt");
    }

    /**
     * The machine-independent part of a {@code results.yaml}: each entry without its times, durations and guest
     * (the machine's name).
     */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> comparable(String yaml) {
        List<Map<String, Object>> entries = (List<Map<String, Object>>) new Load(LoadSettings.builder().build())
                .loadFromString(yaml);
        List<Map<String, Object>> kept = new ArrayList<>();
        for (Map<String, Object> entry : entries) {
            Map<String, Object> copy = new TreeMap<>(entry);
            copy.keySet().removeAll(List.of("start-time", "end-time", "duration", "guest"));
            Object subresults = copy.get("subresult");
            if (subresults instanceof List<?> list) {
                List<Map<String, Object>> subs = new ArrayList<>();
                for (Object s : list) {
                    Map<String, Object> sub = new TreeMap<>((Map<String, Object>) s);
                    sub.keySet().removeAll(List.of("start-time", "end-time", "duration"));
                    subs.add(sub);
                }
                copy.put("subresult", subs);
            }
            kept.add(copy);
        }
        kept.sort(Comparator.comparing(e -> String.valueOf(e.get("name"))));
        return kept;
    }

    private RunReport run(Path tree, String how, Function<ProvisionContext, Provisioner> provisioner)
            throws InterruptedException {
        return Run.builder()
                .tree(tree)
                .target(TargetSpec.of("default", provisioner, 1).withDescription(how))
                .resultsRoot(tmp)
                .resultsDir(tmp.resolve(how))
                .build()
                .execute();
    }

    /**
     * The daemon the timeout test started is gone. Local and SSH machines run on this host, where the pid the test
     * recorded is the daemon's; in a container it is a pid of the container's namespace, and the container is gone.
     */
    private static void assertNoDaemonLeft(RunReport report, boolean hostPids) throws IOException {
        String recorded = data(report, result(report, "/tests/timeout"), "daemon-pid").strip();
        assertThat(recorded).as("pid of the daemon").matches("[0-9]+");
        if (!hostPids) {
            return;
        }
        long pid = Long.parseLong(recorded);
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(ProcessHandle.of(pid)
                .filter(p -> p.info().commandLine().map(c -> c.endsWith("sleep " + DAEMON)).orElse(false)))
                .as("the timeout test's daemon (pid " + pid + ") after the run").isEmpty());
    }

    private static TestResult result(RunReport report, String name) {
        return report.results().last("default", name).orElseThrow();
    }

    private static String data(RunReport report, TestResult r, String file) throws IOException {
        return text(report, r.dataPath() + "/" + file);
    }

    private static String text(RunReport report, String relative) throws IOException {
        return Files.readString(report.dir().resolve(relative), StandardCharsets.UTF_8);
    }

    private static Path tree() throws URISyntaxException {
        return Path.of(OutcomeParityTest.class.getResource("/outcomes/tree").toURI());
    }
}
