package dev.corral.machine.podman;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.corral.Deadline;
import dev.corral.machine.ConnectionException;
import dev.corral.machine.OutputPump;

import org.slf4j.Logger;

/**
 * One {@code podman exec} of a command under the {@link ExecWrapper}: feeds its standard input, pumps its output
 * and, when the deadline expires or the caller is interrupted, kills the command's process group inside the
 * container (killing the host-side client alone would leave the command running).
 */
final class Invocation {
    /** How long to wait for the wrapper to report the process group before giving up on killing it. */
    private static final Duration PGID_WAIT = Duration.ofSeconds(10);
    /** How long the client may take to exit once its command's processes are killed. */
    private static final Duration EXIT_WAIT = Duration.ofSeconds(15);

    /** Writes what follows the environment header on the command's standard input. */
    @FunctionalInterface
    interface StdinWriter {
        StdinWriter EMPTY = out -> { };

        void writeTo(OutputStream out) throws IOException;
    }

    /** Consumes the command's standard output (after the wrapper's first line); must read to the end. */
    @FunctionalInterface
    interface StdoutReader {
        void readFrom(InputStream in) throws IOException;
    }

    /**
     * What to run.
     *
     * @param argv   program and arguments, verbatim
     * @param env    variables, passed on standard input
     * @param cwd    absolute working directory, or {@code null}
     * @param merge  whether standard error joins standard output inside the container
     * @param stdin  the command's standard input
     * @param stdout consumer of standard output
     * @param stderr sink of standard error (and of podman's own messages)
     */
    record Request(List<String> argv, Map<String, String> env, String cwd, boolean merge, StdinWriter stdin,
                   StdoutReader stdout, OutputStream stderr) {
    }

    /**
     * How the client ended.
     *
     * @param exitCode the client's exit status (the command's, or podman's 125/126/127/255)
     * @param killed   whether Corral killed the command (deadline or interrupt)
     * @param duration wall time
     */
    record Ending(int exitCode, boolean killed, Duration duration) {
    }

    private Invocation() {
    }

    /**
     * Runs the request and waits for it.
     *
     * @throws InterruptedException when interrupted; the command's process group is killed first
     */
    static Ending run(PodmanCli cli, String container, Request request, Deadline deadline, Logger log)
            throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        String token = UUID.randomUUID().toString();
        Map<String, String> env = new LinkedHashMap<>(request.env());
        env.put(ExecWrapper.TOKEN, token);
        byte[] header = ExecWrapper.header(env);
        List<String> args = new ArrayList<>();
        args.add("exec");
        args.add("-i");
        args.add("--detach-keys=");
        if (request.cwd() != null) {
            args.add("-w");
            args.add(request.cwd());
        }
        args.add(container);
        args.addAll(ExecWrapper.argv(request.argv(), request.merge()));

        long started = System.nanoTime();
        Process process;
        try {
            process = cli.start(args, true);
        } catch (IOException e) {
            throw new ConnectionException("cannot run '" + cli.binary() + "' to reach container " + container + ": "
                    + e.getMessage() + "; install podman", e);
        }
        CompletableFuture<Long> pgid = new CompletableFuture<>();
        Thread feeder = Thread.ofVirtual().name("podman-stdin-" + process.pid()).start(() -> feed(process, header, request.stdin(), log));
        Thread out = Thread.ofVirtual().name("podman-stdout-" + process.pid())
                .start(() -> readStdout(process.getInputStream(), pgid, request.stdout(), log));
        Thread err = Thread.ofVirtual().name("podman-stderr-" + process.pid())
                .start(() -> OutputPump.copy(process.getErrorStream(), request.stderr(), log));

        boolean exited;
        try {
            exited = PodmanCli.waitFor(process, deadline);
        } catch (InterruptedException e) {
            kill(cli, container, process, pgid, token, log);
            drain(List.of(out, err, feeder), log);
            throw e;
        }
        if (!exited) {
            kill(cli, container, process, pgid, token, log);
        }
        drain(List.of(out, err, feeder), log);
        return new Ending(process.isAlive() ? -1 : process.exitValue(), !exited, Duration.ofNanos(System.nanoTime() - started));
    }

    private static void feed(Process process, byte[] header, StdinWriter stdin, Logger log) {
        try (OutputStream to = process.getOutputStream()) {
            to.write(header);
            to.flush();
            stdin.writeTo(to);
        } catch (IOException e) {
            // the command exited without reading all of its input, or was killed
            log.trace("stdin closed early: {}", e.toString());
        }
    }

    private static void readStdout(InputStream raw, CompletableFuture<Long> pgid, StdoutReader reader, Logger log) {
        try (InputStream in = new BufferedInputStream(raw, 64 * 1024)) {
            StringBuilder line = new StringBuilder();
            int b;
            while ((b = in.read()) >= 0 && b != '\n') {
                line.append((char) b);
            }
            if (b < 0) {
                pgid.completeExceptionally(new IOException("the wrapper did not start the command"));
            } else {
                try {
                    pgid.complete(Long.parseLong(line.toString().strip()));
                } catch (NumberFormatException e) {
                    pgid.completeExceptionally(new IOException("the wrapper printed '" + line + "', not a process group"));
                }
            }
            try {
                reader.readFrom(in);
            } catch (IOException | RuntimeException e) {
                log.debug("consuming command output failed, discarding the rest: {}", e.toString());
            }
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            log.debug("reading command output failed: {}", e.toString());
        } finally {
            pgid.completeExceptionally(new IOException("no output"));
        }
    }

    /**
     * Kills the command's process group inside the container, then the client. Uninterruptible; keeps the
     * caller's interrupt flag.
     */
    private static void kill(PodmanCli cli, String container, Process process, CompletableFuture<Long> pgid,
                             String token, Logger log) {
        boolean interrupted = Thread.interrupted();
        try {
            Long group = awaitGroup(process, pgid);
            boolean delivered = false;
            if (group != null) {
                PodmanCli.Result r = cli.runToEnd(PodmanCli.CLEANUP_LIMIT,
                        List.of("exec", container, "sh", "-c", ExecWrapper.KILL, "corral-kill", group.toString(), token));
                delivered = r.ok();
                if (!delivered) {
                    log.debug("killing process group {} in {} failed: {}", group, container, r.message());
                }
            } else if (process.isAlive()) {
                log.warn("the command in {} never reported its process group; killing only the podman client", container);
            }
            // a kill that did not reach the container (paused, stopped, gone) will not end the client: no waiting
            if (delivered && !waitQuietly(process, EXIT_WAIT)) {
                log.debug("podman exec client still alive {} after the kill; destroying it", EXIT_WAIT);
            }
            PodmanCli.killAndReap(process);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The process group, once the wrapper reports it; {@code null} when it never does. */
    private static Long awaitGroup(Process process, CompletableFuture<Long> pgid) {
        long until = System.nanoTime() + PGID_WAIT.toNanos();
        while (System.nanoTime() < until) {
            try {
                return pgid.get(100, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (!process.isAlive()) {
                    return null;
                }
            } catch (ExecutionException e) {
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return pgid.getNow(null);
            }
        }
        return null;
    }

    private static boolean waitQuietly(Process process, Duration limit) {
        try {
            return process.waitFor(limit.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    /** Waits for the pumps; the client is dead, so they end once the pipes are drained. */
    private static void drain(List<Thread> pumps, Logger log) {
        for (Thread pump : pumps) {
            PodmanCli.joinQuietly(pump);
            if (pump.isAlive()) {
                log.warn("{} still busy after its podman exec ended; not waiting for it", pump.getName());
            }
        }
    }
}
