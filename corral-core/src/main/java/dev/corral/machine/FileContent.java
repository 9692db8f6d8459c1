package dev.corral.machine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Set;

import org.apiguardian.api.API;

/**
 * A small file, or an empty directory, to write on a machine with {@link Connection#write}.
 *
 * @param path       the path below the target directory, {@code /}-separated, without {@code ..}
 * @param content    the file's bytes, or {@code null} for a directory
 * @param executable whether the file gets mode 0755 instead of 0644
 */
@API(status = API.Status.EXPERIMENTAL)
public record FileContent(String path, byte[] content, boolean executable) {
    private static final Set<PosixFilePermission> REGULAR = PosixFilePermissions.fromString("rw-r--r--");
    private static final Set<PosixFilePermission> EXECUTABLE = PosixFilePermissions.fromString("rwxr-xr-x");

    public FileContent {
        Objects.requireNonNull(path, "path must not be null");
        if (path.isEmpty() || path.startsWith("/") || ("/" + path + "/").contains("/../")) {
            throw new IllegalArgumentException("path must be relative and stay below its directory: " + path);
        }
    }

    /** A regular file with mode 0644. */
    public static FileContent file(String path, byte[] content) {
        return new FileContent(path, Objects.requireNonNull(content, "content must not be null"), false);
    }

    /** A file with mode 0755. */
    public static FileContent executable(String path, byte[] content) {
        return new FileContent(path, Objects.requireNonNull(content, "content must not be null"), true);
    }

    /** An empty directory. */
    public static FileContent directory(String path) {
        return new FileContent(path, null, false);
    }

    /** Whether this is a directory. */
    public boolean isDirectory() {
        return content == null;
    }

    /**
     * Creates this directory, or writes this file with mode 0644 or 0755, at {@code path} on this host; parents
     * are created, an existing file is replaced.
     */
    public void writeTo(Path path) throws IOException {
        // the directories are made only when missing: most already exist (a failed mkdir costs an exception)
        if (isDirectory()) {
            if (!Files.isDirectory(path)) {
                Files.createDirectories(path);
            }
            return;
        }
        if (executable) {
            // a process started while the file is open would keep it busy: see HostProcesses.start
            HostProcesses.writeExecutable(() -> write(path));
        } else {
            write(path);
        }
    }

    private void write(Path path) throws IOException {
        try {
            Files.write(path, content);
        } catch (NoSuchFileException e) {
            Files.createDirectories(path.getParent());
            Files.write(path, content);
        }
        Files.setPosixFilePermissions(path, executable ? EXECUTABLE : REGULAR);
    }
}
