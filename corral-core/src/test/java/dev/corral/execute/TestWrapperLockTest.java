package dev.corral.execute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The test wrapper's pidfile protocol with tmt-reboot, run with real bash and flock: the wrapper waits for the
 * pidfile lock only when a tmt-reboot marked itself, so that a reboot requested by a process the test left behind
 * either finishes before the wrapper goes on or finds no test.
 */
class TestWrapperLockTest {
    private static final Duration GENEROUS = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private Path scripts;
    private Path lock;
    private Process holder;

    @BeforeEach
    void install() throws IOException {
        scripts = Files.createDirectories(dir.resolve("scripts"));
        for (String name : List.of("tmt-reboot", "tmt-reboot-core")) {
            Path script = Files.write(scripts.resolve(name), HelperScripts.script(name));
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.write(dir.resolve(HelperScripts.WRAPPER), HelperScripts.wrapper());
        Files.createDirectories(dir.resolve("data"));
        lock = dir.resolve("tmt-test.pid.lock");
    }

    @AfterEach
    void release() {
        if (holder != null) {
            // flock runs the command as its child: both go
            holder.descendants().forEach(ProcessHandle::destroyForcibly);
            holder.destroyForcibly();
        }
    }

    @Test
    void withoutAMarkTheWrapperDoesNotWaitForTheLock() throws Exception {
        holdLock("sleep 300");

        Process wrapper = wrapper("true");

        assertThat(wrapper.waitFor(GENEROUS.toSeconds(), TimeUnit.SECONDS))
                .as("the wrapper ended while the lock was held").isTrue();
        assertThat(wrapper.exitValue()).isZero();
        assertThat(dir.resolve("tmt-test.pid")).isEmptyFile();
    }

    @Test
    void aMarkedRebootIsWaitedFor() throws Exception {
        Files.createFile(dir.resolve("tmt-test.pid.lock.wanted"));
        holdLock("sleep 1; touch released");

        Process wrapper = wrapper("true");

        assertThat(wrapper.waitFor(GENEROUS.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(wrapper.exitValue()).isZero();
        assertThat(dir.resolve("released")).as("the wrapper waited for the lock").exists();
        assertThat(dir.resolve("tmt-test.pid")).isEmptyFile();
    }

    @Test
    void tmtRebootFromALeftoverAfterTheTestFindsNoTest() throws Exception {
        Process wrapper = wrapper("true");
        assertThat(wrapper.waitFor(GENEROUS.toSeconds(), TimeUnit.SECONDS)).isTrue();

        ProcessBuilder reboot = new ProcessBuilder(scripts.resolve("tmt-reboot").toString())
                .redirectErrorStream(true).directory(dir.toFile());
        reboot.environment().putAll(environment());
        Process late = reboot.start();

        assertThat(late.waitFor(GENEROUS.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(new String(late.getInputStream().readAllBytes())).contains("There is no running test");
        assertThat(late.exitValue()).isEqualTo(1);
        assertThat(dir.resolve("data/reboot-request")).doesNotExist();
        assertThat(dir.resolve("tmt-test.pid.lock.wanted")).as("tmt-reboot marks itself before locking").exists();
    }

    /** Holds the pidfile lock in another process, running {@code command} (a shell command) under it. */
    private void holdLock(String command) throws IOException {
        holder = new ProcessBuilder("flock", lock.toString(), "sh", "-c", "touch held; " + command)
                .directory(dir.toFile()).redirectErrorStream(true).start();
        await().atMost(GENEROUS).until(() -> Files.exists(dir.resolve("held")));
    }

    private Process wrapper(String test) throws IOException {
        Path script = Files.writeString(dir.resolve("test.sh"), "set -eo pipefail; " + test + "\n");
        ProcessBuilder builder = new ProcessBuilder("bash", dir.resolve(HelperScripts.WRAPPER).toString(),
                script.toString(), scripts.toString(), "notty").directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().putAll(environment());
        return builder.start();
    }

    private Map<String, String> environment() {
        return Map.of("TMT_TEST_PIDFILE", dir.resolve("tmt-test.pid").toString(),
                "TMT_TEST_PIDFILE_LOCK", lock.toString(),
                "TMT_REBOOT_REQUEST", dir.resolve("data/reboot-request").toString(),
                "TMT_PLAN_ENVIRONMENT_FILE", dir.resolve("plan-environment").toString());
    }
}
