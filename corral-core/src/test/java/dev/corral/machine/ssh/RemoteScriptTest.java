package dev.corral.machine.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** The wrapper script run by the local /bin/sh exactly as sshd's login shell would run it. */
class RemoteScriptTest {
    private static final List<String> HOSTILE = List.of("a b", "$(echo injected)", "`echo injected`", "'single'",
            "\"double\"", "semi;colon", "new\nline", "back\\slash", "ünïcödé ✓", "*", "", "-n", "+plus", ".", "\n", "trailing\n");

    record Run(int exit, String stdout, String stderr) {
    }

    private static Run run(byte[] stdin) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sh", "-c", RemoteScript.commandLine("tok123")).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin);
        } catch (IOException closedEarly) {
            // the wrapper exited before reading everything
        }
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread errPump = Thread.ofVirtual().start(() -> {
            try {
                p.getErrorStream().transferTo(err);
            } catch (IOException e) {
                // done
            }
        });
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        errPump.join();
        return new Run(p.exitValue(), out, err.toString(StandardCharsets.UTF_8));
    }

    private static byte[] concat(byte[] a, String b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(a);
        out.writeBytes(b.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    @Test
    void printsItsPidThenRunsTheArgumentsVerbatim() throws Exception {
        List<String> argv = new java.util.ArrayList<>(List.of("printf", "<%s>\\n"));
        argv.addAll(HOSTILE);
        Run r = run(RemoteScript.header(argv, Map.of(), null));
        StringBuilder expected = new StringBuilder();
        HOSTILE.forEach(h -> expected.append('<').append(h).append(">\n"));
        assertThat(r.stdout()).startsWith("tok123 ");
        assertThat(r.stdout().substring(r.stdout().indexOf('\n') + 1)).isEqualTo(expected.toString());
        assertThat(r.exit()).isZero();
    }

    @Test
    void exportsEnvironmentChangesDirectoryAndPassesTheRestOfStdin() throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HOSTILE", "it's $(id) `id`\nline two\t✓\n");
        env.put("EMPTY", "");
        byte[] header = RemoteScript.header(List.of("sh", "-c", "printf '%s|' \"$HOSTILE\" \"${EMPTY+set}\" \"$PWD\"; cat"), env, "/tmp");
        Run r = run(concat(header, "rest of stdin\n"));
        assertThat(r.stdout().substring(r.stdout().indexOf('\n') + 1))
                .isEqualTo("it's $(id) `id`\nline two\t✓\n|set|/tmp|rest of stdin\n");
    }

    @Test
    void aTruncatedHeaderRunsNothing() throws Exception {
        byte[] header = RemoteScript.header(List.of("touch", "/tmp/corral-must-not-exist"), Map.of(), null);
        byte[] truncated = java.util.Arrays.copyOf(header, header.length - 2);
        assertThat(run(truncated).exit()).isEqualTo(RemoteScript.WRAPPER_FAILED);
        assertThat(java.nio.file.Files.exists(java.nio.file.Path.of("/tmp/corral-must-not-exist"))).isFalse();
    }

    @Test
    void aMissingDirectoryRunsNothing() throws Exception {
        Run r = run(RemoteScript.header(List.of("echo", "ran"), Map.of(), "/nonexistent/dir"));
        assertThat(r.exit()).isEqualTo(RemoteScript.WRAPPER_FAILED);
        assertThat(r.stdout()).doesNotContain("ran");
        assertThat(r.stderr()).contains("/nonexistent/dir");
    }

    @Test
    void quotingSurvivesTheShell() throws Exception {
        for (String word : HOSTILE) {
            Process p = new ProcessBuilder("sh", "-c", "printf '%s' " + RemoteScript.quote(word)).start();
            p.getOutputStream().close();
            assertThat(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(word);
            p.waitFor();
        }
    }

    @Test
    void invalidNamesAndNulAreRefused() {
        assertThatThrownBy(() -> RemoteScript.header(List.of("true"), Map.of("A-B", "x"), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("A-B");
        assertThatThrownBy(() -> RemoteScript.header(List.of("true"), Map.of("__corral_v", "x"), null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RemoteScript.header(List.of("a\0b"), Map.of(), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NUL");
    }
}
