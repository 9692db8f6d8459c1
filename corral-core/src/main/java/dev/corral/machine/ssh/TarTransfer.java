package dev.corral.machine.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import dev.corral.CorralException;
import dev.corral.Deadline;
import dev.corral.machine.ConnectionException;
import dev.corral.machine.ExecResult;

/**
 * File transfer as tar streams over exec channels: the remote {@code tar} unpacks what {@link TarWriter} writes,
 * or packs what {@link TarExtractor} unpacks. One channel and one round trip per tree and no local process, which
 * makes it several times faster than SFTP on trees of small files (see the report in the {@code ssh} benchmark).
 * Single files go through {@code cat}.
 */
final class TarTransfer {
    private static final String UNPACK = "mkdir -p \"$1\" && exec tar -C \"$1\" --no-same-owner -xf -";
    private static final String WRITE_FILE = "mkdir -p \"$(dirname \"$1\")\" && cat > \"$1\" && chmod \"$2\" \"$1\"";
    private static final String PACK = "if [ -d \"$1\" ]; then printf D; cd \"$1\" && exec tar -cf - .;"
            + " elif [ -e \"$1\" ]; then printf 'F%s\\n' \"$(stat -c %a \"$1\" 2>/dev/null || echo 644)\"; exec cat \"$1\";"
            + " else echo \"$1: no such file or directory\" >&2; exit 2; fi";

    private final SshConnection connection;

    TarTransfer(SshConnection connection) {
        this.connection = connection;
    }

    void upload(Path source, String target, Deadline deadline) throws InterruptedException {
        String remote = safe(target);
        String what = "upload of " + source + " to " + target;
        if (!Files.exists(source)) {
            throw new IllegalArgumentException("cannot upload " + source + ": no such file or directory");
        }
        if (!Files.isDirectory(source)) {
            String mode = Integer.toOctalString(mode(source));
            try (InputStream in = Files.newInputStream(source)) {
                ExecResult r = connection.run(Invocation.of(List.of("sh", "-c", WRITE_FILE, "sh", remote, mode),
                        Invocation.Input.of(in), null, what), deadline);
                r.orThrow(what);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + source, e);
            }
            return;
        }
        AtomicReference<TarWriter.SourceException> unreadable = new AtomicReference<>();
        Invocation.Input tar = out -> {
            try {
                TarWriter.write(source, out);
            } catch (TarWriter.SourceException e) {
                unreadable.set(e);
                throw e;
            }
        };
        ExecResult r = connection.run(Invocation.of(List.of("sh", "-c", UNPACK, "sh", remote), tar, null, what), deadline);
        if (unreadable.get() != null) {
            throw new CorralException(what + " failed: " + unreadable.get().getMessage(), unreadable.get());
        }
        r.orThrow(what);
    }

    void download(String source, Path target, Deadline deadline) throws InterruptedException {
        String what = "download of " + source + " to " + target;
        DownloadSink sink = new DownloadSink(target, what);
        ExecResult r;
        try {
            r = connection.run(Invocation.of(List.of("sh", "-c", PACK, "sh", safe(source)), null, sink, what), deadline);
        } catch (InterruptedException | RuntimeException e) {
            sink.abort();
            throw e;
        }
        try {
            r.orThrow(what);
            sink.finish();
        } catch (ConnectionException e) {
            throw e;
        } catch (CorralException e) {
            if (!connection.isOpen()) {
                // the session died as the command ended: what arrived is incomplete, and the machine is lost
                throw new ConnectionException("lost the SSH connection to " + connection.target().address()
                        + " during " + what + ": " + e.getMessage(), e);
            }
            throw e;
        } finally {
            sink.abort();
        }
    }

    /** A relative path starting with '-' would be read as an option. */
    private static String safe(String path) {
        return path.startsWith("-") ? "./" + path : path;
    }

    private static int mode(Path file) {
        try {
            int mode = 0;
            for (PosixFilePermission p : Files.getPosixFilePermissions(file)) {
                mode |= 1 << (8 - p.ordinal());
            }
            return mode;
        } catch (IOException | UnsupportedOperationException e) {
            return 0644;
        }
    }

    private static void applyMode(Path file, int mode) throws IOException {
        Set<PosixFilePermission> perms = java.util.EnumSet.noneOf(PosixFilePermission.class);
        for (PosixFilePermission p : PosixFilePermission.values()) {
            if ((mode & (1 << (8 - p.ordinal()))) != 0) {
                perms.add(p);
            }
        }
        Files.setPosixFilePermissions(file, perms);
    }

    /**
     * Receives the remote side's output: a {@code D} and a tar stream (unpacked into the target directory) or
     * {@code F<mode>\n} and the file's bytes. Written by one pump thread.
     */
    private static final class DownloadSink extends OutputStream {
        private final Path target;
        private final String what;
        private final StringBuilder modeLine = new StringBuilder();
        private char kind;
        private boolean modeRead;
        private TarExtractor tar;
        private OutputStream file;

        DownloadSink(Path target, String what) {
            this.target = target;
            this.what = what;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            int i = off;
            int end = off + len;
            if (kind == 0 && i < end) {
                kind = (char) b[i++];
                if (kind == 'D') {
                    tar = new TarExtractor(target);
                } else if (kind != 'F') {
                    throw new IOException("unexpected answer from the remote side");
                }
            }
            if (kind == 'F' && !modeRead) {
                while (i < end && b[i] != '\n') {
                    modeLine.append((char) b[i++]);
                }
                if (i < end) {
                    i++;
                    modeRead = true;
                    Path parent = target.toAbsolutePath().getParent();
                    if (parent != null) {
                        Files.createDirectories(parent);
                    }
                    file = Files.newOutputStream(target);
                }
            }
            if (i < end) {
                (kind == 'D' ? tar : file).write(b, i, end - i);
            }
        }

        synchronized void finish() {
            try {
                if (tar != null) {
                    tar.finish();
                } else if (file != null) {
                    file.close();
                    file = null;
                    applyMode(target, Integer.parseInt(modeLine.toString().strip(), 8));
                } else {
                    throw new CorralException(what + " failed: the remote side sent nothing");
                }
            } catch (IOException | NumberFormatException e) {
                throw new CorralException(what + " failed: " + Futures.why(e), e);
            }
        }

        synchronized void abort() {
            if (tar != null) {
                tar.abort();
            }
            if (file != null) {
                try {
                    file.close();
                } catch (IOException e) {
                    // already failing
                }
            }
        }
    }
}
