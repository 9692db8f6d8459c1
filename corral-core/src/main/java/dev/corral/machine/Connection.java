package dev.corral.machine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import dev.corral.CorralException;
import dev.corral.Deadline;
import dev.corral.files.FileTrees;

import org.apiguardian.api.API;

/**
 * Runs commands on a machine and moves files to and from it. Implementations exist for local processes, podman
 * containers and SSH; paths on the machine are plain strings in the machine's own syntax.
 *
 * <p>Thread-safe: many commands may run at once over one connection. Every method blocks until done, the
 * deadline expires or the calling thread is interrupted; on expiry or interrupt the remote process tree is
 * killed before the method returns. No {@link java.io.IOException} or backend type escapes: a lost machine is a
 * {@link ConnectionException}.
 */
@API(status = API.Status.EXPERIMENTAL)
public interface Connection {

    /**
     * Runs a command and waits for it. When the deadline expires, the command's whole process tree is killed
     * and the result says {@link ExecResult#timedOut() timedOut}.
     *
     * @throws InterruptedException when interrupted; the process tree is killed first
     * @throws ConnectionException  when the machine cannot be reached or is gone
     */
    ExecResult exec(Command command, Deadline deadline) throws InterruptedException;

    /**
     * Copies a local file or directory tree to the machine. A directory's contents end up in {@code target},
     * which is created with its parents; a file is written to {@code target} itself. Modes and symlinks are kept.
     */
    void upload(Path source, String target, Deadline deadline) throws InterruptedException;

    /**
     * Copies a file or directory tree from the machine. A directory's contents end up in local {@code target},
     * created with its parents; a missing source is a {@link CommandFailedException}.
     */
    void download(String source, Path target, Deadline deadline) throws InterruptedException;

    /**
     * Writes small files and empty directories below {@code target} (created with its parents) in one transfer,
     * replacing files of the same names. The default stages them in a local temporary directory and
     * {@link #upload uploads} it; a connection that reaches the machine's files directly writes them in place.
     *
     * @throws CorralException when the local staging directory cannot be written
     */
    default void write(String target, List<FileContent> files, Deadline deadline) throws InterruptedException {
        Path stage;
        try {
            stage = Files.createTempDirectory("corral-files-");
        } catch (IOException e) {
            throw new CorralException("cannot create a staging directory: " + e.getMessage(), e);
        }
        try {
            for (FileContent file : files) {
                file.writeTo(stage.resolve(file.path()));
            }
            // the staging directory is private (0700); the target keeps the machine's usual mode
            Files.setPosixFilePermissions(stage, PosixFilePermissions.fromString("rwxr-xr-x"));
            upload(stage, target, deadline);
        } catch (IOException e) {
            throw new CorralException("cannot stage files for " + target + ": " + e.getMessage(), e);
        } finally {
            FileTrees.deleteQuietly(stage);
        }
    }
}
