package dev.corral.machine.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

import dev.corral.files.FileTrees;
import dev.corral.machine.FileContent;

/**
 * The request files of one machine's commands ({@link SpawnRequest}) and its {@link Spawner}'s spawn script, in a
 * private directory: each command holds a request file until it ends, when the file is emptied and used again by a
 * later command. Emptied, not removed: a file
 * system hands out inodes slowly after many removals (ext4 without a journal skips every inode removed in the
 * last seconds), and a run creates the tests' own files at the same pace. The directory goes at {@link #delete}.
 */
final class RequestFiles {
    /** Requests carry the command's variables, secrets among them: readable by the JVM's user only. */
    private static final FileAttribute<Set<PosixFilePermission>> PRIVATE_DIR =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
    private static final FileAttribute<Set<PosixFilePermission>> PRIVATE_FILE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private final Path dir;
    private final ConcurrentLinkedDeque<Path> free = new ConcurrentLinkedDeque<>();
    private final AtomicInteger created = new AtomicInteger();
    /** Whether the directory was cleared of an earlier process's files; guarded by {@code this}. */
    private boolean cleared;

    RequestFiles(Path dir) {
        this.dir = dir;
    }

    /** An empty request file for a command: a free one, or a new one. */
    Path take() throws IOException {
        Path file = free.pollFirst();
        if (file != null && Files.isRegularFile(file)) {
            return file;
        }
        prepareDirectory();
        return Files.createFile(dir.resolve("request-" + created.incrementAndGet() + ".sh"), PRIVATE_FILE);
    }

    /** Creates the directory; the first time, request files that a killed process left in it are removed first. */
    private synchronized void prepareDirectory() throws IOException {
        if (!cleared) {
            // a resumed run's machine has the killed run's directory, with its last requests (and their secrets)
            FileTrees.deleteQuietly(dir);
            cleared = true;
        }
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PRIVATE_DIR);
        }
    }

    /**
     * The spawn script ({@link Spawner#SPAWN}), written when missing: executable, as a spawner's forks run it.
     */
    Path spawnScript() throws IOException {
        prepareDirectory();
        Path script = dir.resolve("spawn");
        if (!Files.isRegularFile(script)) {
            FileContent.executable("spawn", Spawner.SPAWN.getBytes(StandardCharsets.US_ASCII)).writeTo(script);
        }
        return script;
    }

    /** Writes a command's request into a file this pool handed out. */
    static void write(Path file, byte[] request) throws IOException {
        Files.write(file, request, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    }

    /** Empties a file whose command ended, and keeps it. */
    void release(Path file) {
        try {
            write(file, new byte[0]);
            free.addFirst(file);
        } catch (IOException e) {
            // gone with the directory (the machine closed), or unusable: a later command gets a new file
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // removed with the directory
            }
        }
    }

    /** Removes the directory with every request file. */
    void delete() {
        free.clear();
        FileTrees.deleteQuietly(dir);
    }
}
