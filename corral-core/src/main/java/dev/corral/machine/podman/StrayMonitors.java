package dev.corral.machine.podman;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import dev.corral.machine.HostProcesses;

/**
 * The {@code conmon} monitors that a {@code podman run} killed while it started a container leaves behind: podman
 * forgets the container ({@code podman rm} finds nothing), but its monitor and the half-started {@code runc init}
 * wait forever. They are found in {@code /proc} by the container name conmon was given ({@code -n NAME}) and killed
 * with their children. Only for podman on this host, which is the only podman Corral drives.
 */
final class StrayMonitors {
    private static final Path PROC = Path.of("/proc");

    private StrayMonitors() {
    }

    /** Kills the monitors of the containers whose name {@code names} accepts, children first; returns the names. */
    static List<String> kill(Predicate<String> names) {
        List<String> killed = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC, p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path entry : entries) {
                String name = monitoredName(entry);
                if (name != null && names.test(name)) {
                    long pid = Long.parseLong(entry.getFileName().toString());
                    ProcessHandle.of(pid).ifPresent(StrayMonitors::killTree);
                    killed.add(name);
                }
            }
        } catch (IOException e) {
            return killed;
        }
        return killed;
    }

    /** The container name of a conmon process ({@code -n NAME}), or {@code null} for any other process. */
    private static String monitoredName(Path procEntry) {
        byte[] raw;
        try {
            raw = Files.readAllBytes(procEntry.resolve("cmdline"));
        } catch (IOException | RuntimeException e) {
            return null;
        }
        String[] argv = new String(raw, StandardCharsets.UTF_8).split("\0");
        if (argv.length == 0 || !argv[0].endsWith("conmon")) {
            return null;
        }
        for (int i = 1; i + 1 < argv.length; i++) {
            if (argv[i].equals("-n") || argv[i].equals("--name")) {
                return argv[i + 1];
            }
        }
        return null;
    }

    private static void killTree(ProcessHandle monitor) {
        List<ProcessHandle> all = new ArrayList<>(monitor.descendants().toList());
        all.add(monitor);
        HostProcesses.killAndAwait(all, Duration.ofSeconds(5));
    }
}
