package dev.corral.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;

import dev.corral.machine.ProvisionContext;
import dev.corral.machine.Provisioner;
import dev.corral.report.console.ConsoleReport;
import dev.corral.results.Outcome;
import dev.corral.results.TestResult;
import dev.corral.schedule.RunListener;
import dev.corral.secret.Secrets;
import dev.corral.tmt.TestCase;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;

/**
 * Secrets on a real machine of each kind, through a whole run: the test sees the secret values (it checks their
 * sha256 and scans every process's {@code /proc/PID/cmdline} on the machine), while no file of the results
 * directory, no log event, no console line and no process's command line on the host holds them.
 */
public abstract class AbstractSecretsContract {
    /** A fresh value per test class, so that no earlier file or process can hold it by chance. */
    private final String token = "tok-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    private final String dbPassword = "db-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());

    @TempDir
    protected Path tmp;

    /** The provisioner of the machines the run uses. */
    protected abstract Function<ProvisionContext, Provisioner> provisioner();

    @Test
    void secretReachesTheTestButNoReportLogFileOrProcessList() throws Exception {
        Path tree = tree();
        Path results = tmp.resolve("results");
        Secrets secrets = Secrets.of(Map.of("CORRAL_TOKEN", token)).withNames(List.of("DB_PASSWORD"));

        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Level level = root.getLevel();
        logs.start();
        root.addAppender(logs);
        root.setLevel(Level.DEBUG);
        StringWriter console = new StringWriter();
        HostProbe probe = new HostProbe(List.of(token, dbPassword));
        probeSeesAValueOnACommandLine(probe);
        RunReport report;
        Thread prober = Thread.ofVirtual().start(probe);
        try (ConsoleReport progress = ConsoleReport.builder().out(new PrintWriter(console)).live(false).build()) {
            report = Run.builder()
                    .tree(tree)
                    .target(TargetSpec.of("default", provisioner(), 1))
                    .resultsDir(results)
                    .secrets(secrets)
                    .listener(progress)
                    .listener(probe)
                    .build()
                    .execute();
        } finally {
            probe.stop.set(true);
            prober.join(Duration.ofMinutes(1));
            root.detachAppender(logs);
            root.setLevel(level);
        }

        TestResult result = report.results().last("default", "/uses-secret").orElseThrow();
        String output = Files.readString(results.resolve(result.dataPath()).resolveSibling("output.txt"));
        assertThat(output).as("the test's output").contains("sha ok", "db ok", "token=***\n", "split=***\n",
                "db=***\n", "cmdline leaks: 0");
        assertThat(result.outcome()).as("outcome; output:%n%s", output).isEqualTo(Outcome.PASS);
        assertThat(Files.readString(results.resolve(result.dataPath()).resolve("leaked.txt")))
                .isEqualTo("***\n");

        List<String> leaks = new ArrayList<>();
        try (Stream<Path> files = Files.walk(results)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                if (text.contains(token) || text.contains(dbPassword)) {
                    leaks.add(results.relativize(file).toString());
                }
            }
        }
        assertThat(leaks).as("files of the results directory holding a secret value").isEmpty();
        assertThat(Files.readString(results.resolve("results.jsonl"))).contains("/uses-secret");

        List<String> logged = new ArrayList<>();
        for (ILoggingEvent event : logs.list) {
            StringBuilder line = new StringBuilder(event.getFormattedMessage());
            for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
                line.append(' ').append(t.getMessage());
            }
            logged.add(line.toString());
        }
        assertThat(logged).as("log events").noneMatch(l -> l.contains(token) || l.contains(dbPassword));
        assertThat(console.toString()).as("console").contains("uses-secret").doesNotContain(token, dbPassword);

        assertThat(probe.scansWhileRunning.get()).as("host scans of /proc/*/cmdline while the test ran")
                .isPositive();
        assertThat(probe.leaks).as("host processes with a secret value on their command line").isEmpty();
    }

    /** The probe works: a process with the value among its arguments is found. */
    private void probeSeesAValueOnACommandLine(HostProbe probe) throws IOException, InterruptedException {
        Process sleeper = new ProcessBuilder("bash", "-c", "sleep 60; :", token).start();
        try {
            org.awaitility.Awaitility.await("the probe's own check").atMost(Duration.ofMinutes(1)).until(() -> {
                probe.scan();
                return probe.leaks.stream().anyMatch(l -> l.startsWith(sleeper.pid() + ":"));
            });
        } finally {
            sleeper.destroyForcibly().waitFor();
            probe.leaks.clear();
        }
    }

    private Path tree() throws IOException, NoSuchAlgorithmException {
        Path tree = tmp.resolve("tree");
        Files.createDirectories(tree.resolve(".fmf"));
        Files.writeString(tree.resolve(".fmf/version"), "1\n");
        Files.writeString(tree.resolve("main.fmf"), """
                /uses-secret:
                    duration: 5m
                    environment:
                        EXPECTED_SHA: %s
                        DB_PASSWORD: %s
                    test: |
                        got=$(printf '%%s' "$CORRAL_TOKEN" | sha256sum | cut -d' ' -f1)
                        [ "$got" = "$EXPECTED_SHA" ] || { echo "sha mismatch: $got"; exit 1; }
                        echo "sha ok"
                        case "$DB_PASSWORD" in db-*) echo "db ok";; *) echo "no db password"; exit 1;; esac
                        echo "token=$CORRAL_TOKEN"
                        printf 'split=%%s' "${CORRAL_TOKEN:0:7}"; sleep 0.5; printf '%%s\\n' "${CORRAL_TOKEN:7}"
                        echo "db=$DB_PASSWORD"
                        echo "$CORRAL_TOKEN" > "$TMT_TEST_DATA/leaked.txt"
                        leaks=0; scanned=0
                        for f in /proc/[0-9]*/cmdline; do
                            c=$(tr '\\0' ' ' < "$f" 2>/dev/null) || continue
                            scanned=$((scanned + 1))
                            case "$c" in *"$CORRAL_TOKEN"*|*"$DB_PASSWORD"*) leaks=$((leaks + 1)); echo "leak: $f";; esac
                        done
                        echo "cmdline scanned: $scanned"
                        echo "cmdline leaks: $leaks"
                        [ "$scanned" -gt 0 ] && [ "$leaks" = 0 ]
                        sleep 4
                """.formatted(sha256(token), dbPassword));
        return tree;
    }

    private static String sha256(String value) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(value.getBytes(StandardCharsets.UTF_8)));
    }

    /** Scans every host process's command line again and again until stopped, counting scans during the test. */
    private static final class HostProbe implements Runnable, RunListener {
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicBoolean testRunning = new AtomicBoolean();
        final AtomicInteger scansWhileRunning = new AtomicInteger();
        final List<String> leaks = new CopyOnWriteArrayList<>();
        private final List<byte[]> values;

        HostProbe(List<String> values) {
            this.values = values.stream().map(v -> v.getBytes(StandardCharsets.UTF_8)).toList();
        }

        @Override
        public void testStarted(String target, TestCase test, String machineId, int attempt, Duration expected) {
            testRunning.set(true);
        }

        @Override
        public void testFinished(TestResult result) {
            testRunning.set(false);
        }

        @Override
        public void run() {
            while (!stop.get()) {
                boolean running = testRunning.get();
                scan();
                if (running && testRunning.get()) {
                    scansWhileRunning.incrementAndGet();
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void scan() {
            try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
                for (Path proc : procs) {
                    byte[] cmdline;
                    try {
                        cmdline = Files.readAllBytes(proc.resolve("cmdline"));
                    } catch (IOException gone) {
                        continue;
                    }
                    for (byte[] v : values) {
                        if (indexOf(cmdline, v) >= 0) {
                            leaks.add(proc.getFileName() + ": " + new String(cmdline, StandardCharsets.UTF_8)
                                    .replace('\0', ' ').replace(new String(v, StandardCharsets.UTF_8), "<secret>"));
                        }
                    }
                }
            } catch (IOException e) {
                leaks.add("cannot list /proc: " + e.getMessage());
            }
        }

        private static int indexOf(byte[] haystack, byte[] needle) {
            outer:
            for (int i = 0; i + needle.length <= haystack.length; i++) {
                for (int j = 0; j < needle.length; j++) {
                    if (haystack[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }
    }
}
