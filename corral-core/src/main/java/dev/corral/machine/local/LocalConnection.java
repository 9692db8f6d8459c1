package dev.corral.machine.local;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

import dev.corral.CorralException;
import dev.corral.Deadline;
import dev.corral.files.TreeCopy;
import dev.corral.machine.Signals;
import dev.corral.machine.BoundedCapture;
import dev.corral.machine.OutputPump;
import dev.corral.machine.Command;
import dev.corral.machine.CommandFailedException;
import dev.corral.machine.Connection;
import dev.corral.machine.ConnectionException;
import dev.corral.machine.ExecResult;
import dev.corral.machine.FileContent;

import org.slf4j.Logger;

/**
 * Runs commands as local processes of the JVM's user, with the JVM's environment plus the command's variables.
 *
 * <p>A command is a fork of the machine's {@link Spawner}, in a process group of its own in the spawner's session;
 * one the spawner cannot run (standard input, or a second command at once) runs in a session of its own ({@code
 * setsid}). Each carries a unique {@value ProcessReaper#TOKEN_VARIABLE} in its environment. Nothing a command starts
 * outlives it: when it ends, times out, is interrupted or the machine is closed, its process, its session (the
 * spawner excepted) and every process carrying its token are killed ({@link ProcessReaper}).
 * Relative paths and a missing working directory resolve against the machine's work directory.
 */
final class LocalConnection implements Connection {
    /** How long output pumps may take to drain after the command's processes are gone. */
    private static final Duration DRAIN_LIMIT = Duration.ofSeconds(10);
    private static final File DEV_NULL = new File("/dev/null");

    private final LocalMachine machine;
    private final String setsid;
    private final String tokenPrefix;
    private final Logger log;
    private final Set<Running> running = ConcurrentHashMap.newKeySet();
    /** The JVM's environment, which every command inherits. */
    private final Map<String, String> jvmEnvironment = System.getenv();
    /** The bash of the spawner (found once: the JVM's PATH does not change), or {@code null} when PATH has none. */
    private final String bash = SpawnRequest.executable("bash", jvmEnvironment.get("PATH"));
    /** The files the spawner's commands read their requests from: beside the work directory, private to it. */
    private final RequestFiles requests;
    /** The machine's spawner, or {@code null} before the first command; guarded by {@code this}. */
    private Spawner spawner;

    LocalConnection(LocalMachine machine, String tokenPrefix, String setsid, Logger log) {
        this.tokenPrefix = tokenPrefix;
        this.machine = machine;
        this.setsid = setsid;
        this.log = log;
        this.requests = new RequestFiles(
                machine.workPath().resolveSibling(machine.workPath().getFileName() + ".spawn"));
    }

    @Override
    public ExecResult exec(Command command, Deadline deadline) throws InterruptedException {
        ensureOpen(command);
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        validateEnvironment(command);
        Path directory = resolve(command.cwd() == null ? "." : command.cwd());
        String program = command.argv().getFirst();
        // bash, the program of every test, is looked up once: PATH is the JVM's, which does not change
        String executable = program.equals("bash") && bash != null ? bash
                : SpawnRequest.executable(program, jvmEnvironment.get("PATH"));
        String token = newToken();
        if (command.stdin() == null) {
            String request = SpawnRequest.render(command, directory, jvmEnvironment, executable, bash, token);
            ExecResult result = request == null ? null : execOnSpawner(command, deadline, token, request);
            if (result != null) {
                return result;
            }
        }
        List<String> argv = new ArrayList<>(command.argv().size() + 2);
        argv.add(setsid);
        argv.add("--wait");
        argv.addAll(command.argv());
        ProcessBuilder builder = new ProcessBuilder(argv)
                .directory(directory.toFile())
                .redirectErrorStream(command.mergeStderr());
        Map<String, String> environment = builder.environment();
        environment.putAll(command.env());
        environment.put(ProcessReaper.TOKEN_VARIABLE, token);
        byte[] stdin = command.stdin();
        if (stdin == null) {
            builder.redirectInput(ProcessBuilder.Redirect.from(DEV_NULL));
        }

        long startNanos = System.nanoTime();
        ProcessReaper.Started started;
        try {
            started = ProcessReaper.start(builder);
        } catch (IOException e) {
            return startFailure(command, e, startNanos);
        }
        Process process = started.process();
        Running run = new Running(() -> ProcessReaper.kill(process, started.birth(), token, log));
        running.add(run);
        if (machine.isClosed()) {
            // closed while the process started: killAll() may have missed it
            run.killedByClose = true;
            run.kill();
        }
        try {
            return await(command, deadline, process, run, stdin, startNanos);
        } finally {
            running.remove(run);
        }
    }

