package dev.corral.machine.podman;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import dev.corral.CorralException;
import dev.corral.Deadline;
import dev.corral.machine.HostProcesses;

/**
 * The {@code podman} command line on this host: starts clients and runs short podman commands to completion.
 * Thread-safe and stateless apart from the binary's name.
 */
final class PodmanCli {
    private static final File DEV_NULL = new File("/dev/null");
    /** How long an uninterruptible clean-up command (rm, kill) may take. */
    static final Duration CLEANUP_LIMIT = Duration.ofSeconds(60);

    private final String binary;

    PodmanCli(String binary) {
        this.binary = Objects.requireNonNull(binary, "binary must not be null");
    }

    /** The {@code podman} found on {@code PATH}. */
    static PodmanCli onPath() {
        return new PodmanCli("podman");
    }

    String binary() {
        return binary;
    }

    /** How one podman command ended. */
    record Result(List<String> args, int exitCode, boolean timedOut, String stdout, String stderr) {
        boolean ok() {
            return exitCode == 0 && !timedOut;
        }

        /** Podman's own explanation: its error output without the {@code Error: } prefix, else the exit code. */
        String message() {
            if (timedOut) {
                return "podman " + args.getFirst() + " did not finish in time";
            }
            String text = stderr.strip();
            if (text.isEmpty()) {
                text = "podman " + args.getFirst() + " failed with exit code " + exitCode;
            }
            return text.replace("\n", " | ").replaceFirst("^Error: ", "");
        }
    }

    /** Starts a podman client with {@code args}; the caller owns the process. */
    Process start(List<String> args, boolean withStdin) throws IOException {
        List<String> argv = new ArrayList<>(args.size() + 1);
        argv.add(binary);
        argv.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(argv);
        if (!withStdin) {
            builder.redirectInput(ProcessBuilder.Redirect.from(DEV_NULL));
        }
        return HostProcesses.start(builder);
    }

    /**
     * Runs {@code podman args...} to completion, capturing its output. On expiry the client is killed and the
     * result says timed out; on interrupt it is killed and the interrupt rethrown.
     *
     * @throws CorralException when podman cannot be started at all
     */
    Result run(Deadline deadline, List<String> args) throws InterruptedException {
        return run(deadline, args, false);
    }

    /**
     * {@link #run} for a step podman must not be stopped in: an interrupt waits for podman to finish (until the
     * deadline) and is rethrown then. A {@code podman run} stopped while it starts the container, by SIGKILL or
     * SIGTERM alike, leaves the network namespace it just created behind, owned by no container.
     */
    Result runThrough(Deadline deadline, List<String> args) throws InterruptedException {
        return run(deadline, args, true);
    }

    private Result run(Deadline deadline, List<String> args, boolean through) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        Process process = startOrExplain(args);
        Thread out;
        Thread err;
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        out = collect(process.getInputStream(), stdout);
        err = collect(process.getErrorStream(), stderr);
        boolean exited;
        boolean interrupted = false;
        while (true) {
            try {
                exited = waitFor(process, deadline);
                break;
            } catch (InterruptedException e) {
                if (!through) {
                    killAndReap(process);
                    throw e;
                }
                interrupted = true;
            }
        }
        if (!exited) {
            killAndReap(process);
        }
        joinQuietly(out);
        joinQuietly(err);
        if (interrupted) {
            throw new InterruptedException("interrupted while podman " + args.getFirst() + " ran; it was let finish");
        }
        return new Result(args, exited ? process.exitValue() : -1, !exited,
                stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
    }

    /** {@link #run} that cannot be interrupted (for clean-up); the interrupt flag is kept for the caller. */
    Result runToEnd(Duration limit, List<String> args) {
        boolean interrupted = Thread.interrupted();
        try {
            while (true) {
                try {
                    return run(Deadline.after(limit), args);
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

    private Process startOrExplain(List<String> args) {
        try {
            return start(args, false);
        } catch (IOException e) {
            throw new CorralException("cannot run '" + binary + "': " + e.getMessage()
                    + "; install podman (scripts/install-deps does)", e);
        }
    }

    /** Waits until the process exits ({@code true}) or the deadline expires ({@code false}). */
    static boolean waitFor(Process process, Deadline deadline) throws InterruptedException {
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

    /** Kills a podman client (it has no children of its own that outlive it) and waits for it, uninterruptibly. */
    static void killAndReap(Process process) {
        process.destroyForcibly();
        boolean interrupted = Thread.interrupted();
        try {
            while (true) {
                try {
                    process.waitFor(30, TimeUnit.SECONDS);
                    return;
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

    private static Thread collect(InputStream from, ByteArrayOutputStream to) {
        return Thread.ofVirtual().name("podman-output").start(() -> {
            try (from) {
                from.transferTo(to);
            } catch (IOException ignored) {
                // the client was killed: what was read so far is all there is
            }
        });
    }

    /** Joins a pump thread whose process is dead, keeping the caller's interrupt flag. */
    static void joinQuietly(Thread thread) {
        boolean interrupted = Thread.interrupted();
        try {
            while (true) {
                try {
                    thread.join(Duration.ofSeconds(10));
                    return;
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
}
