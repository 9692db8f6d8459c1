package dev.corral.machine.podman;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.corral.CorralException;
import dev.corral.Deadline;
import dev.corral.files.FileTrees;
import dev.corral.machine.BoundedCapture;
import dev.corral.machine.OutputPump;
import dev.corral.machine.Signals;
import dev.corral.machine.CommandFailedException;
import dev.corral.machine.ExecResult;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves files between the host and a container as tar streams: host {@code tar -c} piped into
 * {@code podman exec -i CONTAINER tar -x}, and back. Measured against {@code podman cp} on a 500-file tree,
 * the pipe took about half the time; it also works for paths on volumes and tmpfs mounts.
 */
final class TarTransfer {
    private static final Logger LOG = LoggerFactory.getLogger(TarTransfer.class);
    private static final File DEV_NULL = new File("/dev/null");
    private static final List<String> EXTRACT = List.of("tar", "-x", "--no-same-owner", "-p", "-f", "-", "-C");

    /** $1 = target directory. */
    private static final String UNPACK_DIR = "mkdir -p \"$1\" && exec tar -x --no-same-owner -p -f - -C \"$1\"";

    /** $1 = target file, $2 = the name inside the archive. */
    private static final String UNPACK_FILE = """
            t=
            d=$(dirname "$1") && mkdir -p "$d" && t=$(mktemp -d "$d/.corral-upload.XXXXXX") \\
              && tar -x --no-same-owner -p -f - -C "$t" && mv -f "$t/$2" "$1"
            s=$?
            [ -z "$t" ] || rm -rf "$t"
            exit $s
            """;

    /** $1 = source; prints D (directory) or F (anything else) on a line, then the archive. */
    private static final String PACK = """
            if [ -d "$1" ]; then
              echo D && cd "$1" && exec tar -c -f - .
            elif [ -e "$1" ] || [ -L "$1" ]; then
              echo F && cd "$(dirname "$1")" && exec tar -c -f - "./$(basename "$1")"
            else
              echo "$1: No such file or directory" >&2
              exit 2
            fi
            """;

    private TarTransfer() {
    }

    static void upload(PodmanConnection connection, Path source, String target, Deadline deadline)
            throws InterruptedException {
        String what = "upload of " + source + " to " + connection.container() + ":" + target;
        if (!Files.exists(source, LinkOption.NOFOLLOW_LINKS)) {
            throw new CorralException("cannot upload " + source + ": no such file or directory");
        }
        boolean directory = Files.isDirectory(source);
        Path absolute = source.toAbsolutePath();
        String name = directory ? "." : "./" + absolute.getFileName();
        Path from = directory ? absolute : absolute.getParent();
        long started = System.nanoTime();
        HostTar tar = HostTar.start(List.of("tar", "-C", from.toString(), "-c", "-f", "-", name), null);
        List<String> argv = directory
                ? List.of("sh", "-c", UNPACK_DIR, "corral-upload", target)
                : List.of("sh", "-c", UNPACK_FILE, "corral-upload", target, absolute.getFileName().toString());
        BoundedCapture out = new BoundedCapture();
        BoundedCapture err = new BoundedCapture();
        Invocation.Request request = new Invocation.Request(argv, Map.of(), null, false,
                to -> tar.process.getInputStream().transferTo(to), in -> OutputPump.copy(in, out, LOG), err);
        Invocation.Ending ending = null;
        try {
            ending = connection.run(request, what, deadline, err);
        } finally {
            // once the container side is done, the host tar has written everything or is stuck writing
            tar.finish(ending != null && !ending.killed() && ending.exitCode() == 0 ? Duration.ofSeconds(10) : Duration.ZERO);
        }
        check(what, ending, out, err, started);
        if (tar.exitCode != 0) {
            throw new CommandFailedException(what, new ExecResult(tar.exitCode, null, false, "", "host tar: " + tar.stderr.text(),
                    Duration.ofNanos(System.nanoTime() - started)));
        }
    }

    static void download(PodmanConnection connection, String source, Path target, Deadline deadline)
            throws InterruptedException {
        String what = "download of " + connection.container() + ":" + source + " to " + target;
        long started = System.nanoTime();
        Receiver receiver = new Receiver(target.toAbsolutePath());
        BoundedCapture err = new BoundedCapture();
        Invocation.Request request = new Invocation.Request(List.of("sh", "-c", PACK, "corral-download", source),
                Map.of(), null, false, Invocation.StdinWriter.EMPTY, receiver::receive, err);
        Invocation.Ending ending;
        boolean done = false;
        try {
            ending = connection.run(request, what, deadline, err);
            check(what, ending, new BoundedCapture(), err, started);
            receiver.complete(what, started);
            done = true;
        } finally {
            if (!done) {
                receiver.abort();
            }
        }
    }

