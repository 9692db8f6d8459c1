package dev.corral.machine;

import java.nio.file.Path;

import dev.corral.Deadline;

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
}
