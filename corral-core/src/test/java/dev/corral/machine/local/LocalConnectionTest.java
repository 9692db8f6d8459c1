package dev.corral.machine.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import dev.corral.Deadline;
import dev.corral.RunId;
import dev.corral.machine.Command;
import dev.corral.machine.CommandFailedException;
import dev.corral.machine.Connection;
import dev.corral.machine.ConnectionContract;
import dev.corral.machine.ConnectionException;
import dev.corral.machine.ExecResult;
import dev.corral.machine.FileContent;
import dev.corral.machine.Machine;
import dev.corral.machine.ProvisionContext;
import dev.corral.machine.ProvisionException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link LocalConnection} with real processes: argv, environment, streams, time limits, process trees, copies. */
class LocalConnectionTest extends ConnectionContract {
    private static final Duration GENEROUS = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    private RunId runId;
    private LocalProvisioner provisioner;
    private Machine machine;
    private Connection connection;

    @BeforeEach
    void provision() throws InterruptedException {
        runId = RunId.generate();
        provisioner = new LocalProvisioner(new ProvisionContext(runId, tmp.resolve("machines")), 2);
        machine = provisioner.provision(Deadline.after(GENEROUS));
        connection = machine.connection();
    }

    @Override
    protected Connection connection() {
        return connection;
    }

    @Override
    protected String scratchDir() {
        return machine.workDir();
    }

    @AfterEach
    void release() {
        provisioner.close();
    }

    private ExecResult run(Command command) throws InterruptedException {
        return connection.exec(command, Deadline.after(GENEROUS));
    }

    @Test
    void environmentAddsToTheJvmEnvironmentAndKeepsHostileValuesIntact() throws Exception {
        String hostile = "a 'single' \"double\" $(touch pwned) `touch pwned2` $HOME\nsecond line\\ \t end";
        ExecResult result = run(Command.builder("bash", "-c", "printf '%s' \"$HOSTILE\"; printf '|%s' \"$PATH\" \"$X2\"")
                .env("HOSTILE", hostile)
                .env("X2", "")
                .build());

        assertThat(result.succeeded()).isTrue();
        assertThat(result.stdout()).isEqualTo(hostile + "|" + System.getenv("PATH") + "|");
        assertThat(Path.of(machine.workDir()).resolve("pwned")).doesNotExist();
        assertThat(Path.of(machine.workDir()).resolve("pwned2")).doesNotExist();
    }

    @Test
    void eachCommandCarriesItsOwnToken() throws Exception {
        String first = run(Command.of("printenv", ProcessReaper.TOKEN_VARIABLE)).stdout().strip();
        String second = run(Command.of("printenv", ProcessReaper.TOKEN_VARIABLE)).stdout().strip();

        // <run id>.<uuid>: the run id lets cleanup find a killed run's daemons, the uuid tells commands apart
        assertThat(first).startsWith(runId.value() + ".").isNotEqualTo(second);
        assertThat(first.substring(first.indexOf('.') + 1)).hasSize(36);
    }

    @Test
    void workingDirectoryDefaultsToTheMachineWorkDirectory() throws Exception {
        Path sub = Files.createDirectories(Path.of(machine.workDir(), "sub dir"));

        assertThat(run(Command.of("pwd")).stdout().strip()).isEqualTo(machine.workDir());
        assertThat(run(Command.builder("pwd").cwd(sub.toString()).build()).stdout().strip()).isEqualTo(sub.toString());
        assertThat(run(Command.builder("pwd").cwd("sub dir").build()).stdout().strip()).isEqualTo(sub.toString());
        assertThat(machine.workDir()).startsWith(tmp.resolve("machines").resolve(machine.id()).toString());
    }

    @Test
    void largeStdinIsNotAProblemWhenTheCommandIgnoresIt() throws Exception {
        ExecResult result = run(Command.builder("true").stdin(new byte[8 * 1024 * 1024]).build());

        assertThat(result.succeeded()).isTrue();
    }

