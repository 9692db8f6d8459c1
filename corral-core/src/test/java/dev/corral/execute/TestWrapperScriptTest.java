package dev.corral.execute;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the test wrapper starts the test script, with real bash: like tmt's inner wrapper, the script has no
 * {@code #!} line, so bash runs it in a forked copy of itself that starts over as a new shell; a script that cannot
 * be executed (a noexec mount) is read by a new bash instead. Either way the test sees a new shell.
 */
class TestWrapperScriptTest {
    /** What the test reports about itself; its command line is where the two ways differ. */
    private static final String TEST = """
            set -eo pipefail; read -r wrapper _ < "$TMT_TEST_PIDFILE"
            [ "$PPID" = "$wrapper" ] && [ "$$" != "$wrapper" ]
            echo "0=${0##*/} args=$# variables=${test_script-}${exit_code-}"
            tr '\\0' ' ' < /proc/$$/cmdline
            """;

    @TempDir
    Path dir;

    private Path script;

    @BeforeEach
    void write() throws IOException {
        Files.write(dir.resolve(HelperScripts.WRAPPER), HelperScripts.wrapper());
        script = Files.writeString(dir.resolve("test.sh"), TEST);
    }

    @Test
    void anExecutableScriptRunsInAForkOfTheWrappersBash() throws Exception {
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));

        String output = runWrapper();

        assertThat(output).startsWith("0=test.sh args=0 variables=\n")
                .endsWith("bash " + dir.resolve(HelperScripts.WRAPPER) + " " + script + " " + dir + " notty ");
    }

    @Test
    void aScriptThatCannotBeExecutedIsReadByANewBash() throws Exception {
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-r--r--"));

        String output = runWrapper();

        assertThat(output).isEqualTo("0=test.sh args=0 variables=\nbash " + script + " ");
    }

    private String runWrapper() throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("bash", dir.resolve(HelperScripts.WRAPPER).toString(),
                script.toString(), dir.toString(), "notty").directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().putAll(Map.of("TMT_TEST_PIDFILE", dir.resolve("tmt-test.pid").toString(),
                "TMT_TEST_PIDFILE_LOCK", dir.resolve("tmt-test.pid.lock").toString(),
                "TMT_REBOOT_REQUEST", dir.resolve("reboot-request").toString(),
                "TMT_PLAN_ENVIRONMENT_FILE", dir.resolve("plan-environment").toString()));
        Process wrapper = builder.start();
        String output = new String(wrapper.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(wrapper.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(wrapper.exitValue()).as(output).isZero();
        return output;
    }
}
