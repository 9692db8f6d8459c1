package dev.corral.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

import dev.corral.Deadline;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every {@link Connection} must have, whatever the machine kind. A backend's test extends this
 * class and supplies a connection and a scratch directory on the machine; the same assertions then run against
 * local processes, podman containers and SSH hosts.
 */
public abstract class ConnectionContract {

    /** A ready connection to the machine under test. */
    protected abstract Connection connection();

    /** A writable directory on the machine, unique to this test class run. */
    protected abstract String scratchDir();

    @TempDir
    Path local;

    private static Deadline soon() {
        return Deadline.after(Duration.ofSeconds(60));
    }

    private ExecResult run(String... argv) throws InterruptedException {
        return connection().exec(Command.of(argv), soon());
    }

    private String fresh(String name) throws InterruptedException {
        String dir = scratchDir() + "/" + name + "-" + UUID.randomUUID();
        run("mkdir", "-p", dir).orThrow("mkdir");
        return dir;
    }

    @Test
    void exitCodesAreReported() throws InterruptedException {
        assertThat(run("true").exitCode()).isZero();
        assertThat(run("false").exitCode()).isEqualTo(1);
        ExecResult three = run("sh", "-c", "exit 3");
        assertThat(three.exitCode()).isEqualTo(3);
        assertThat(three.succeeded()).isFalse();
        assertThat(three.timedOut()).isFalse();
    }

    @Test
    void argumentsArriveVerbatimWithoutShellInterpretation() throws InterruptedException {
        List<String> hostile = List.of("a b", "$(echo injected)", "`echo injected`", "'single'", "\"double\"",
                "semi;colon", "new\nline", "back\\slash", "ünïcödé ✓", "*", "");
        List<String> argv = new ArrayList<>(List.of("printf", "<%s>\\n"));
        argv.addAll(hostile);
        ExecResult r = connection().exec(Command.builder(argv).build(), soon());
        StringBuilder expected = new StringBuilder();
        hostile.forEach(h -> expected.append('<').append(h).append(">\n"));
        assertThat(r.stdout()).isEqualTo(expected.toString());
    }

    @Test
    void environmentValuesArriveIntact() throws InterruptedException {
        String value = "it's \"quoted\" $(touch /tmp/corral-injected) `id` $HOME\nsecond line\ttab ✓";
        Command cmd = Command.builder("printenv", "CORRAL_HOSTILE")
                .env("CORRAL_HOSTILE", value)
                .env("CORRAL_EMPTY", "")
                .build();
        assertThat(connection().exec(cmd, soon()).stdout()).isEqualTo(value + "\n");
        Command empty = Command.builder("sh", "-c", "test \"${CORRAL_EMPTY+set}\" = set && echo set")
                .env("CORRAL_EMPTY", "")
                .build();
        assertThat(connection().exec(empty, soon()).stdout()).isEqualTo("set\n");
    }

    @Test
    void secretValuesDoNotAppearInTheCommandDescription() {
        Command cmd = Command.builder("true").secretEnv("TOKEN", "s3cr3t-value").build();
        assertThat(cmd.toString()).doesNotContain("s3cr3t-value").contains("true");
    }

    @Test
    void workingDirectoryIsUsed() throws InterruptedException {
        String dir = fresh("cwd");
        Command cmd = Command.builder("pwd").cwd(dir).build();
        assertThat(connection().exec(cmd, soon()).stdout().strip()).endsWith(dir.substring(dir.lastIndexOf('/')));
    }

    @Test
    void stdinIsFedAndClosed() throws InterruptedException {
        byte[] input = "line one\nline two ✓\n".getBytes(StandardCharsets.UTF_8);
        Command cmd = Command.builder("cat").stdin(input).build();
        assertThat(connection().exec(cmd, soon()).stdout()).isEqualTo("line one\nline two ✓\n");
        // no stdin given: reading it ends at once instead of hanging
        assertThat(connection().exec(Command.of("cat"), soon()).stdout()).isEmpty();
    }

