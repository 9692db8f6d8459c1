package dev.corral.machine.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import dev.corral.Deadline;
import dev.corral.machine.Command;
import dev.corral.machine.CommandFailedException;
import dev.corral.machine.ExecResult;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * How commands end over SSH, whatever the login shell does before running them and whatever the command leaves
 * behind: every call returns by its deadline (plus the kill grace), a command whose login shell stalled never
 * runs late, and background processes holding a command's output do not keep it running. Logs in as a
 * throwaway user whose login shell is bash with a {@code ~/.bashrc} the tests control (a slow start-up file such
 * as pyenv's, or one that stalls).
 */
@ExtendWith(SshTools.class)
class SshCommandEndTest {
    /** Longest time a call may take past its deadline: the kill grace plus slack for a loaded 2-core machine. */
    private static final Duration OVERRUN = RemoteProcess.KILL_GRACE.plusSeconds(10);

    private static SshLogin ssh;
    /** Fresh for every test: a spare channel opened before a test stalled the login shell would not stall. */
    private SshConnection connection;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        ssh = SshLogin.start("/bin/bash");
        // sshd runs bash -c COMMAND, which reads ~/.bashrc (Debian's and Fedora's bash do for SSH sessions)
        Path rc = ssh.user().home().resolve(".bashrc");
        Files.writeString(rc, """
                if [ -e "$HOME/stall" ]; then sleep "$(cat "$HOME/stall")"; fi
                if [ -e "$HOME/slow" ]; then sleep "$(cat "$HOME/slow")"; fi
                """);
        Host.run("chown", ssh.user().name(), rc.toString());
    }

    @BeforeEach
    void connect() throws Exception {
        connection = ssh.connector().connect(ssh.target(), patience());
    }

    @AfterAll
    static void stop() {
        if (ssh != null) {
            ssh.close();
        }
    }

    @AfterEach
    void disconnect() throws Exception {
        normalShell();
        connection.close();
    }

    private static void normalShell() throws Exception {
        Files.deleteIfExists(ssh.user().home().resolve("stall"));
        Files.deleteIfExists(ssh.user().home().resolve("slow"));
    }

    private static Deadline patience() {
        return Deadline.after(OpenSshServer.patience());
    }

    private static void stallLoginShell(int seconds) throws Exception {
        Files.writeString(ssh.user().home().resolve("stall"), Integer.toString(seconds));
    }

    private String home(String name) {
        return ssh.user().home() + "/" + name + "-" + UUID.randomUUID();
    }

    @Test
    void aLoginShellThatStallsEndsTheCommandAtItsDeadlineAndTheCommandNeverRuns() throws Exception {
        String marker = home("ran");
        stallLoginShell(8);
        long started = System.nanoTime();
        ExecResult r = connection.exec(Command.of("touch", marker), Deadline.after(Duration.ofSeconds(2)));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(r.timedOut()).isTrue();
        assertThat(took).isLessThan(Duration.ofSeconds(2).plus(OVERRUN));
        normalShell();
        // long after the stall would have ended, the command still has not run
        Thread.sleep(Duration.ofSeconds(10));
        assertThat(Path.of(marker)).doesNotExist();
        assertThat(connection.exec(Command.of("true"), patience()).succeeded()).isTrue();
    }

    @Test
    void uploadsAndDownloadsEndAtTheirDeadlineWhenTheLoginShellStalls() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("tree/sub"));
        Files.writeString(dir.resolve("file"), "content\n");
        Path single = Files.writeString(tmp.resolve("single"), "single\n");
        stallLoginShell(30);
        for (ThrowingCall call : new ThrowingCall[] {
                d -> connection.upload(tmp.resolve("tree"), home("tree"), d),
                d -> connection.upload(single, home("single"), d),
                d -> connection.download(ssh.user().home().toString(), tmp.resolve("down"), d)}) {
            long started = System.nanoTime();
            assertThatThrownBy(() -> call.run(Deadline.after(Duration.ofSeconds(2))))
                    .isInstanceOf(CommandFailedException.class).hasMessageContaining("timed out");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2).plus(OVERRUN));
        }
    }

    @Test
    void interruptingACommandWhoseLoginShellStallsReturnsPromptly() throws Exception {
        stallLoginShell(60);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread worker = Thread.ofVirtual().start(() -> {
            try {
                connection.exec(Command.of("true"), patience());
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        Thread.sleep(Duration.ofSeconds(1));
        long started = System.nanoTime();
        worker.interrupt();
        worker.join(OVERRUN);

        assertThat(worker.isAlive()).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(OVERRUN);
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
    }

    @Test
    void aSlowLoginShellMakesCommandsSlowButNotWrong() throws Exception {
        Files.writeString(ssh.user().home().resolve("slow"), "1");
        Path dir = Files.createDirectories(tmp.resolve("tree/sub"));
        Files.writeString(dir.resolve("file"), "content\n");
        Path single = Files.writeString(tmp.resolve("wrapper.sh"), "#!/bin/sh\necho wrapper\n");
        String remote = home("slow");

        long started = System.nanoTime();
        connection.exec(Command.of("mkdir", "-p", remote), patience()).orThrow("mkdir");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the start-up file ran")
                .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        connection.upload(tmp.resolve("tree"), remote + "/tree", patience());
        connection.upload(single, remote + "/wrapper.sh", patience());
        connection.download(remote, tmp.resolve("back"), patience());

        assertThat(tmp.resolve("back/tree/sub/file")).hasContent("content");
        assertThat(tmp.resolve("back/wrapper.sh")).hasContent("#!/bin/sh\necho wrapper");
    }

    @Test
    void theNextCommandStartsOnAChannelWhoseLoginShellStartedAheadOfTime() throws Exception {
        Files.writeString(ssh.user().home().resolve("slow"), "3");
        long started = System.nanoTime();
        connection.exec(Command.of("true"), patience()).orThrow("true");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the start-up file ran")
                .isGreaterThanOrEqualTo(Duration.ofSeconds(3));
        Thread.sleep(Duration.ofSeconds(6)); // the spare channel's login shell is done meanwhile

        started = System.nanoTime();
        ExecResult r = connection.exec(Command.of("echo", "spare"), patience());

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
        assertThat(r.stdout()).isEqualTo("spare\n");
    }

    @Test
    void backgroundProcessesHoldingTheOutputDoNotKeepTheCommandRunningAndAreKilled() throws Exception {
        long started = System.nanoTime();
        ExecResult r = connection.exec(Command.of("sh", "-c", "sleep 1000 & echo $!; echo done"), patience());
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(r.succeeded()).isTrue();
        assertThat(r.timedOut()).isFalse();
        assertThat(r.stdout()).endsWith("done\n");
        assertThat(took).isLessThan(Duration.ofSeconds(30));
        long sleeper = Long.parseLong(r.stdout().lines().findFirst().orElseThrow());
        await().atMost(Duration.ofSeconds(30)).until(() -> !Host.running(sleeper));
    }

    @Test
    void outputWrittenJustBeforeTheExitIsComplete() throws Exception {
        // 8 MB after which the command exits at once: the exit status arrives before most of the output
        java.util.concurrent.atomic.AtomicLong bytes = new java.util.concurrent.atomic.AtomicLong();
        java.io.OutputStream counter = new java.io.OutputStream() {
            @Override
            public void write(int b) {
                bytes.incrementAndGet();
            }

            @Override
            public void write(byte[] b, int off, int len) {
                bytes.addAndGet(len);
            }
        };
        ExecResult r = connection.exec(Command.builder("sh", "-c", "head -c 8000000 /dev/zero").stdout(counter).build(),
                patience());

        assertThat(r.succeeded()).isTrue();
        assertThat(bytes.get()).isEqualTo(8_000_000L);
    }

    @FunctionalInterface
    private interface ThrowingCall {
        void run(Deadline deadline) throws Exception;
    }
}
