package dev.corral.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kill -9 of Corral leaves test daemons behind; {@code corral cleanup} and the next run remove them. */
class CleanupTest {

    @TempDir
    Path tmp;

    /** Starts {@code corral run} in its own JVM on a tree whose test leaves a daemon and then blocks. */
    private Process corralWithDaemon(Path root, Path pidFile) throws IOException {
        TreeFixture t = new TreeFixture(tmp.resolve("tree"))
                .write("main.fmf", "/daemon:\n  test: setsid sleep 1001 & echo $! > " + pidFile + "; sleep 600\n");
        String java = ProcessHandle.current().info().command().orElse("java");
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "run", t.root().toString(), "--workers", "1", "--results", root.resolve("run-killed").toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("corral.log").toFile()).start();
    }

    private static long awaitPid(Path pidFile) {
        await().atMost(Duration.ofSeconds(90)).until(() -> Files.exists(pidFile) && !Files.readString(pidFile).isBlank());
        try {
            return Long.parseLong(Files.readString(pidFile).strip());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    @Test
    void cleanupKillsWhatAKilledRunLeftAndSparesLiveRuns() throws Exception {
        Path pidFile = tmp.resolve("daemon.pid");
        Process corral = corralWithDaemon(tmp.resolve("results"), pidFile);
        long daemon;
        try {
            daemon = awaitPid(pidFile);
            assertThat(Cli.run("cleanup", "--dry-run").out()).doesNotContain(Long.toString(daemon));
            corral.destroyForcibly(); // kill -9: no chance to clean up
            assertThat(corral.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            corral.destroyForcibly();
        }
        assertThat(alive(daemon)).as("the daemon outlived corral").isTrue();

        Cli cleanup = Cli.run("cleanup");
        assertThat(cleanup.exit()).as(cleanup.err()).isZero();
        assertThat(cleanup.out()).contains("removed process").contains(Long.toString(daemon));
        await().atMost(Duration.ofSeconds(20)).until(() -> !alive(daemon));
    }

    @Test
    void theNextRunUnderTheSameRootCleansUpAfterAKilledOne() throws Exception {
        Path root = tmp.resolve("results");
        Path pidFile = tmp.resolve("daemon.pid");
        Process corral = corralWithDaemon(root, pidFile);
        long daemon;
        try {
            daemon = awaitPid(pidFile);
            corral.destroyForcibly();
            assertThat(corral.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            corral.destroyForcibly();
        }
        TreeFixture next = new TreeFixture(tmp.resolve("next")).write("main.fmf", "/ok:\n  test: 'true'\n");
        Cli run = Cli.run("run", next.root().toString(), "--results", root.resolve("run-next").toString());
        assertThat(run.exit()).isZero();
        assertThat(run.err()).contains("removed leftover of a killed run");
        await().atMost(Duration.ofSeconds(20)).until(() -> !alive(daemon));
        assertThat(Files.readString(root.resolve("run-killed/run.json"))).contains("\"interrupted\"");
        assertThat(List.of(daemon)).allMatch(pid -> !alive(pid));
    }
}