    private static void check(String what, Invocation.Ending ending, BoundedCapture out, BoundedCapture err, long started) {
        if (ending.killed() || ending.exitCode() != 0) {
            throw new CommandFailedException(what, new ExecResult(ending.exitCode(),
                    Signals.fromExitStatus(ending.exitCode()), ending.killed(), out.text(), err.text(),
                    Duration.ofNanos(System.nanoTime() - started)));
        }
    }

    /** Receives a download's stream: the kind line, then the archive, extracted by host {@code tar}. */
    private static final class Receiver {
        private final Path target;
        private volatile HostTar tar;
        private volatile Path staging;
        private volatile boolean file;
        private volatile IOException failure;

        Receiver(Path target) {
            this.target = target;
        }

        void receive(InputStream in) {
            try {
                StringBuilder kind = new StringBuilder();
                int b;
                while ((b = in.read()) >= 0 && b != '\n') {
                    kind.append((char) b);
                }
                if (b < 0) {
                    return;
                }
                file = !"D".contentEquals(kind);
                Path into;
                if (file) {
                    Path parent = target.getParent();
                    Files.createDirectories(parent);
                    staging = Files.createTempDirectory(parent, ".corral-download-");
                    into = staging;
                } else {
                    Files.createDirectories(target);
                    into = target;
                }
                List<String> argv = new java.util.ArrayList<>(EXTRACT);
                argv.add(into.toString());
                tar = HostTar.start(argv, in);
            } catch (IOException | CorralException e) {
                failure = e instanceof IOException io ? io : new IOException(e.getMessage(), e);
            }
        }

        void complete(String what, long started) {
            if (failure != null) {
                throw new CommandFailedException(what, new ExecResult(1, null, false, "", failure.toString(),
                        Duration.ofNanos(System.nanoTime() - started)));
            }
            HostTar t = tar;
            if (t == null) {
                throw new CommandFailedException(what, new ExecResult(1, null, false, "", "no archive received",
                        Duration.ofNanos(System.nanoTime() - started)));
            }
            t.finish(Duration.ofMinutes(5));
            if (t.exitCode != 0) {
                throw new CommandFailedException(what, new ExecResult(t.exitCode, null, false, "",
                        "host tar: " + t.stderr.text(), Duration.ofNanos(System.nanoTime() - started)));
            }
            if (file) {
                try (var entries = Files.list(staging)) {
                    Path only = entries.findFirst().orElseThrow(() -> new IOException("the archive was empty"));
                    move(only, target);
                } catch (IOException e) {
                    throw new CommandFailedException(what, new ExecResult(1, null, false, "", e.toString(),
                            Duration.ofNanos(System.nanoTime() - started)));
                } finally {
                    if (!FileTrees.deleteQuietly(staging)) {
                        LOG.debug("cannot remove {}", staging);
                    }
                }
            }
        }

        void abort() {
            HostTar t = tar;
            if (t != null) {
                t.finish(Duration.ZERO);
            }
            if (staging != null && !FileTrees.deleteQuietly(staging)) {
                LOG.debug("cannot remove {}", staging);
            }
        }

        private static void move(Path from, Path to) throws IOException {
            try {
                Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /**
     * A host {@code tar} process. With {@code input}, a pump feeds it that stream (then closes its standard
     * input); its output goes to the caller.
     */
    private static final class HostTar {
        final Process process;
        final BoundedCapture stderr = new BoundedCapture();
        private final Thread errPump;
        int exitCode = -1;

        private HostTar(Process process) {
            this.process = process;
            this.errPump = Thread.ofVirtual().name("host-tar-stderr").start(
                    () -> OutputPump.copy(process.getErrorStream(), stderr, LOG));
        }

        static HostTar start(List<String> argv, InputStream input) {
            ProcessBuilder builder = new ProcessBuilder(argv);
            if (input == null) {
                builder.redirectInput(DEV_NULL);
            } else {
                builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
            }
            Process process;
            try {
                process = builder.start();
            } catch (IOException e) {
                throw new CorralException("cannot run host tar: " + e.getMessage() + "; install tar", e);
            }
            HostTar tar = new HostTar(process);
            if (input != null) {
                // runs on the caller's pump thread: it must read the stream to its end
                try (OutputStream to = process.getOutputStream()) {
                    input.transferTo(to);
                } catch (IOException e) {
                    LOG.debug("host tar stopped reading: {}", e.toString());
                }
            }
            return tar;
        }

        /** Waits up to {@code limit} for tar to exit, then kills it; uninterruptible. */
        void finish(Duration limit) {
            boolean interrupted = Thread.interrupted();
            try {
                try {
                    if (!process.waitFor(limit.toNanos(), TimeUnit.NANOSECONDS)) {
                        process.destroyForcibly();
                        process.waitFor(30, TimeUnit.SECONDS);
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                    process.destroyForcibly();
                }
                PodmanCli.joinQuietly(errPump);
                exitCode = process.isAlive() ? -1 : process.exitValue();
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

}