    @Test
    void outputIsStreamedToSinksSeparatelyOrMerged() throws InterruptedException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Command separate = Command.builder("sh", "-c", "echo to-out; echo to-err >&2").stdout(out).stderr(err).build();
        ExecResult r = connection().exec(separate, soon());
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("to-out\n");
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("to-err\n");
        assertThat(r.stdout()).isEmpty();

        ByteArrayOutputStream both = new ByteArrayOutputStream();
        Command merged = Command.builder("sh", "-c", "echo one; echo two >&2; echo three").stdout(both).mergeStderr().build();
        connection().exec(merged, soon());
        assertThat(both.toString(StandardCharsets.UTF_8).lines()).containsExactlyInAnyOrder("one", "two", "three");
    }

    @Test
    void capturedErrorOutputIsReported() throws InterruptedException {
        ExecResult r = run("sh", "-c", "echo oops >&2; exit 4");
        assertThat(r.stderr()).isEqualTo("oops\n");
        assertThatThrownBy(() -> r.orThrow("the oops step"))
                .isInstanceOf(CommandFailedException.class)
                .hasMessageContaining("the oops step").hasMessageContaining("exit code 4").hasMessageContaining("oops");
    }

    @Test
    void largeOutputIsStreamedNotBuffered() throws InterruptedException {
        CountingSink sink = new CountingSink();
        Command cmd = Command.builder("sh", "-c", "head -c 67108864 /dev/zero").stdout(sink).build();
        ExecResult r = connection().exec(cmd, Deadline.after(Duration.ofMinutes(3)));
        assertThat(r.exitCode()).isZero();
        assertThat(sink.count).isEqualTo(64L << 20);
    }

    @Test
    void deadlineKillsTheWholeProcessTree() throws InterruptedException {
        String dir = fresh("timeout");
        String script = "sleep 300 & echo $! > " + dir + "/child.pid; sleep 300";
        long started = System.nanoTime();
        ExecResult r = connection().exec(Command.of("sh", "-c", script), Deadline.after(Duration.ofSeconds(2)));
        assertThat(r.timedOut()).isTrue();
        assertThat(r.succeeded()).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(45));
        String pid = run("cat", dir + "/child.pid").orThrow("read pid").stdout().strip();
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(run("kill", "-0", pid).exitCode()).isNotZero());
    }

    @Test
    void interruptKillsTheCommandAndIsRethrown() throws Exception {
        String dir = fresh("interrupt");
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread worker = Thread.ofVirtual().start(() -> {
            try {
                connection().exec(Command.of("sh", "-c", "echo $$ > " + dir + "/pid; sleep 300"), soon());
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> run("test", "-s", dir + "/pid").exitCode() == 0);
        String pid = run("cat", dir + "/pid").stdout().strip();
        worker.interrupt();
        worker.join(Duration.ofSeconds(30));
        assertThat(worker.isAlive()).isFalse();
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(run("kill", "-0", pid).exitCode()).isNotZero());
    }

    @Test
    void deathBySignalIsReported() throws InterruptedException {
        ExecResult r = run("sh", "-c", "kill -TERM $$");
        assertThat(r.exitCode()).isEqualTo(128 + 15);
        assertThat(r.signal()).isEqualTo("TERM");
    }

    @Test
    void manyCommandsRunAtOnce() throws Exception {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<ExecResult>> results = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                int n = i;
                results.add(pool.submit(() -> run("sh", "-c", "sleep 0.5; echo " + n)));
            }
            for (int i = 0; i < results.size(); i++) {
                assertThat(results.get(i).get().stdout()).isEqualTo(i + "\n");
            }
        }
    }

    @Test
    void directoryTreesGoUpAndComeBackWithModesAndSymlinks() throws Exception {
        Path tree = local.resolve("tree");
        Files.createDirectories(tree.resolve("sub/deeper"));
        Files.writeString(tree.resolve("plain.txt"), "plain ✓\n");
        Path script = tree.resolve("sub/run.sh");
        Files.writeString(script, "#!/bin/sh\necho ran\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.write(tree.resolve("sub/deeper/blob.bin"), new byte[] {0, 1, 2, (byte) 255});
        Files.writeString(tree.resolve("name with spaces.txt"), "spaces\n");
        Files.createSymbolicLink(tree.resolve("link"), Path.of("sub/run.sh"));

        String remote = fresh("upload") + "/tree";
        connection().upload(tree, remote, soon());
        assertThat(run(remote + "/sub/run.sh").stdout()).isEqualTo("ran\n");
        assertThat(run("cat", remote + "/name with spaces.txt").stdout()).isEqualTo("spaces\n");
        assertThat(run("readlink", remote + "/link").stdout().strip()).isEqualTo("sub/run.sh");

        run("sh", "-c", "echo made-remotely > \"$0\"/remote.txt", remote).orThrow("write");
        Path back = local.resolve("back");
        connection().download(remote, back, soon());
        assertThat(Files.readString(back.resolve("plain.txt"))).isEqualTo("plain ✓\n");
        assertThat(Files.readString(back.resolve("remote.txt"))).isEqualTo("made-remotely\n");
        assertThat(Files.readAllBytes(back.resolve("sub/deeper/blob.bin"))).containsExactly(0, 1, 2, 255);
        assertThat(Files.getPosixFilePermissions(back.resolve("sub/run.sh"))).contains(PosixFilePermission.OWNER_EXECUTE);
        assertThat(Files.isSymbolicLink(back.resolve("link"))).isTrue();
        assertThat(Files.readSymbolicLink(back.resolve("link"))).isEqualTo(Path.of("sub/run.sh"));
    }

    @Test
    void singleFilesGoUpAndComeBack() throws Exception {
        Path file = local.resolve("one.txt");
        Files.writeString(file, "one file\n");
        String remote = fresh("file") + "/nested/copy.txt";
        connection().upload(file, remote, soon());
        assertThat(run("cat", remote).stdout()).isEqualTo("one file\n");
        Path back = local.resolve("back/copy.txt");
        connection().download(remote, back, soon());
        assertThat(Files.readString(back)).isEqualTo("one file\n");
    }

    @Test
    void smallFilesAreWrittenInOneGoWithTheirModes() throws Exception {
        String target = fresh("write") + "/new/dir";
        connection().write(target, List.of(
                FileContent.directory("data"),
                FileContent.file("notes/a.txt", "it's \"quoted\"\n".getBytes(StandardCharsets.UTF_8)),
                FileContent.executable("run.sh", "echo hi\n".getBytes(StandardCharsets.UTF_8))), soon());
        // written again: files are replaced, not appended to
        connection().write(target, List.of(FileContent.file("notes/a.txt", "second\n".getBytes(StandardCharsets.UTF_8))),
                soon());

        assertThat(run("cat", target + "/notes/a.txt").stdout()).isEqualTo("second\n");
        assertThat(run("bash", target + "/run.sh").stdout()).isEqualTo("hi\n");
        assertThat(run("stat", "-c", "%a %F", target + "/run.sh", target + "/notes/a.txt", target + "/data").stdout())
                .isEqualTo("755 regular file\n644 regular file\n755 directory\n");
    }

    @Test
    void fileContentPathsStayBelowTheirDirectory() {
        for (String bad : List.of("", "/etc/passwd", "..", "a/../../b", "../x")) {
            assertThatThrownBy(() -> FileContent.file(bad, new byte[0])).as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void downloadingWhatDoesNotExistFailsClearly() throws InterruptedException {
        String missing = scratchDir() + "/does-not-exist-" + UUID.randomUUID();
        assertThatThrownBy(() -> connection().download(missing, local.resolve("x"), soon()))
                .isInstanceOf(CommandFailedException.class);
    }

    private static final class CountingSink extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            count += len;
        }
    }
}
