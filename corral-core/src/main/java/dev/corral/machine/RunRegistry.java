package dev.corral.machine;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

import dev.corral.CorralException;
import dev.corral.RunId;

import org.apiguardian.api.API;

/**
 * Tells live runs from dead ones on this host: while a run has resources outside the JVM, its process holds an
 * exclusive lock on {@code <dir>/<run id>.lock}. The kernel drops the lock when the process dies, however it dies
 * (kill -9 included), so a run whose lock can be taken is dead and its leftovers may be removed.
 *
 * <p>Provisioners {@link #register} their run when created and close the registration when closed; registrations
 * of one run within one JVM share the lock (it is released with the last one). Thread-safe. The default
 * directory is {@code $CORRAL_RUNTIME_DIR}, else {@code <java.io.tmpdir>/corral-runs}.
 */
@API(status = API.Status.EXPERIMENTAL)
public final class RunRegistry {
    private static final Map<Path, Map<RunId, Held>> HELD = new HashMap<>();

    private final Path dir;

    /** A registry in {@code dir} (created when needed). */
    public RunRegistry(Path dir) {
        this.dir = Objects.requireNonNull(dir, "dir must not be null").toAbsolutePath().normalize();
    }

    /** The registry every Corral process on this host uses. */
    public static RunRegistry standard() {
        String configured = System.getenv("CORRAL_RUNTIME_DIR");
        return new RunRegistry(configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of(System.getProperty("java.io.tmpdir"), "corral-runs"));
    }

    /**
     * Marks a run as live until the returned registration is closed (with every other registration of the run in
     * this JVM) or the process dies.
     *
     * @throws CorralException when the lock file cannot be created or another process holds it
     */
    public Registration register(RunId run) {
        synchronized (HELD) {
            Map<RunId, Held> mine = HELD.computeIfAbsent(dir, d -> new HashMap<>());
            Held held = mine.get(run);
            if (held == null) {
                held = lock(run);
                mine.put(run, held);
            }
            held.count++;
            return new Registration(this, run);
        }
    }

    /** Whether a process on this host (this one included) holds the run's lock. A run never registered is dead. */
    public boolean isLive(RunId run) {
        synchronized (HELD) {
            if (HELD.getOrDefault(dir, Map.of()).containsKey(run)) {
                return true;
            }
        }
        Path file = file(run);
        if (!Files.exists(file)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return true;
            }
            Files.deleteIfExists(file);
            lock.release();
            return false;
        } catch (IOException e) {
            // cannot tell: treat as live, removing a live run's machines is worse than leaving a dead one's
            return true;
        }
    }

    private Held lock(RunId run) {
        Path file = file(run);
        try {
            Files.createDirectories(dir);
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                throw new CorralException("run " + run + " is live in another process (" + file + " is locked)");
            }
            return new Held(file, channel, lock);
        } catch (IOException e) {
            throw new CorralException("cannot register run " + run + " in " + dir + ": " + e.getMessage(), e);
        }
    }

    private void release(RunId run) {
        synchronized (HELD) {
            Map<RunId, Held> mine = HELD.get(dir);
            Held held = mine == null ? null : mine.get(run);
            if (held == null || --held.count > 0) {
                return;
            }
            mine.remove(run);
            try {
                Files.deleteIfExists(held.file);
                held.lock.release();
                held.channel.close();
            } catch (IOException e) {
                // the lock goes with the process anyway
            }
        }
    }

    private Path file(RunId run) {
        return dir.resolve(run.value() + ".lock");
    }

    private static final class Held {
        final Path file;
        final FileChannel channel;
        final FileLock lock;
        int count;

        Held(Path file, FileChannel channel, FileLock lock) {
            this.file = file;
            this.channel = channel;
            this.lock = lock;
        }
    }

    /** One hold on a live run; closing it (once; later closes do nothing) may end the run's liveness. */
    public static final class Registration implements AutoCloseable {
        private final RunRegistry registry;
        private final RunId run;
        private boolean closed;

        private Registration(RunRegistry registry, RunId run) {
            this.registry = registry;
            this.run = run;
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                registry.release(run);
            }
        }
    }
}
