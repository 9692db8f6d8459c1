package dev.corral.execute;

import java.nio.charset.StandardCharsets;

import dev.corral.Deadline;
import dev.corral.machine.Command;
import dev.corral.machine.Connection;
import dev.corral.machine.ExecResult;

/**
 * File operations on a machine through its {@link Connection}, with paths always passed as arguments (never
 * spliced into shell code).
 */
final class RemoteFiles {
    private RemoteFiles() {
    }

    /** Writes {@code content} to {@code path} (replacing it) with the given octal mode. */
    static void write(Connection connection, String path, byte[] content, String mode, Deadline deadline)
            throws InterruptedException {
        connection.exec(Command.builder("sh", "-c", "cat > \"$1\" && chmod \"$2\" \"$1\"", "sh", path, mode)
                .stdin(content).build(), deadline).orThrow("writing " + path);
    }

    static void write(Connection connection, String path, String content, String mode, Deadline deadline)
            throws InterruptedException {
        write(connection, path, content.getBytes(StandardCharsets.UTF_8), mode, deadline);
    }

    /** The file's text, or {@code null} when it does not exist; capped at {@link Command#CAPTURE_LIMIT} bytes. */
    static String read(Connection connection, String path, Deadline deadline) throws InterruptedException {
        ExecResult r = connection.exec(Command.builder("sh", "-c", "[ ! -e \"$1\" ] && exit 3; cat -- \"$1\"", "sh",
                path).build(), deadline);
        if (r.exitCode() == 3 && !r.timedOut()) {
            return null;
        }
        return r.orThrow("reading " + path).stdout();
    }

    static void remove(Connection connection, String path, Deadline deadline) throws InterruptedException {
        connection.exec(Command.of("rm", "-rf", "--", path), deadline).orThrow("removing " + path);
    }
}
