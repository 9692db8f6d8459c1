package dev.corral.machine.podman;

import java.time.Duration;
import java.util.List;

import dev.corral.Deadline;
import dev.corral.machine.ProvisionException;

import org.slf4j.Logger;

/**
 * Waits until a freshly started (or restarted) container runs commands: for systemd images, until
 * {@code systemctl is-system-running --wait} says {@code running} or {@code degraded}; then checks that the
 * image has what the exec wrapper needs and creates the work directory. Stateless.
 */
final class Readiness {
    private static final Duration RETRY = Duration.ofMillis(250);

    /** $1 = work directory; prints the user id. */
    private static final String CHECK = """
            for tool in setsid tar; do
              command -v "$tool" >/dev/null 2>&1 || { echo "the image has no '$tool' (Corral needs sh, setsid and tar)" >&2; exit 3; }
            done
            mkdir -p "$1" && id -u
            """;

    private Readiness() {
    }

    /**
     * Blocks until the container is ready.
     *
     * @return the user id commands run as
     * @throws ProvisionException with podman's or the container's explanation when it never gets ready
     */
    static int await(PodmanCli cli, String container, boolean systemd, String workDir, Deadline deadline, Logger log)
            throws InterruptedException {
        if (systemd) {
            awaitSystemd(cli, container, deadline, log);
        }
        while (true) {
            PodmanCli.Result r = cli.run(deadline.min(Duration.ofSeconds(60)),
                    List.of("exec", container, "sh", "-c", CHECK, "corral-ready", workDir));
            if (r.ok()) {
                try {
                    return Integer.parseInt(r.stdout().strip());
                } catch (NumberFormatException e) {
                    throw new ProvisionException("container " + container + ": 'id -u' printed '" + r.stdout().strip() + "'");
                }
            }
            if (r.exitCode() == 3) {
                throw new ProvisionException("container " + container + " cannot be used: " + r.message());
            }
            failIfStopped(cli, container, r, deadline);
            if (deadline.expired()) {
                throw new ProvisionException("container " + container + " did not run a command before the deadline: "
                        + r.message());
            }
            log.debug("not ready yet: {}", r.message());
            Thread.sleep(RETRY);
        }
    }

    private static void awaitSystemd(PodmanCli cli, String container, Deadline deadline, Logger log)
            throws InterruptedException {
        String last = "";
        while (true) {
            PodmanCli.Result r = cli.run(deadline.min(Duration.ofMinutes(5)),
                    List.of("exec", container, "systemctl", "is-system-running", "--wait"));
            String state = r.stdout().strip();
            if (state.equals("running") || state.equals("degraded")) {
                log.debug("systemd is {}", state);
                return;
            }
            last = state.isEmpty() ? r.message() : state;
            failIfStopped(cli, container, r, deadline);
            if (deadline.expired() || state.equals("stopping") || state.equals("offline")) {
                throw new ProvisionException("systemd in container " + container + " did not boot: "
                        + "systemctl is-system-running says '" + last + "'");
            }
            log.debug("systemd not up yet: {}", last);
            Thread.sleep(RETRY);
        }
    }

    /** Throws, quoting the container's last log lines, when the container is no longer running. */
    private static void failIfStopped(PodmanCli cli, String container, PodmanCli.Result failed, Deadline deadline)
            throws InterruptedException {
        PodmanCli.Result state = cli.run(deadline.min(Duration.ofSeconds(30)),
                List.of("container", "inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", container));
        if (!state.ok()) {
            throw new ProvisionException("container " + container + " disappeared while starting: " + state.message());
        }
        if (!state.stdout().startsWith("running")) {
            PodmanCli.Result logs = cli.run(deadline.min(Duration.ofSeconds(30)),
                    List.of("logs", "--tail", "5", container));
            String tail = (logs.stdout() + logs.stderr()).strip().replace("\n", " | ");
            throw new ProvisionException("container " + container + " stopped while starting (state "
                    + state.stdout().strip() + ")" + (tail.isEmpty() ? ": " + failed.message() : ": " + tail));
        }
    }
}
