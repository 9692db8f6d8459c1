package dev.corral.machine.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import dev.corral.Deadline;
import dev.corral.machine.Command;
import dev.corral.machine.Connection;
import dev.corral.machine.ConnectionContract;
import dev.corral.machine.ExecResult;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The connection contract over a real OpenSSH sshd, plus what only SSH has to prove. */
@ExtendWith(SshTools.class)
class SshConnectionTest extends ConnectionContract {
    private static OpenSshServer server;
    private static SshConnector connector;
    private static SshConnection connection;
    private static final String SCRATCH = "/var/tmp/corral-ssh-test-" + UUID.randomUUID();

    @BeforeAll
    static void startServer() throws Exception {
        server = OpenSshServer.onLoopback(false);
        connector = SshConnector.start(SshOptions.defaults().withKeepalive(Duration.ofSeconds(2), 3));
        connection = connector.connect(server.target(), Deadline.after(OpenSshServer.patience()));
        connection.exec(Command.of("mkdir", "-p", SCRATCH), Deadline.after(OpenSshServer.patience())).orThrow("mkdir");
    }

    @AfterAll
    static void stopServer() throws Exception {
        try {
            if (connection != null) {
                connection.exec(Command.of("rm", "-rf", SCRATCH), Deadline.after(OpenSshServer.patience()));
                connection.close();
            }
        } finally {
            if (connector != null) {
                connector.close();
            }
            if (server != null) {
                server.close();
            }
        }
    }

    @Override
    protected Connection connection() {
        return connection;
    }

    @Override
    protected String scratchDir() {
        return SCRATCH;
    }

    @Test
    void secretEnvironmentValuesNeverShowInTheProcessList() throws Exception {
        String secret = "s3cr3t-" + UUID.randomUUID();
        CountDownLatch started = new CountDownLatch(1);
        LineSignal output = new LineSignal(started);
        AtomicReference<ExecResult> result = new AtomicReference<>();
        Thread worker = Thread.ofVirtual().start(() -> {
            try {
                Command cmd = Command.builder("sh", "-c", "echo started; sleep 3; printenv CORRAL_TOKEN")
                        .secretEnv("CORRAL_TOKEN", secret)
                        .stdout(output)
                        .build();
                result.set(connection.exec(cmd, Deadline.after(OpenSshServer.patience())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(started.await(60, TimeUnit.SECONDS)).isTrue();
        // sshd runs on this host: every process of the session is in this /proc
        int inEnvironment = 0;
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
        do {
            for (Path proc : processes()) {
                assertThat(read(proc.resolve("cmdline"))).as("command line of %s", proc).doesNotContain(secret);
                if (read(proc.resolve("environ")).contains("CORRAL_TOKEN=" + secret)) {
                    inEnvironment++;
                }
            }
        } while (System.nanoTime() < until);
        worker.join(Duration.ofSeconds(60));
        assertThat(inEnvironment).as("the command (sleep) had the secret in its environment").isPositive();
        assertThat(result.get().succeeded()).isTrue();
        assertThat(output.text()).isEqualTo("started\n" + secret + "\n");
        assertThat(server.log()).doesNotContain(secret);
    }

    @Test
    void loginShellNoiseBeforeTheCommandIsDropped() throws InterruptedException {
        // the wrapper's own pid line never reaches the output, whatever is printed
        ExecResult r = connection.exec(Command.of("printf", "%s", "no newline"), Deadline.after(OpenSshServer.patience()));
        assertThat(r.stdout()).isEqualTo("no newline");
    }

    @Test
    void aMissingWorkingDirectoryFailsTheCommandWithoutRunningIt() throws InterruptedException {
        String missing = SCRATCH + "/missing-" + UUID.randomUUID();
        Command cmd = Command.builder("touch", "ran").cwd(missing).build();
        ExecResult r = connection.exec(cmd, Deadline.after(OpenSshServer.patience()));
        assertThat(r.exitCode()).isEqualTo(RemoteScript.WRAPPER_FAILED);
        assertThat(r.stderr()).contains(missing);
    }

    @Test
    void moreCommandsThanChannelsWaitForAFreeChannel() throws Exception {
        int commands = SshOptions.defaults().maxChannels() * 2;
        List<Thread> threads = new ArrayList<>();
        List<ExecResult> results = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < commands; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    results.add(connection.exec(Command.of("sleep", "0.3"), Deadline.after(OpenSshServer.patience())));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        for (Thread t : threads) {
            t.join(Duration.ofSeconds(60));
        }
        assertThat(results).hasSize(commands).allMatch(ExecResult::succeeded);
    }

    private static List<Path> processes() throws IOException {
        try (Stream<Path> list = Files.list(Path.of("/proc"))) {
            return list.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList();
        }
    }

    private static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException gone) {
            return "";
        }
    }

    /** Keeps the output and counts down when the first line arrives. */
    static final class LineSignal extends OutputStream {
        private final CountDownLatch latch;
        private final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();

        LineSignal(CountDownLatch latch) {
            this.latch = latch;
        }

        @Override
        public synchronized void write(int b) {
            bytes.write(b);
            if (b == '\n') {
                latch.countDown();
            }
        }

        synchronized String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }
}
