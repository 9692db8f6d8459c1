package dev.corral.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.corral.secret.ActiveSecrets;
import dev.corral.secret.Secrets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;

/** {@code corral run --secret} and the run file's {@code secrets}: values from Corral's environment, masked. */
class SecretOptionsTest {
    private static final String MISSING = "CORRAL_TEST_SECRET_THAT_IS_NOT_SET";

    @TempDir
    Path tmp;

    private final String token = "tok-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());

    @Test
    void secretMissingFromTheEnvironmentIsAOneLineErrorWithExitTwo() {
        assertThat(System.getenv(MISSING)).isNull();
        TreeFixture t = new TreeFixture(tmp.resolve("tree")).write("main.fmf", "/a:\n  test: 'true'\n");
        Cli r = Cli.run("run", t.root().toString(), "--secret", MISSING, "--results", tmp.resolve("r").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip().lines().toList()).singleElement().asString()
                .startsWith("error: --secret " + MISSING + ": ").contains("no variable " + MISSING);
        assertThat(tmp.resolve("r")).doesNotExist();
    }

    @Test
    void tooShortSecretIsRefusedWithoutEchoingIt() {
        TreeFixture t = new TreeFixture(tmp.resolve("tree")).write("main.fmf", "/a:\n  test: 'true'\n");
        Cli r = Cli.run("run", t.root().toString(), "--secret", "PIN=9q7", "--results", tmp.resolve("r").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("error: secret PIN is shorter than 4 characters").doesNotContain("9q7");
    }

    @Test
    void runFileSecretMissingFromTheEnvironmentNamesTheLine() throws IOException {
        TreeFixture t = new TreeFixture(tmp.resolve("tree")).write("main.fmf", "/a:\n  test: 'true'\n");
        Path file = Files.writeString(tmp.resolve("run.yaml"), "tree: tree\nsecrets:\n  - " + MISSING
                + "\ntargets:\n  - name: host\n    how: local\n");
        Cli r = Cli.run("run", "--config", file.toString(), "--results", tmp.resolve("r").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("error: " + file + ":3: secret " + MISSING
                + ": Corral's environment has no variable " + MISSING + " (export it before running)");
        assertThat(t.root()).isDirectory();
    }

    @Test
    void secretsFromTheEnvironmentReachTestsAndNothingCorralPrintsOrWrites() throws Exception {
        TreeFixture t = new TreeFixture(tmp.resolve("tree")).write("main.fmf", """
                /uses:
                    test: |
                        echo "cli=$CLI_TOKEN file=$FILE_TOKEN"
                        [ ${#CLI_TOKEN} = %d ] && [ "$FILE_TOKEN" = "$CLI_TOKEN-file" ]
                /fails:
                    test: echo "bad $CLI_TOKEN" >&2; exit 1
                """.formatted(token.length()));
        Path file = Files.writeString(tmp.resolve("run.yaml"), "tree: tree\nsecrets: [FILE_TOKEN]\n"
                + "targets:\n  - name: host\n    how: local\n    workers: 2\n");
        Path dir = tmp.resolve("results");
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "run", "--config", file.toString(), "--secret", "CLI_TOKEN",
                "--results", dir.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("corral.log").toFile());
        builder.environment().put("CLI_TOKEN", token);
        builder.environment().put("FILE_TOKEN", token + "-file");
        Process corral = builder.start();
        try {
            assertThat(corral.waitFor(3, TimeUnit.MINUTES)).isTrue();
        } finally {
            corral.destroyForcibly();
        }
        String printed = Files.readString(tmp.resolve("corral.log"));
        assertThat(corral.exitValue()).as(printed).isEqualTo(1);
        assertThat(printed).contains("pass /uses", "fail /fails").doesNotContain(token);
        Path uses;
        try (Stream<Path> files = Files.walk(dir)) {
            uses = files.filter(p -> p.endsWith("output.txt") && p.toString().contains("uses")).findFirst().orElseThrow();
        }
        assertThat(Files.readString(uses)).isEqualTo("cli=*** file=***\n");
        List<String> leaks = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                if (new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains(token)) {
                    leaks.add(dir.relativize(f).toString());
                }
            }
        }
        assertThat(leaks).as("results files holding the secret").isEmpty();
    }

    @Test
    void logLinesOfTheCommandLineAreMasked() {
        LoggerContext context = new LoggerContext();
        MaskingLayout layout = new MaskingLayout();
        layout.setContext(context);
        layout.setPattern("%level %msg%n");
        layout.start();
        LoggingEvent event = new LoggingEvent(getClass().getName(), context.getLogger("corral.test"), Level.WARN,
                "connecting with {}", new IllegalStateException("failed for " + token), new Object[] {token});
        ActiveSecrets.Activation active = ActiveSecrets.activate(Secrets.of(java.util.Map.of("T", token)));
        String line;
        try {
            line = layout.doLayout(event);
        } finally {
            active.close();
        }
        assertThat(line).startsWith("WARN connecting with ***").contains("failed for ***").doesNotContain(token);
    }
}
