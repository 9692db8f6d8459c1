package dev.corral.machine.podman;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import dev.corral.Deadline;
import dev.corral.machine.Command;
import dev.corral.machine.ExecResult;

import org.slf4j.Logger;

/**
 * The container's root file system as the host sees it ({@code podman mount}, rootful podman): files move with
 * host file operations instead of a {@code podman exec} of {@code tar} (~150 ms each), so a test costs one
 * {@code podman exec} instead of three.
 *
 * <p>Used only when the host writes what the container's user reads as its own: the container runs as root,
 * podman is rootful, and a probe file written by the host is seen inside with owner 0. A path is mapped only when
 * its nearest existing ancestor, with every symlink resolved, stays inside the root file system (a symlink in the
 * container pointing at {@code /} must never reach the host's own files); otherwise the caller falls back to
 * {@code tar} through {@code podman exec}.
 */
final class HostView {
    private final Path root;

    private HostView(Path root) {
        this.root = root;
    }

    /**
     * Mounts the container's file system and checks it, or returns {@code null} (with the reason logged) when it
     * cannot serve: rootless podman, user namespaces, a mount over the work directory inside the container.
     */
    static HostView open(PodmanCli cli, PodmanConnection connection, String container, String workDir,
                         Deadline deadline, Logger log) throws InterruptedException {
        PodmanCli.Result mount = cli.run(deadline.min(Duration.ofSeconds(30)), List.of("mount", container));
        if (!mount.ok()) {
            log.debug("podman mount {} failed, files move through podman exec: {}", container, mount.message());
            return null;
        }
        Path root;
        try {
            root = Path.of(mount.stdout().strip()).toRealPath();
        } catch (IOException | RuntimeException e) {
            log.debug("podman mount {} gave an unusable path '{}': {}", container, mount.stdout().strip(), e.toString());
            return null;
        }
        HostView view = new HostView(root);
        String probe = workDir + "/.corral-host-view-" + UUID.randomUUID();
        Path host = view.map(probe);
        if (host == null) {
            log.debug("{} is not inside the mounted file system of {}", workDir, container);
            return null;
        }
        try {
            Files.writeString(host, "corral\n", StandardCharsets.UTF_8);
            ExecResult seen = connection.exec(Command.of("sh", "-c", "stat -c %u \"$1\" && cat \"$1\" && rm -f \"$1\"",
                    "sh", probe), deadline.min(Duration.ofSeconds(60)));
            if (!seen.succeeded() || !seen.stdout().equals("0\ncorral\n")) {
                log.debug("a file written through podman mount of {} is not seen as root's inside: {} {}", container,
                        seen.stdout().strip(), seen.stderr().strip());
                return null;
            }
        } catch (IOException e) {
            log.debug("cannot write through podman mount of {}: {}", container, e.toString());
            return null;
        } finally {
            try {
                Files.deleteIfExists(host);
            } catch (IOException ignored) {
                // removed by the probe itself, or with the container
            }
        }
        return view;
    }

    /**
     * The host path of an absolute container path, or {@code null} when its nearest existing ancestor (symlinks
     * resolved) leaves the container's file system.
     */
    Path map(String containerPath) {
        if (!containerPath.startsWith("/")) {
            return null;
        }
        Path host = root.resolve(containerPath.substring(1)).normalize();
        if (!host.startsWith(root)) {
            return null;
        }
        Path existing = host;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        try {
            return existing != null && existing.toRealPath().startsWith(root) ? host : null;
        } catch (IOException e) {
            return null;
        }
    }
}
