package dev.corral.machine.local;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;

import dev.corral.Deadline;
import dev.corral.RunId;
import dev.corral.files.FileTrees;
import dev.corral.machine.Capability;
import dev.corral.machine.Connection;
import dev.corral.machine.Machine;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One local machine slot: processes of the JVM's user on this host, with a private work directory. It cannot
 * reboot; it is alive until closed. Closing kills every command still running and removes the work directory.
 */
final class LocalMachine implements Machine {
    private final String id;
    private final Path workDir;
    private final Set<Capability> capabilities;
    private final LocalConnection connection;
    private final Runnable onClose;
    private final Logger log;
    private volatile boolean closed;

    LocalMachine(String id, RunId runId, Path workDir, String setsid, Set<Capability> capabilities, Runnable onClose) {
        this.id = id;
        this.workDir = workDir.toAbsolutePath().normalize();
        this.capabilities = Set.copyOf(capabilities);
        this.onClose = onClose;
        this.log = LoggerFactory.getLogger("corral.machine.local." + id);
        this.connection = new LocalConnection(this, ProcessReaper.tokenPrefix(runId), setsid, log);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Connection connection() {
        return connection;
    }

    @Override
    public String workDir() {
        return workDir.toString();
    }

    Path workPath() {
        return workDir;
    }

    /** Starts the process that starts the machine's commands now, while the machine is being prepared. */
    void startSpawnerAhead() {
        connection.startSpawnerAhead();
    }

    @Override
    public Set<Capability> capabilities() {
        return capabilities;
    }

    @Override
    public boolean isAlive(Deadline deadline) {
        return !closed;
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            connection.killAll();
            if (!FileTrees.deleteQuietly(workDir)) {
                log.warn("cannot remove work directory {}", workDir);
            }
        } finally {
            onClose.run();
        }
    }

    @Override
    public String toString() {
        return "LocalMachine[" + id + "]";
    }
}
