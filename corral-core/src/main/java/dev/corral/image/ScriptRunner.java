package dev.corral.image;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.corral.Deadline;
import dev.corral.files.FileTrees;

/**
 * Runs one of the builder scripts shipped as resources of this package: extracts it (with the shared library) to a
 * temporary directory, runs it with bash, streams its stderr to a log consumer and returns the last line of its
 * stdout. On interrupt or timeout the whole process tree gets SIGTERM, a grace period to clean up, then SIGKILL.
 */
final class ScriptRunner {
    static final int TAIL_LINES = 25;
    static final String LIBRARY = "image-lib.sh";

    private static final Logger LOG = LoggerFactory.getLogger("corral.image");
    private static final Duration READER_JOIN = Duration.ofSeconds(5);

    private final Duration grace;

    ScriptRunner(Duration grace) {
        this.grace = grace;
    }

    /**
     * Runs {@code script} to completion and returns the last non-blank line it printed on stdout.
     *
     * @param what what is being built, for messages ("the VM image")
     */
    String run(String script, List<String> args, Map<String, String> env, Consumer<String> log, Deadline deadline,
            String what) throws InterruptedException {
        Path dir = extract(script);
        try {
            return execute(dir.resolve(script), args, env, log, deadline, what);
        } finally {
            FileTrees.deleteQuietly(dir);
        }
    }

    private String execute(Path script, List<String> args, Map<String, String> env, Consumer<String> log,
            Deadline deadline, String what) throws InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("bash");
        command.add(script.toString());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectInput(new File("/dev/null"));
        builder.environment().putAll(env);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new ImageBuildException("Building " + what + " failed: cannot start bash (" + e.getMessage()
                    + "); install bash and retry", e);
        }
        Deque<String> tail = new ArrayDeque<>();
        List<String> stdout = new ArrayList<>();
        Thread errReader = Thread.ofVirtual().name("corral-image-stderr").start(
                () -> readLines(process.getErrorStream(), line -> {
                    remember(tail, line);
                    deliver(log, line);
                }));
        Thread outReader = Thread.ofVirtual().name("corral-image-stdout").start(
                () -> readLines(process.getInputStream(), line -> {
                    synchronized (stdout) {
                        stdout.add(line);
                    }
                }));
        boolean finished;
        try {
            finished = process.waitFor(deadline.remainingNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            killTree(process);
            throw e;
        }
        if (!finished) {
            killTree(process);
        }
        errReader.join(READER_JOIN);
        outReader.join(READER_JOIN);
        List<String> last;
        synchronized (tail) {
            last = List.copyOf(tail);
        }
        if (!finished) {
            throw new ImageBuildException("Building " + what + " timed out and was stopped; give it more time (a first "
                    + "build downloads packages)" + describe(last), last);
        }
        int exit = process.exitValue();
        if (exit != 0) {
            throw new ImageBuildException("Building " + what + " failed (exit " + exit + "): " + lastError(last)
                    + describe(last), last);
        }
        synchronized (stdout) {
            for (int i = stdout.size() - 1; i >= 0; i--) {
                if (!stdout.get(i).isBlank()) {
                    return stdout.get(i).strip();
                }
            }
        }
        throw new ImageBuildException("Building " + what + " printed no result; this is a bug in " + script.getFileName()
                + describe(last), last);
    }

    /** SIGTERM to the process and all its descendants, a grace period, then SIGKILL to whatever is left. */
    void killTree(Process process) {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        process.destroy();
        tree.forEach(ProcessHandle::destroy);
        boolean interrupted = false;
        try {
            if (!process.waitFor(grace.toNanos(), TimeUnit.NANOSECONDS)) {
                tree.addAll(process.descendants().toList());
            }
        } catch (InterruptedException e) {
            interrupted = true;
            tree.addAll(process.descendants().toList());
        }
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static Path extract(String script) {
        try {
            Path dir = Files.createTempDirectory("corral-image-");
            for (String name : List.of(LIBRARY, script)) {
                try (InputStream in = ScriptRunner.class.getResourceAsStream(name)) {
                    if (in == null) {
                        FileTrees.deleteQuietly(dir);
                        throw new ImageBuildException("Builder script " + name + " is missing from the classpath "
                                + "(dev/corral/image/); the corral-core jar is incomplete", List.of());
                    }
                    Path target = dir.resolve(name);
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
                }
            }
            return dir;
        } catch (IOException e) {
            throw new ImageBuildException("Cannot extract builder script " + script + " to a temporary directory: "
                    + e.getMessage() + "; check java.io.tmpdir", e);
        }
    }

    private static void readLines(InputStream in, Consumer<String> sink) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                sink.accept(line);
            }
        } catch (IOException e) {
            // The stream closes when the process is killed; nothing more to read.
        }
    }

    private static void remember(Deque<String> tail, String line) {
        synchronized (tail) {
            if (tail.size() == TAIL_LINES) {
                tail.removeFirst();
            }
            tail.addLast(line);
        }
    }

    private static void deliver(Consumer<String> log, String line) {
        try {
            log.accept(line);
        } catch (RuntimeException e) {
            LOG.warn("image build log consumer failed on a line; the build goes on", e);
        }
    }

    private static String lastError(List<String> last) {
        for (int i = last.size() - 1; i >= 0; i--) {
            String line = last.get(i);
            int at = line.indexOf(": error: ");
            if (at >= 0) {
                return line.substring(at + ": error: ".length());
            }
        }
        return last.isEmpty() ? "no output" : last.getLast();
    }

    private static String describe(List<String> last) {
        return last.isEmpty() ? "" : "\nLast output lines:\n  " + String.join("\n  ", last);
    }

}
