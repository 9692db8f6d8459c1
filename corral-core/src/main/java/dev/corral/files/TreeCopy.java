package dev.corral.files;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

import dev.corral.Deadline;

import org.apiguardian.api.API;

/**
 * Copies a file or a directory tree on the local file system the way {@code cp -a source/. target} does: modes
 * and modification times are kept, symbolic links are copied as links (never followed, the source itself
 * included), special files (FIFOs, sockets, devices) are skipped. Existing files in the target are replaced,
 * existing directories merged.
 */
@API(status = API.Status.EXPERIMENTAL)
public final class TreeCopy {
    private static final Set<PosixFilePermission> WHILE_COPYING = PosixFilePermissions.fromString("rwx------");

    private TreeCopy() {
    }

    /**
     * Copies {@code source} to {@code target}: a directory's contents end up in {@code target} (created with its
     * parents), a file is written to {@code target} itself.
     *
     * @throws NoSuchFileException     when the source does not exist
     * @throws InterruptedIOException  when the deadline expires
     * @throws InterruptedException    when interrupted
     */
    public static void copy(Path source, Path target, Deadline deadline) throws IOException, InterruptedException {
        if (!Files.exists(source, LinkOption.NOFOLLOW_LINKS)) {
            throw new NoSuchFileException(source.toString());
        }
        if (!Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
            check(deadline);
            Path parent = target.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.copy(source, target, LinkOption.NOFOLLOW_LINKS, StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.COPY_ATTRIBUTES);
            return;
        }
        Files.createDirectories(target);
        try {
            Files.walkFileTree(source, new Copier(source, target, deadline));
        } catch (UncheckedInterrupt e) {
            throw e.cause;
        }
    }

    private static void check(Deadline deadline) throws InterruptedException, InterruptedIOException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (deadline.expired()) {
            throw new InterruptedIOException("deadline expired while copying");
        }
    }

    private static final class Copier extends SimpleFileVisitor<Path> {
        private final Path source;
        private final Path target;
        private final Deadline deadline;

        Copier(Path source, Path target, Deadline deadline) {
            this.source = source;
            this.target = target;
            this.deadline = deadline;
        }

        private Path mapped(Path path) {
            return target.resolve(source.relativize(path).toString());
        }

        private void checkInVisitor() throws IOException {
            try {
                check(deadline);
            } catch (InterruptedException e) {
                throw new UncheckedInterrupt(e);
            }
        }

        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
            checkInVisitor();
            Path to = mapped(dir);
            if (Files.isSymbolicLink(to) || (Files.exists(to, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(to))) {
                throw new FileAlreadyExistsException(to.toString(), null, "exists and is not a directory");
            }
            if (!Files.exists(to, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectory(to);
            }
            // writable while its contents are copied; the real mode is applied when leaving it
            Set<PosixFilePermission> current = EnumSet.copyOf(Files.getPosixFilePermissions(to));
            current.addAll(WHILE_COPYING);
            Files.setPosixFilePermissions(to, current);
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
            checkInVisitor();
            if (attrs.isSymbolicLink() || attrs.isRegularFile()) {
                Files.copy(file, mapped(file), LinkOption.NOFOLLOW_LINKS, StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.COPY_ATTRIBUTES);
            }
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
            if (failure != null) {
                throw failure;
            }
            Path to = mapped(dir);
            Files.setPosixFilePermissions(to, Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS));
            Files.setLastModifiedTime(to, Files.getLastModifiedTime(dir, LinkOption.NOFOLLOW_LINKS));
            return FileVisitResult.CONTINUE;
        }
    }

    /** Carries an interrupt through the file visitor, which only lets {@link IOException} out. */
    private static final class UncheckedInterrupt extends RuntimeException {
        private final InterruptedException cause;

        UncheckedInterrupt(InterruptedException cause) {
            super(cause);
            this.cause = cause;
        }
    }
}