    @Test
    void outputStreamsToTheSinkWhileTheCommandRuns() throws Exception {
        ByteArrayOutputStream sink = new ByteArrayOutputStream() {
            @Override
            public synchronized void write(byte[] b, int off, int len) {
                super.write(b, off, len);
            }
        };
        Path go = tmp.resolve("go");
        CompletableFuture<ExecResult> running = CompletableFuture.supplyAsync(() -> {
            try {
                return run(Command.builder("bash", "-c", "echo started; while [ ! -e \"$1\" ]; do sleep 0.05; done; echo done",
                        "bash", go.toString()).stdout(sink).build());
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });

        await().atMost(GENEROUS).until(() -> sinkText(sink).equals("started\n"));
        assertThat(running).isNotDone();
        Files.createFile(go);
        ExecResult result = running.get();
        assertThat(sinkText(sink)).isEqualTo("started\ndone\n");
        assertThat(result.stdout()).isEmpty();
    }

    private static String sinkText(ByteArrayOutputStream sink) {
        synchronized (sink) {
            return sink.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void capturedOutputIsCapped() throws Exception {
        ExecResult result = run(Command.of("head", "-c", "5000000", "/dev/zero"));

        assertThat(result.succeeded()).isTrue();
        assertThat(result.stdout()).hasSize(Command.CAPTURE_LIMIT);
    }

    @Test
    void failingSinkDoesNotBlockTheCommand() throws Exception {
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("disk full");
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                throw new IOException("disk full");
            }
        };

        ExecResult result = run(Command.builder("head", "-c", "10000000", "/dev/zero").stdout(broken).build());

        assertThat(result.succeeded()).isTrue();
    }

    @Test
    void missingWorkingDirectoryIsAFailedCommand() throws Exception {
        ExecResult result = run(Command.builder("true").cwd("/no/such/directory").build());

        assertThat(result.exitCode()).isEqualTo(127);
        assertThat(result.stderr()).contains("cannot run true");
    }

    @Test
    void timeoutKillsTheWholeTreeIncludingEscapedDaemons() throws Exception {
        Path pids = tmp.resolve("pids");
        String script = """
                setsid sleep 1000 & echo $! >> "$1"
                ( trap '' TERM HUP; sleep 1000 ) & echo $! >> "$1"
                nohup sleep 1000 >/dev/null 2>&1 & echo $! >> "$1"
                echo $$ >> "$1"
                sleep 1000
                """;
        long start = System.nanoTime();
        ExecResult result = connection.exec(Command.of("bash", "-c", script, "bash", pids.toString()),
                Deadline.after(Duration.ofSeconds(2)));

        assertThat(result.timedOut()).isTrue();
        assertThat(result.signal()).isEqualTo("KILL");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
        assertAllDead(pids);
    }

    @Test
    void leftoversOfAFinishedCommandAreKilled() throws Exception {
        Path pids = tmp.resolve("pids");
        String script = """
                setsid bash -c 'setsid sleep 1000 & echo $! >> "$1"; sleep 1000' bash "$1" &
                echo $! >> "$1"
                (sleep 1000 & echo $! >> "$1"; disown) &
                sleep 0.2
                """;
        ExecResult result = run(Command.of("bash", "-c", script, "bash", pids.toString()));

        assertThat(result.succeeded()).isTrue();
        await().atMost(GENEROUS).until(() -> Files.readAllLines(pids).size() == 3);
        assertAllDead(pids);
    }

    @Test
    void interruptKillsTheTreeAndThrows() throws Exception {
        Path pids = tmp.resolve("pids");
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread worker = Thread.ofVirtual().start(() -> {
            try {
                run(Command.of("bash", "-c", "setsid sleep 1000 & echo $! >> \"$1\"; echo $$ >> \"$1\"; sleep 1000",
                        "bash", pids.toString()));
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        await().atMost(GENEROUS).until(() -> Files.exists(pids) && Files.readAllLines(pids).size() == 2);

        worker.interrupt();
        worker.join(GENEROUS);

        assertThat(worker.isAlive()).isFalse();
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        assertAllDead(pids);
    }

    @Test
    void closingTheMachineKillsRunningCommandsAndFailsThemAsLost() throws Exception {
        Path pids = tmp.resolve("pids");
        CompletableFuture<ExecResult> running = sleeperWritingItsPid(pids);

        machine.close();

        assertThatThrownBy(running::join).hasCauseInstanceOf(ConnectionException.class)
                .hasMessageContaining("was closed");
        assertAllDead(pids);
        assertThatThrownBy(() -> run(Command.of("true"))).isInstanceOf(ConnectionException.class);
        assertThat(machine.isAlive(Deadline.after(GENEROUS))).isFalse();
        assertThat(Path.of(machine.workDir())).doesNotExist();
        machine.close();
    }

    @Test
    void uploadAndDownloadKeepModesSymlinksAndEmptyDirectories() throws Exception {
        Path source = Files.createDirectories(tmp.resolve("src"));
        Files.writeString(source.resolve("run.sh"), "#!/bin/bash\necho hi\n");
        Files.setPosixFilePermissions(source.resolve("run.sh"), PosixFilePermissions.fromString("rwxr-x---"));
        Files.writeString(source.resolve("secret"), "s");
        Files.setPosixFilePermissions(source.resolve("secret"), PosixFilePermissions.fromString("rw-------"));
        Path nested = Files.createDirectories(source.resolve("a b/c"));
        Files.writeString(nested.resolve("ünï.txt"), "nested");
        Files.setPosixFilePermissions(source.resolve("a b"), PosixFilePermissions.fromString("rwxr-x---"));
        Files.createDirectories(source.resolve("empty"));
        Files.createSymbolicLink(source.resolve("relative-link"), Path.of("a b/c/ünï.txt"));
        Files.createSymbolicLink(source.resolve("absolute-link"), Path.of("/etc/hostname"));
        Files.createSymbolicLink(source.resolve("dangling"), Path.of("nowhere"));
        Files.createSymbolicLink(source.resolve("dir-link"), Path.of("a b"));

        connection.upload(source, "copy/of tree", Deadline.after(GENEROUS));
        Path uploaded = Path.of(machine.workDir(), "copy/of tree");
        assertSameTree(source, uploaded);
        assertThat(run(Command.builder("./run.sh").cwd(uploaded.toString()).build()).stdout()).isEqualTo("hi\n");

        Path back = tmp.resolve("back");
        connection.download(uploaded.toString(), back, Deadline.after(GENEROUS));
        assertSameTree(source, back);

        // a second upload merges and replaces
        Files.writeString(source.resolve("secret"), "changed");
        connection.upload(source, "copy/of tree", Deadline.after(GENEROUS));
        assertThat(uploaded.resolve("secret")).hasContent("changed");
    }

    @Test
    void aSymlinkIsCopiedAsALink() throws Exception {
        Files.createSymbolicLink(tmp.resolve("link"), Path.of("../somewhere/else"));

        connection.upload(tmp.resolve("link"), "copied-link", Deadline.after(GENEROUS));

        Path copied = Path.of(machine.workDir(), "copied-link");
        assertThat(Files.isSymbolicLink(copied)).isTrue();
        assertThat(Files.readSymbolicLink(copied)).isEqualTo(Path.of("../somewhere/else"));
    }

    @Test
    void specialFilesAreSkipped() throws Exception {
        Path source = Files.createDirectories(tmp.resolve("fifo-src"));
        Files.writeString(source.resolve("regular"), "r");
        assertThat(new ProcessBuilder("mkfifo", source.resolve("pipe").toString()).start().waitFor()).isZero();

        connection.upload(source, "fifo-copy", Deadline.after(GENEROUS));

        assertThat(Path.of(machine.workDir(), "fifo-copy", "regular")).hasContent("r");
        assertThat(Path.of(machine.workDir(), "fifo-copy", "pipe")).doesNotExist();
    }

    // ---- the spawner: the machine's commands are forks of one bash -------------------------------------------

    @Test
    void aCommandIsAForkOfTheSpawnerInItsSessionAndLeadsItsOwnProcessGroup() throws Exception {
        assertThat(run(Command.of("true")).succeeded()).isTrue();
        ProcessHandle spawner = await().atMost(GENEROUS).until(this::spawner, java.util.Optional::isPresent).get();

        String[] ids = run(Command.of("sh", "-c", "echo $$ $PPID $(ps -o pgid= -p $$) $(ps -o sid= -p $$)"))
                .stdout().strip().split("\\s+");

        assertThat(Long.parseLong(ids[1])).as("parent").isEqualTo(spawner.pid());
        assertThat(Long.parseLong(ids[2])).as("process group: its own").isEqualTo(Long.parseLong(ids[0]));
        assertThat(Long.parseLong(ids[3])).as("session: the spawner's").isEqualTo(spawner.pid());
    }

    @Test
    void killZeroInACommandReachesItsOwnProcessesOnly() throws Exception {
        ExecResult killer = run(Command.of("bash", "-c", "sleep 1000 & kill 0; sleep 1000"));
        ProcessHandle spawner = spawner().orElseThrow();

        assertThat(killer.signal()).isEqualTo("TERM");
        assertThat(spawner.isAlive()).isTrue();
        assertThat(run(Command.of("echo", "next")).stdout()).isEqualTo("next\n");
        assertThat(spawner().map(ProcessHandle::pid)).contains(spawner.pid());
    }

    @Test
    void outputOfProcessesKilledAfterTheCommandEndedStaysWithThatCommand() throws Exception {
        for (int i = 0; i < 5; i++) {
            ExecResult noisy = run(Command.of("bash", "-c", "(while :; do echo spam; done) & sleep 0.1; echo end"));
            ExecResult next = run(Command.of("echo", "clean"));

            assertThat(noisy.stdout()).contains("end\n");
            assertThat(next.stdout()).isEqualTo("clean\n");
        }
    }

    @Test
    void outputThatLooksLikeTheEndMarkerIsOutput() throws Exception {
        String tricky = "corral-\ncorral- 0\ncorral-0123456789abcdef0123456789abcdef 0\ncorral-";

        ExecResult result = run(Command.of("printf", "%s", tricky));

        assertThat(result.stdout()).isEqualTo(tricky);
        assertThat(result.exitCode()).isZero();
    }

    @Test
    void aSecondCommandWhileTheSpawnerIsBusyStartsTheDirectWay() throws Exception {
        CompletableFuture<ExecResult> slow = CompletableFuture.supplyAsync(() -> {
            try {
                return run(Command.of("bash", "-c", "echo $PPID; sleep 1"));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        ProcessHandle spawner = await().atMost(GENEROUS).until(this::spawner, java.util.Optional::isPresent).get();
        await().atMost(GENEROUS).until(() -> spawner.children().findAny().isPresent());

        ExecResult meanwhile = run(Command.of("sh", "-c", "echo $PPID"));

        assertThat(Long.parseLong(meanwhile.stdout().strip())).isNotEqualTo(spawner.pid());
        assertThat(Long.parseLong(slow.get().stdout().strip())).isEqualTo(spawner.pid());
    }

    @Test
    void signalsIgnoredOrBlockedAreTheSameAsForACommandStartedDirectly() throws Exception {
        String show = "grep -E '^Sig(Ign|Blk)' /proc/self/status";
        // a name bash cannot export sends the command the direct way (ProcessBuilder)
        ExecResult direct = run(Command.builder("sh", "-c", show).env("NOT-AN-IDENTIFIER", "1").build());
        ExecResult forked = run(Command.of("sh", "-c", show));

        assertThat(forked.stdout()).isNotEmpty().isEqualTo(direct.stdout());
    }

    @Test
    void aBashScriptReadByTheForkGivesItsCommandsTheSignalsAndOptionsOfAStartedOne() throws Exception {
        Path script = Files.writeString(Path.of(machine.workDir(), "signals.sh"), """
                grep -E '^Sig(Ign|Blk)' /proc/self/status
                grep -E '^Sig(Ign|Blk)' /proc/self/status & wait
                echo "options $-"
                ( echo "subshell $-" )
                """);

        ExecResult sourced = run(Command.of("bash", script.toString()));
        ExecResult started = run(Command.builder("bash", script.toString()).env("NOT-AN-IDENTIFIER", "1").build());

        assertThat(sourced.stdout()).contains("options").isEqualTo(started.stdout());
    }

    @Test
    void aForkedCommandSeesTheSameEnvironmentAsOneStartedDirectly() throws Exception {
        // a name bash cannot export sends the command the direct way (ProcessBuilder)
        Command direct = Command.builder("env", "-0").env("NOT-AN-IDENTIFIER", "1").env("SAME", "a'b").build();
        Command forked = Command.builder("env", "-0").env("SAME", "a'b").build();

        java.util.Map<String, String> viaProcessBuilder = environment(run(direct).stdout());
        java.util.Map<String, String> viaSpawner = environment(run(forked).stdout());

        assertThat(viaProcessBuilder).containsEntry("NOT-AN-IDENTIFIER", "1");
        for (java.util.Map<String, String> env : List.of(viaProcessBuilder, viaSpawner)) {
            // PWD: the JVM's own for a direct start, the command's directory on a fork (bash keeps it true)
            env.keySet().removeAll(List.of("NOT-AN-IDENTIFIER", ProcessReaper.TOKEN_VARIABLE, "PWD", "_"));
        }
        assertThat(viaSpawner).containsEntry("SAME", "a'b").isEqualTo(viaProcessBuilder);
    }

    @Test
    void aBashScriptIsReadByTheForkItselfAsTheStartedBashWould() throws Exception {
        Path script = Files.writeString(Path.of(machine.workDir(), "show.sh"), """
                printf '%s|%s|%s|%s|%s|%s|%s\\n' "$0" "$#" "$*" "$SHLVL" "${BASH_SOURCE[0]}" "${BASH_EXECUTION_STRING-unset}" "$BASH"
                tr '\\0' ' ' < /proc/$$/cmdline > "$0.cmdline-$1"
                exit 7
                """);

        ExecResult sourced = run(Command.builder("bash", script.toString(), "sourced", "c").env("X", "1").build());
        // a name bash cannot export makes the command start the direct way: a new bash reads the script
        ExecResult started = run(Command.builder("bash", script.toString(), "started", "c")
                .env("NOT-AN-IDENTIFIER", "1").build());

        assertThat(List.of(sourced.exitCode(), started.exitCode())).containsExactly(7, 7);
        int level = Integer.parseInt(System.getenv("SHLVL")) + 1;
        // $BASH: bash as PATH finds it, the name a started bash gives itself
        String bash = run(Command.of("bash", "-c", "command -v bash")).stdout().strip();
        assertThat(bash).startsWith("/");
        assertThat(sourced.stdout()).isEqualTo(script + "|2|sourced c|" + level + "|" + script + "|unset|" + bash + "\n");
        assertThat(started.stdout()).isEqualTo(script + "|2|started c|" + level + "|" + script + "|unset|" + bash + "\n");
        assertThat(Files.readString(Path.of(script + ".cmdline-sourced"))).as("no second bash: the fork read it")
                .contains(machine.workDir() + ".spawn/spawn");
        assertThat(Files.readString(Path.of(script + ".cmdline-started"))).startsWith("bash " + script);
    }

    @Test
    void variablesBashKeepsToItselfStillReachTheCommand() throws Exception {
        ExecResult result = run(Command.builder("printenv", "SHELLOPTS", "UID", "RANDOM")
                .env("SHELLOPTS", "not bash's").env("UID", "12345").env("RANDOM", "4").build());

        assertThat(result.stdout()).isEqualTo("not bash's\n12345\n4\n");
    }

    @Test
    void requestsArePrivateWhileTheCommandRunsAndEmptiedAfterwards() throws Exception {
        Path requests = Path.of(machine.workDir() + ".spawn");
        CompletableFuture<ExecResult> sleeping = CompletableFuture.supplyAsync(() -> {
            try {
                return run(Command.builder("sleep", "2").env("SECRET", "s3cret").build());
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Path request = await().atMost(GENEROUS).until(() -> requestFiles(requests).stream()
                .filter(file -> contains(file, "export SECRET=")).findFirst(), java.util.Optional::isPresent).get();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(request))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(requests))).isEqualTo("rwx------");
        assertThat(Files.readString(request)).contains("export SECRET='s3cret'");

        assertThat(sleeping.get().succeeded()).isTrue();
        // emptied right after the command, off its path
        await().atMost(GENEROUS).untilAsserted(() ->
                assertThat(requestFiles(requests)).allSatisfy(file -> assertThat(file).isEmptyFile()));
    }

    @Test
    void requestFilesAreUsedAgainInsteadOfNewOnesForEveryCommand() throws Exception {
        for (int i = 0; i < 20; i++) {
            assertThat(run(Command.builder("echo", "run " + i).build()).stdout()).isEqualTo("run " + i + "\n");
        }

        // one file serves every command, give or take one still being emptied
        await().atMost(GENEROUS).untilAsserted(() ->
                assertThat(requestFiles(Path.of(machine.workDir() + ".spawn"))).hasSizeLessThanOrEqualTo(3)
                        .allSatisfy(file -> assertThat(file).isEmptyFile()));
    }

    @Test
    void requestFilesThatAKilledProcessLeftAreRemovedAndDoNotStopTheSpawner() throws Exception {
        // a resumed run's machine has the directory of the run that was killed, with its last requests
        Path machines = tmp.resolve("resumed");
        Path requests = Files.createDirectories(machines.resolve("local-1/work.spawn"));
        for (String name : List.of("request-1.sh", "request-2.sh")) {
            Files.writeString(requests.resolve(name), "export SECRET='left behind'\n");
        }
        // a new process numbers its machines from 1 again
        LocalProvisioner again = new LocalProvisioner(new ProvisionContext(RunId.generate(), machines), 1);
        try {
            Machine resumed = again.provision(Deadline.after(GENEROUS));

            ExecResult result = resumed.connection().exec(Command.of("echo", "runs"), Deadline.after(GENEROUS));

            assertThat(result.stdout()).isEqualTo("runs\n");
            await().atMost(GENEROUS).untilAsserted(() -> assertThat(requestFiles(requests))
                    .allSatisfy(file -> assertThat(Files.readString(file)).doesNotContain("left behind")));
        } finally {
            again.close();
        }
    }

    @Test
    void aSpawnerThatDiedIsReplaced() throws Exception {
        run(Command.of("true"));
        ProcessHandle spawner = await().atMost(GENEROUS).until(this::spawner, java.util.Optional::isPresent).get();
        spawner.destroyForcibly();
        await().atMost(GENEROUS).until(() -> !spawner.isAlive());

        ExecResult result = run(Command.of("echo", "still works"));

        assertThat(result.succeeded()).isTrue();
        assertThat(result.stdout()).isEqualTo("still works\n");
        assertThat(spawner().map(ProcessHandle::pid).orElseThrow()).isNotEqualTo(spawner.pid());
    }

    @Test
    void aSpawnerThatDiesUnderACommandEndsItWithAnUnknownStatusAndKillsItsProcesses() throws Exception {
        Path pids = tmp.resolve("pids");
        run(Command.of("true"));
        ProcessHandle spawner = await().atMost(GENEROUS).until(this::spawner, java.util.Optional::isPresent).get();
        CompletableFuture<ExecResult> running = sleeperWritingItsPid(pids);

        spawner.destroyForcibly();

        ExecResult result = running.get();
        assertThat(result.exitCode()).isEqualTo(-1);
        assertThat(result.stderr()).contains("died");
        assertAllDead(pids);
        assertThat(run(Command.of("echo", "next")).stdout()).isEqualTo("next\n");
    }

    @Test
    void closingTheMachineKillsTheSpawner() throws Exception {
        run(Command.of("true"));
        ProcessHandle spawner = await().atMost(GENEROUS).until(this::spawner, java.util.Optional::isPresent).get();

        machine.close();

        await().atMost(GENEROUS).until(() -> !spawner.isAlive());
        assertThat(Path.of(machine.workDir() + ".spawn")).doesNotExist();
    }

    /** Runs a command that writes its pid to {@code pids} and sleeps; returns once the pid is written. */
    private CompletableFuture<ExecResult> sleeperWritingItsPid(Path pids) {
        CompletableFuture<ExecResult> running = CompletableFuture.supplyAsync(() -> {
            try {
                return run(Command.of("bash", "-c", "echo $$ >> \"$1\"; sleep 1000", "bash", pids.toString()));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(GENEROUS).until(() -> Files.exists(pids) && Files.readAllLines(pids).size() == 1);
        return running;
    }

    /** The process that starts this machine's commands. */
    private java.util.Optional<ProcessHandle> spawner() {
        return ProcessHandle.current().children()
                .filter(p -> p.info().arguments().map(a -> a[a.length - 1].startsWith(machine.workDir() + ".spawn/"))
                        .orElse(false))
                .findFirst();
    }

    private static boolean contains(Path file, String text) {
        try {
            return Files.readString(file).contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    private static List<Path> requestFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var files = Files.list(dir)) {
            return files.filter(file -> file.getFileName().toString().startsWith("request-")).toList();
        }
    }

    private static java.util.Map<String, String> environment(String nulSeparated) {
        java.util.Map<String, String> env = new java.util.HashMap<>();
        for (String entry : nulSeparated.split("\0")) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                env.put(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        return env;
    }

    @Test
    void scriptsWrittenOnSomeMachinesWhileOthersStartProcessesAreNeverBusyWhenRun() throws Exception {
        // A process started while another thread holds a file open for writing inherits the open file until it
        // execs; executing that file then fails with ETXTBSY ("Text file busy", exit 126). Machines write each
        // test's script just before running it, while the other machines start their spawners or direct commands.
        int machines = 8;
        LocalProvisioner pool = new LocalProvisioner(new ProvisionContext(RunId.generate(), tmp.resolve("pool")),
                machines);
        try {
            List<Machine> all = new ArrayList<>();
            for (int i = 0; i < machines; i++) {
                all.add(pool.provision(Deadline.after(GENEROUS)));
            }
            List<Integer> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Thread> threads = new ArrayList<>();
            for (Machine m : all) {
                threads.add(Thread.ofVirtual().start(() -> {
                    try {
                        for (int i = 0; i < 60; i++) {
                            String dir = m.workDir() + "/t" + i;
                            m.connection().write(dir, List.of(FileContent.executable("test.sh",
                                    "#!/bin/sh\nexit 0\n".getBytes(StandardCharsets.UTF_8))), Deadline.after(GENEROUS));
                            ExecResult r = m.connection().exec(Command.of(dir + "/test.sh"), Deadline.after(GENEROUS));
                            if (r.exitCode() != 0) {
                                failures.add(r.exitCode());
                            }
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }

            assertThat(failures).isEmpty();
        } finally {
            pool.close();
        }
    }

    @Test
    void slotsAreLimitedAndEachMachineHasItsOwnWorkDirectory() throws Exception {
        Machine second = provisioner.provision(Deadline.after(GENEROUS));
        assertThat(second.id()).isNotEqualTo(machine.id());
        assertThat(second.workDir()).isNotEqualTo(machine.workDir());
        assertThat(provisioner.capacity()).hasValue(2);
        assertThat(provisioner.how()).isEqualTo("local");

        assertThatThrownBy(() -> provisioner.provision(Deadline.after(Duration.ofMillis(200))))
                .isInstanceOf(ProvisionException.class).hasMessageContaining("2 local slots");

        CompletableFuture<Machine> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return provisioner.provision(Deadline.after(GENEROUS));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        second.close();
        Machine third = waiting.get();
        assertThat(third.id()).isEqualTo("local-3");
        assertThat(third.isAlive(Deadline.after(GENEROUS))).isTrue();
        assertThat(third.can(dev.corral.machine.Capability.REBOOT)).isFalse();
        assertThatThrownBy(() -> third.reboot(false, Deadline.after(GENEROUS)))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    private static void assertSameTree(Path expected, Path actual) throws IOException {
        try (var paths = Files.walk(expected)) {
            for (Path path : paths.toList()) {
                Path other = actual.resolve(expected.relativize(path).toString());
                if (Files.isSymbolicLink(path)) {
                    assertThat(Files.isSymbolicLink(other)).as("symlink %s", other).isTrue();
                    assertThat(Files.readSymbolicLink(other)).isEqualTo(Files.readSymbolicLink(path));
                    continue;
                }
                assertThat(Files.getPosixFilePermissions(other, LinkOption.NOFOLLOW_LINKS)).as("mode of %s", other)
                        .isEqualTo(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
                if (Files.isRegularFile(path)) {
                    assertThat(other).hasSameBinaryContentAs(path);
                } else {
                    assertThat(other).isDirectory();
                }
            }
        }
    }

    private static void assertAllDead(Path pidFile) throws IOException {
        List<Long> pids = Files.readAllLines(pidFile).stream().map(String::strip).map(Long::parseLong).toList();
        assertThat(pids).isNotEmpty();
        await().atMost(GENEROUS).untilAsserted(() -> {
            for (long pid : pids) {
                assertThat(isRunning(pid)).as("process %d still running", pid).isFalse();
            }
        });
    }

    /** Whether a process exists and is not a zombie. */
    static boolean isRunning(long pid) throws IOException {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        if (!Files.exists(stat)) {
            return false;
        }
        try {
            String text = Files.readString(stat);
            char state = text.charAt(text.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false;
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
