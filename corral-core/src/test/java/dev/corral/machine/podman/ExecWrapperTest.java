package dev.corral.machine.podman;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The exec wrapper run by the host's own shells (dash as {@code sh}, and bash), exactly as a container runs it:
 * the header on standard input, then the command's input.
 */
class ExecWrapperTest {

    private record Outcome(int exitCode, String stdout) {
    }

    private static Outcome wrap(String shell, Map<String, String> env, String stdin, boolean cutHeader, String... argv)
            throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(ExecWrapper.argv(List.of(argv), false));
        all.set(0, shell);
        Process p = new ProcessBuilder(all).redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            byte[] header = ExecWrapper.header(env);
            in.write(header, 0, cutHeader ? header.length - 1 : header.length);
            if (!cutHeader) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.getInputStream().transferTo(out);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Outcome(p.exitValue(), out.toString(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sh", "bash"})
    void environmentArrivesIntactAndStdinFollowsTheHeader(String shell) throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HOSTILE", "it's \"q\" $(echo no) `echo no` $HOME\nline two\n\n\ttab ' '' \\ ✓\n");
        env.put("EMPTY", "");
        env.put("_under_score9", "'");
        Outcome o = wrap(shell, env, "input line\n", false,
                "sh", "-c", "printf '%s|' \"$HOSTILE\" \"${EMPTY-unset}\" \"$_under_score9\"; cat");
        String[] lines = o.stdout().split("\n", 2);
        assertThat(lines[0]).as("first line: the process group").matches("[0-9]+");
        assertThat(lines[1]).isEqualTo(env.get("HOSTILE") + "||'|input line\n");
        assertThat(o.exitCode()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sh", "bash"})
    void theCommandRunsInItsOwnSessionAndItsStatusIsKept(String shell) throws Exception {
        Outcome o = wrap(shell, Map.of(), "", false, "sh", "-c", "ps -o pid=,pgid=,sid= -p $$; exit 7");
        String[] lines = o.stdout().strip().split("\n");
        String[] ids = lines[1].strip().split("\\s+");
        assertThat(ids).containsOnly(lines[0]);
        assertThat(o.exitCode()).isEqualTo(7);
        assertThat(wrap(shell, Map.of(), "", false, "sh", "-c", "kill -TERM $$").exitCode()).isEqualTo(143);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sh", "bash"})
    void aCutHeaderRunsNothing(String shell) throws Exception {
        Outcome o = wrap(shell, Map.of("A", "1"), "", true, "echo", "ran");
        assertThat(o.exitCode()).isEqualTo(ExecWrapper.HEADER_CUT);
        assertThat(o.stdout()).doesNotContain("ran");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1A", "A-B", "A B", "", "A=B", "$(x)"})
    void namesAShellCannotExportAreRefused(String name) {
        assertThatThrownBy(() -> ExecWrapper.header(Map.of(name, "v")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'" + name + "'");
    }
}