    /**
     * Runs the command as a fork of the machine's spawner. {@code null} when the spawner is taken by another command,
     * cannot start or died before it read the command: the command is then started the direct way.
     */
    private ExecResult execOnSpawner(Command command, Deadline deadline, String token, String request)
            throws InterruptedException {
        long startNanos = System.nanoTime();
        Spawner spawner = takeSpawner();
        if (spawner == null) {
            return null;
        }
        Path file;
        try {
            file = requests.take();
        } catch (IOException e) {
            spawner.release();
            return null;
        }
        try {
            RequestFiles.write(file, request.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            spawner.release();
            requests.release(file);
            return startFailure(command, e, startNanos);
        }
        BoundedCapture stdoutCapture = command.stdout() == null ? new BoundedCapture() : null;
        BoundedCapture stderrCapture = command.stderr() == null && !command.mergeStderr() ? new BoundedCapture() : null;
        OutputStream out = command.stdout() != null ? command.stdout() : stdoutCapture;
        OutputStream err = command.mergeStderr() ? null : command.stderr() != null ? command.stderr() : stderrCapture;
        ProcessReaper.Birth birth = ProcessReaper.birthNow(spawner.startTicks);
        long pidFloor = ProcessReaper.lastPid();
        Running run = new Running(() -> ProcessReaper.killSession(spawner.session, pidFloor, birth, token, log));
        running.add(run);
        try {
            spawner.run(file, out, err);
            if (machine.isClosed()) {
                // closed while the command started: killAll() may have missed it
                run.killedByClose = true;
                run.kill();
            }
            Integer status;
            boolean timedOut = false;
            try {
                status = awaitStatus(spawner, deadline);
                if (status == null) {
                    timedOut = true;
                    run.kill();
                    status = awaitEnd(spawner);
                }
            } catch (InterruptedException e) {
                int killed = run.kill();
                log.debug("interrupted: killed {} processes of {}", killed, command);
                awaitStderrEnd(spawner, awaitEnd(spawner));
                throw e;
            }
            // the command ended or timed out: nothing it started may survive it
            int killed = run.kill();
            awaitStderrEnd(spawner, status);
            if (killed > 0 && status != MarkedStream.CLOSED) {
                // what the killed processes wrote before they died belongs to this command, not to the next one
                // (the command's status is known: a spawner out of step after it is only replaced)
                try {
                    spawner.sync(out, err);
                    awaitStderrEnd(spawner, awaitEnd(spawner));
                } catch (IOException e) {
                    spawner.discard();
                }
            }
            if (run.killedByClose) {
                throw new ConnectionException("local machine " + machine.id() + " was closed while running " + command);
            }
            if (status == MarkedStream.CLOSED) {
                spawner.discard();
                run.kill();
                return lostSpawner(command, err, startNanos, stdoutCapture, stderrCapture);
            }
            return ended(command, status, timedOut, killed, startNanos, stdoutCapture, stderrCapture);
        } catch (IOException e) {
            // the spawner died before it read the request: the command did not start, and starts the direct way
            log.debug("the spawner of {} is gone ({}); starting {} directly", machine.id(), e.getMessage(), command);
            spawner.discard();
            run.kill();
            return null;
        } finally {
            running.remove(run);
            spawner.release();
            // emptied off the command's path: the file is written and its blocks freed on the other core
            Thread.ofVirtual().name("request-" + machine.id()).start(() -> requests.release(file));
        }
    }

    /** Waits for the command's exit status until the deadline; {@code null} when it passed first. */
    private static Integer awaitStatus(Spawner spawner, Deadline deadline) throws InterruptedException {
        if (deadline.isNone()) {
            Integer status;
            do {
                status = spawner.awaitStatus(TimeUnit.HOURS.toNanos(1));
            } while (status == null);
            return status;
        }
        while (true) {
            long left = deadline.remainingNanos();
            Integer status = spawner.awaitStatus(Math.max(0, Math.min(left, TimeUnit.HOURS.toNanos(1))));
            if (status != null || left <= 0) {
                return status;
            }
        }
    }

    /**
     * Waits, whatever the interrupt flag, for the end marker of a command whose processes were killed; a spawner
     * that does not write it in time is out of step and discarded. {@link MarkedStream#CLOSED} then.
     */
    private Integer awaitEnd(Spawner spawner) {
        boolean interrupted = Thread.interrupted();
        long until = System.nanoTime() + DRAIN_LIMIT.toNanos();
        try {
            while (true) {
                try {
                    Integer status = spawner.awaitStatus(Math.max(0, until - System.nanoTime()));
                    if (status == null) {
                        log.warn("the spawner of {} did not report its command's end {} after its processes were "
                                + "killed; starting another", machine.id(), DRAIN_LIMIT);
                        spawner.discard();
                        return MarkedStream.CLOSED;
                    }
                    return status;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Waits for the end marker on standard error, which follows the one on standard output; {@code status}, or
     * {@link MarkedStream#CLOSED} when the spawner is out of step (it is then discarded).
     */
    private Integer awaitStderrEnd(Spawner spawner, Integer status) {
        if (status == MarkedStream.CLOSED) {
            return status;
        }
        boolean interrupted = Thread.interrupted();
        try {
            if (!spawner.awaitStderrEnd(DRAIN_LIMIT.toNanos())) {
                spawner.discard();
                return MarkedStream.CLOSED;
            }
            return status;
        } catch (InterruptedException e) {
            interrupted = true;
            spawner.discard();
            return MarkedStream.CLOSED;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The result of a command whose spawner died under it: its exit status is unknown. */
    private ExecResult lostSpawner(Command command, OutputStream err, long startNanos, BoundedCapture stdoutCapture,
                                   BoundedCapture stderrCapture) {
        String message = "corral: the process that started " + command.argv().getFirst() + " died; its exit status "
                + "is unknown\n";
        OutputStream sink = err != null ? err : command.stdout();
        if (sink != null) {
            try {
                sink.write(message.getBytes(StandardCharsets.UTF_8));
                sink.flush();
            } catch (IOException ignored) {
                // the sink's owner sees its own failure
            }
        }
        return new ExecResult(-1, null, false, stdoutCapture == null ? "" : stdoutCapture.text(),
                stderrCapture == null ? "" : stderrCapture.text(), Duration.ofNanos(System.nanoTime() - startNanos));
    }

    /** The machine's spawner, started when there is none (or it died); {@code null} when busy or not startable. */
    private Spawner takeSpawner() {
        Spawner current;
        synchronized (this) {
            current = spawner;
        }
        if (current != null && current.tryAcquire()) {
            return current;
        }
        if (current != null && !current.isBroken()) {
            return null; // another command runs on it
        }
        Spawner started = startSpawner();
        return started != null && started.tryAcquire() ? started : null;
    }

    /** Starts the spawner now, so that the first command does not wait for it. */
    void startSpawnerAhead() {
        Thread.ofVirtual().name("spawner-" + machine.id()).start(this::startSpawner);
    }

    /** The live spawner, or a new one in place of a broken one; {@code null} when none can start. */
    private synchronized Spawner startSpawner() {
        if (spawner != null && !spawner.isBroken()) {
            return spawner;
        }
        if (machine.isClosed() || bash == null) {
            return null;
        }
        try {
            Spawner started = Spawner.start(setsid, bash, requests.spawnScript(), machine.workPath(), log);
            if (spawner != null) {
                spawner.discard();
            }
            spawner = started;
            return started;
        } catch (IOException e) {
            log.debug("cannot start a spawner: {}", e.getMessage());
            return null;
        }
    }

    /**
     * A token no other command carries: the run's prefix and 128 random bits. Not a secret (any process of the
     * user can read another's environment), so not from {@code SecureRandom}, whose set-up cost a run ~15 ms.
     */
    private String newToken() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return tokenPrefix + new UUID(random.nextLong(), random.nextLong());
    }

    private static void validateEnvironment(Command command) {
        command.env().forEach((name, value) -> {
            if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0 || value.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("invalid environment variable '" + name + "' for " + command
                        + ": names must not contain '=' or NUL, values must not contain NUL");
            }
        });
    }

    private ExecResult await(Command command, Deadline deadline, Process process, Running run, byte[] stdin,
                             long startNanos) throws InterruptedException {
        BoundedCapture stdoutCapture = command.stdout() == null ? new BoundedCapture() : null;
        BoundedCapture stderrCapture = command.stderr() == null && !command.mergeStderr() ? new BoundedCapture() : null;
        List<Thread> pumps = new ArrayList<>(3);
        pumps.add(pump(process.getInputStream(), command.stdout() != null ? command.stdout() : stdoutCapture));
        if (!command.mergeStderr()) {
            pumps.add(pump(process.getErrorStream(), command.stderr() != null ? command.stderr() : stderrCapture));
        }
        if (stdin != null) {
            Thread.ofVirtual().name("stdin-" + process.pid()).start(() -> feed(process.getOutputStream(), stdin));
        } else {
            closeQuietly(process.getOutputStream());
        }

        boolean timedOut = false;
        try {
            timedOut = !waitFor(process, deadline);
        } catch (InterruptedException e) {
            int killed = run.kill();
            log.debug("interrupted: killed {} processes of {}", killed, command);
            drain(pumps, command);
            throw e;
        }
        // the command ended or timed out: nothing it started may survive it
        int killed = run.kill();
        drain(pumps, command);
        if (run.killedByClose) {
            throw new ConnectionException("local machine " + machine.id() + " was closed while running " + command);
        }
        return ended(command, process.exitValue(), timedOut, killed, startNanos, stdoutCapture, stderrCapture);
    }

    /** The result of a command that ended (or timed out) and whose processes were killed. */
    private ExecResult ended(Command command, int status, boolean timedOut, int killed, long startNanos,
                             BoundedCapture stdoutCapture, BoundedCapture stderrCapture) {
        Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
        if (timedOut) {
            log.debug("{} timed out after {}; killed {} processes", command, took, killed);
        } else if (killed > 0) {
            log.debug("{} left {} processes behind; killed them", command, killed);
        }
        return new ExecResult(status, Signals.fromExitStatus(status), timedOut,
                stdoutCapture == null ? "" : stdoutCapture.text(),
                stderrCapture == null ? "" : stderrCapture.text(), took);
    }

    /** Waits until the process exits ({@code true}) or the deadline expires ({@code false}). */
    private static boolean waitFor(Process process, Deadline deadline) throws InterruptedException {
        if (deadline.isNone()) {
            process.waitFor();
            return true;
        }
        while (true) {
            long left = deadline.remainingNanos();
            if (left <= 0) {
                return !process.isAlive();
            }
            if (process.waitFor(Math.min(left, TimeUnit.HOURS.toNanos(1)), TimeUnit.NANOSECONDS)) {
                return true;
            }
        }
    }

    private Thread pump(InputStream from, OutputStream to) {
        return Thread.ofVirtual().name("pump").start(() -> OutputPump.copy(from, to, log));
    }

    private static void feed(OutputStream stdin, byte[] bytes) {
        try (stdin) {
            stdin.write(bytes);
        } catch (IOException e) {
            // the command exited without reading all of its input
        }
    }

    /** Waits for the output pumps; their writers are all dead, so they end once the pipes are drained. */
    private void drain(List<Thread> pumps, Command command) {
        boolean interrupted = Thread.interrupted();
        long until = System.nanoTime() + DRAIN_LIMIT.toNanos();
        try {
            for (Thread pump : pumps) {
                while (pump.isAlive()) {
                    long left = until - System.nanoTime();
                    if (left <= 0) {
                        log.warn("output of {} still open {} after its processes were killed; not waiting for it",
                                command, DRAIN_LIMIT);
                        return;
                    }
                    try {
                        pump.join(Duration.ofNanos(left));
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private ExecResult startFailure(Command command, IOException e, long startNanos) {
        String message = "corral: cannot run " + command.argv().getFirst() + ": " + e.getMessage() + "\n";
        OutputStream sink = command.mergeStderr() ? command.stdout() : command.stderr();
        if (sink != null) {
            try {
                sink.write(message.getBytes(StandardCharsets.UTF_8));
                sink.flush();
            } catch (IOException ignored) {
                // the sink's owner sees its own failure
            }
        }
        Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
        String stdout = command.mergeStderr() && sink == null ? message : "";
        String stderr = !command.mergeStderr() && sink == null ? message : "";
        return new ExecResult(127, null, false, stdout, stderr, took);
    }

    @Override
    public void upload(Path source, String target, Deadline deadline) throws InterruptedException {
        ensureOpen("upload to " + target);
        if (!Files.exists(source, LinkOption.NOFOLLOW_LINKS)) {
            throw new CorralException("cannot upload " + source + ": no such file or directory");
        }
        copy(source, resolve(target), deadline, "upload of " + source + " to " + target);
    }

    /** Writes the files in place: the machine's files are this host's. */
    @Override
    public void write(String target, List<FileContent> files, Deadline deadline) throws InterruptedException {
        ensureOpen("write to " + target);
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        Path dir = resolve(target);
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
            }
            for (FileContent file : files) {
                file.writeTo(dir.resolve(file.path()).normalize());
            }
        } catch (IOException e) {
            throw new CommandFailedException("write to " + target, failure(1, false, e.toString(), System.nanoTime()));
        }
    }

    @Override
    public void download(String source, Path target, Deadline deadline) throws InterruptedException {
        ensureOpen("download of " + source);
        copy(resolve(source), target, deadline, "download of " + source + " to " + target);
    }

    private void copy(Path from, Path to, Deadline deadline, String what) throws InterruptedException {
        long startNanos = System.nanoTime();
        try {
            TreeCopy.copy(from, to, deadline);
        } catch (NoSuchFileException e) {
            throw new CommandFailedException(what, failure(1, false, from + ": No such file or directory", startNanos));
        } catch (InterruptedIOException e) {
            throw new CommandFailedException(what, failure(-1, true, e.getMessage(), startNanos));
        } catch (IOException e) {
            throw new CommandFailedException(what, failure(1, false, e.toString(), startNanos));
        }
    }

    private static ExecResult failure(int status, boolean timedOut, String message, long startNanos) {
        return new ExecResult(status, null, timedOut, "", message, Duration.ofNanos(System.nanoTime() - startNanos));
    }

    /** Kills every running command, and the spawner; the commands end with a {@link ConnectionException}. */
    void killAll() {
        for (Running run : running) {
            run.killedByClose = true;
            run.kill();
        }
        Spawner last;
        synchronized (this) {
            last = spawner;
            spawner = null;
        }
        if (last != null) {
            last.discard();
        }
        requests.delete();
    }

    private Path resolve(String path) {
        return machine.workPath().resolve(path).normalize();
    }

    private void ensureOpen(Object what) {
        if (machine.isClosed()) {
            throw new ConnectionException("local machine " + machine.id() + " is closed; cannot run " + what);
        }
    }

    private static void closeQuietly(OutputStream stream) {
        try {
            stream.close();
        } catch (IOException ignored) {
            // nothing to release
        }
    }

    /** A command in flight, and how to kill everything it started. */
    private static final class Running {
        private final IntSupplier killer;
        volatile boolean killedByClose;

        Running(IntSupplier killer) {
            this.killer = killer;
        }

        /** Kills the command's processes; how many were signalled. */
        int kill() {
            return killer.getAsInt();
        }
    }
}
