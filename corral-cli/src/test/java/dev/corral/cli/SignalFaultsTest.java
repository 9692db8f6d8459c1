package dev.corral.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.corral.faults.RunChecks;
import dev.corral.results.Outcome;
import dev.corral.results.ResultsDir;
import dev.corral.results.RunInfo;
import dev.corral.results.RunResults;
import dev.corral.results.TestResult;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGINT and SIGTERM to a real {@code corral run} process with 20 machines busy: it exits 130 / 143 within 20 s,
 * every test has exactly one final result in the reports written from the journal, and nothing is left behind;
 * a second SIGINT during the wind-down does not cut it short.
 */
class SignalFaultsTest {
    private static final int MACHINES = 20;
    private static final int TESTS = 25;
    private static final Duration EXIT_LIMIT = Duration.ofSeconds(20);
    /**
     * Local machines: with {@code --how podman --image localhost/corral-test:debian-12} the 20 containers were busy
     * only after 39-61 s and the wind-down took 9-16.5 s on the loaded 2-core machine, too close to the 20 s limit
     * and too long for this suite; the podman side of a lost or interrupted machine is covered in corral-core's
     * {@code dev.corral.faults.PodmanFaultsTest}.
     */
    private static final List<String> HOW = List.of("--how", "local");

    @TempDir
    Path tmp;

    private final List<String> names = new ArrayList<>();

    private Path tree() {
        StringBuilder fmf = new StringBuilder();
        for (int i = 1; i <= TESTS; i++) {
            String name = String.format("/t%02d", i);
            names.add(name);
            fmf.append(name).append(":\n  test: echo started-").append(i).append("; sleep 600\n");
        }
        return new TreeFixture(tmp.resolve("tree")).write("main.fmf", fmf.toString()).root();
    }

    /** {@code corral run} in its own JVM, 20 local machines (one test each), output to corral.log. */
    private Process corral(Path dir) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> argv = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "run", tree().toString(), "--workers", Integer.toString(MACHINES),
                "--results", dir.toString()));
        argv.addAll(HOW);
        return new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(tmp.resolve("corral.log").toFile())
                .start();
    }

    private static long started(Path dir) throws IOException {
        Path tests = dir.resolve("tests");
        if (!Files.isDirectory(tests)) {
            return 0;
        }
        try (Stream<Path> walk = Files.walk(tests)) {
            return walk.filter(p -> p.getFileName().toString().equals("output.txt")).filter(p -> {
                try {
                    return Files.readString(p).contains("started-");
                } catch (IOException e) {
                    return false;
                }
            }).count();
        }
    }

    private String log() throws IOException {
        return Files.readString(tmp.resolve("corral.log"));
    }

    private void signal(Process p, String name) throws InterruptedException {
        RunChecks.lines(List.of("kill", "-" + name, Long.toString(p.pid())));
    }

    /** Starts corral, waits until all 20 machines run a test, and returns the process. */
    private Process busyCorral(Path dir) throws Exception {
        Process corral = corral(dir);
        long t0 = System.nanoTime();
        await("20 tests running").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                .until(() -> started(dir) == MACHINES || !corral.isAlive());
        assertThat(corral.isAlive()).as("corral still running: " + log()).isTrue();
        System.out.printf("%d machines busy after %d ms%n", MACHINES, (System.nanoTime() - t0) / 1_000_000);
        return corral;
    }

    private Duration awaitExit(Process corral, long signalledAt) throws Exception {
        boolean exited = corral.waitFor(EXIT_LIMIT.toMillis() + 40_000, TimeUnit.MILLISECONDS);
        Duration took = Duration.ofNanos(System.nanoTime() - signalledAt);
        assertThat(exited).as("corral exited; log:\n" + log()).isTrue();
        return took;
    }

    /** Every test exactly once: the 20 running ones interrupted (error), the others pending; reports written. */
    private void assertAccountedAndClean(Path dir, RunChecks checks) throws Exception {
        ResultsDir results = ResultsDir.open(dir);
        RunInfo info = results.readRunInfo();
        assertThat(info.status()).isEqualTo(RunInfo.Status.INTERRUPTED);
        RunResults all = RunResults.read(results);
        Map<String, List<TestResult>> attempts = RunChecks.accountedOnce(all, names);
        assertThat(attempts.values()).allSatisfy(a -> assertThat(a).hasSize(1));
        assertThat(all.finals()).filteredOn(r -> r.outcome() == Outcome.ERROR).hasSize(MACHINES)
                .allSatisfy(r -> assertThat(r.notes()).anyMatch(n -> n.contains("interrupted")));
        assertThat(all.finals()).filteredOn(r -> r.outcome() == Outcome.PENDING).hasSize(TESTS - MACHINES);
        assertThat(results.resultsYaml()).isRegularFile();
        assertThat(results.junitXml()).isRegularFile();
        assertThat(RunResults.read(results).finals()).hasSize(TESTS);
        assertThat(Files.readString(results.resultsYaml())).contains(names.get(0), names.get(TESTS - 1));
        checks.assertNoLeaks(info.id());
        assertThat(RunChecks.processes(info.id())).isEmpty();
    }

    @Test
    void sigtermWithTwentyBusyMachinesExits143WithEveryTestRecorded() throws Exception {
        Path dir = tmp.resolve("results");
        RunChecks checks = RunChecks.before();
        Process corral = busyCorral(dir);
        try {
            long signalled = System.nanoTime();
            corral.destroy(); // SIGTERM
            Duration took = awaitExit(corral, signalled);
            System.out.printf("SIGTERM: exited %d after %d ms%n", corral.exitValue(), took.toMillis());
            assertThat(corral.exitValue()).isEqualTo(143);
            assertThat(took).isLessThan(EXIT_LIMIT);
        } finally {
            corral.destroyForcibly();
        }
        assertThat(log()).contains("corral: stopping").doesNotContain("Exception");
        assertAccountedAndClean(dir, checks);
    }

    @Test
    void sigintTwiceWithTwentyBusyMachinesExits130AndTheSecondDoesNotCutTheWindDownShort() throws Exception {
        Path dir = tmp.resolve("results");
        RunChecks checks = RunChecks.before();
        Process corral = busyCorral(dir);
        try {
            long signalled = System.nanoTime();
            signal(corral, "INT");
            await("wind-down started").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                    .until(() -> log().contains("corral: stopping") || !corral.isAlive());
            boolean secondDuringWindDown = corral.isAlive();
            if (secondDuringWindDown) {
                signal(corral, "INT");
            }
            Duration took = awaitExit(corral, signalled);
            System.out.printf("SIGINT x2: exited %d after %d ms (second signal during the wind-down: %s)%n",
                    corral.exitValue(), took.toMillis(), secondDuringWindDown);
            assertThat(secondDuringWindDown).as("corral was still winding down when the second SIGINT came").isTrue();
            assertThat(corral.exitValue()).isEqualTo(130);
            assertThat(took).isLessThan(EXIT_LIMIT);
        } finally {
            corral.destroyForcibly();
        }
        assertThat(log()).contains("corral: stopping").doesNotContain("Exception").doesNotContain("exiting anyway");
        assertAccountedAndClean(dir, checks);
    }
}
