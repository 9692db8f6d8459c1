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
 * <p>Every command runs in its own session ({@code setsid}) and carries a unique {@value ProcessReaper#TOKEN_VARIABLE}
 * in its environment. Nothing a command starts outlives it: when it ends, times out, is interrupted or the machine
 * is closed, its process, its session and every process carrying its token are killed ({@link ProcessReaper}).
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
    /** The bash runners run (found once: the JVM's PATH does not change), or {@code null} when PATH has none. */
    private final String bash = RunnerRequest.executable("bash", jvmEnvironment.get("PATH"));
    /** The files runners read their requests from: beside the work directory, private to the machine. */
    private final RequestFiles requests;
    /** The runner started for the next command, or {@code null}; guarded by {@code this}. */
    private Runner idle;
    /** Whether a runner is being started for the next command; guarded by {@code this}. */
    private boolean starting;

    LocalConnection(LocalMachine machine, String tokenPrefix, String setsid, Logger log) {
        this.tokenPrefix = tokenPrefix;
        this.machine = machine;
        this.setsid = setsid;
        this.log = log;
        this.requests = new RequestFiles(
                machine.workPath().resolveSibling(machine.workPath().getFileName() + ".runner"));
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
                : RunnerRequest.executable(program, jvmEnvironment.get("PATH"));
        String request = RunnerRequest.render(command, directory, jvmEnvironment, executable, bash);
        if (request != null) {
            return execOnRunner(command, deadline, request);
        }
        String token = newToken();
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
        Running run = new Running(process, started.birth(), token);
        running.add(run);
        if (machine.isClosed()) {
            // closed while the process started: killAll() may have missed it
            run.killedByClose = true;
            ProcessReaper.kill(process, run.birth, token, log);
        }
        try {
            return await(command, deadline, run, stdin, startNanos);
        } finally {
            running.remove(run);
        }
    }

    /** The command becomes the runner started ahead of it; the next runner starts while it runs. */
    private ExecResult execOnRunner(Command command, Deadline deadline, String request) throws InterruptedException {
        long startNanos = System.nanoTime();
        Runner runner;
        try {
            runner = takeRunner();
        } catch (IOException e) {
            return startFailure(command, e, startNanos);
        }
        Running run = new Running(runner.process, runner.birth, runner.token);
        running.add(run);
        try {
            IOException notStarted = null;
            try {
                runner.go(request);
            } catch (IOException e) {
                notStarted = e;
            }
            // the next command's runner starts while this one runs, not before it
            startNextRunner();
            if (notStarted != null) {
                // the runner died before its command: the command did not start
                ProcessReaper.kill(runner.process, runner.birth, runner.token, log);
                return startFailure(command, notStarted, startNanos);
            }
            if (machine.isClosed()) {
                // closed while the command started: killAll() may have missed it
                run.killedByClose = true;
                ProcessReaper.kill(runner.process, runner.birth, runner.token, log);
            }
            return await(command, deadline, run, command.stdin(), startNanos);
        } finally {
            running.remove(run);
            // emptied off the command's path: the file is written and its blocks freed on the other core
            Path used = runner.request();
            Thread.ofVirtual().name("request-" + machine.id()).start(() -> requests.release(used));
        }
    }

    /** The runner started ahead, or a new one when none is ready (the first command, or one died). */
    private Runner takeRunner() throws IOException {
        Runner ready;
        synchronized (this) {
            ready = idle;
            idle = null;
        }
        if (ready != null && ready.process.isAlive()) {
            return ready;
        }
        if (ready != null) {
            log.debug("runner {} died while waiting (exit {}); starting another", ready.process.pid(),
                    ready.process.exitValue());
            requests.release(ready.request());
        }
        return startRunner();
    }

    /** Starts the runner for the next command in the background, unless one is ready or starting. */
    void startNextRunner() {
        synchronized (this) {
            if (idle != null || starting || machine.isClosed()) {
                return;
            }
            starting = true;
        }
        Thread.ofVirtual().name("runner-" + machine.id()).start(() -> {
            Runner next = null;
            try {
                next = startRunner();
            } catch (IOException e) {
                log.debug("cannot start a runner ahead: {}", e.getMessage());
            } finally {
                boolean keep;
                synchronized (this) {
                    starting = false;
                    keep = next != null && idle == null && !machine.isClosed();
                    if (keep) {
                        idle = next;
                    }
                }
                if (next != null && !keep) {
                    ProcessReaper.kill(next.process, next.birth, next.token, log);
                    requests.release(next.request());
                }
                if (machine.isClosed()) {
                    requests.delete();
                }
            }
        });
    }

    private Runner startRunner() throws IOException {
        if (bash == null) {
            throw new IOException("bash not found in PATH");
        }
        Path request = requests.take();
        try {
            return Runner.start(setsid, bash, newToken(), request, machine.workPath());
        } catch (IOException | RuntimeException e) {
            requests.release(request);
            throw e;
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

    private ExecResult await(Command command, Deadline deadline, Running run, byte[] stdin, long startNanos)
            throws InterruptedException {
        Process process = run.process;
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
            int killed = ProcessReaper.kill(process, run.birth, run.token, log);
            log.debug("interrupted: killed {} processes of {}", killed, command);
            drain(pumps, command);
            throw e;
        }
        // the command ended or timed out: nothing it started may survive it
        int killed = ProcessReaper.kill(process, run.birth, run.token, log);
        drain(pumps, command);
        if (run.killedByClose) {
            throw new ConnectionException("local machine " + machine.id() + " was closed while running " + command);
        }
        int status = process.exitValue();
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

    /** Kills every running command; they end with a {@link ConnectionException}. */
    void killAll() {
        for (Running run : running) {
            run.killedByClose = true;
            ProcessReaper.kill(run.process, run.birth, run.token, log);
        }
        Runner unused;
        synchronized (this) {
            unused = idle;
            idle = null;
        }
        if (unused != null) {
            ProcessReaper.kill(unused.process, unused.birth, unused.token, log);
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

    /** A command in flight. */
    private static final class Running {
        final Process process;
        final ProcessReaper.Birth birth;
        final String token;
        volatile boolean killedByClose;

        Running(Process process, ProcessReaper.Birth birth, String token) {
            this.process = process;
            this.birth = birth;
            this.token = token;
        }
    }
}
