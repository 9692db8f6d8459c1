package dev.corral.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.corral.Deadline;

/** Builds the real container test images (cached after the first run) and runs them with podman. */
@Timeout(value = 15, unit = java.util.concurrent.TimeUnit.MINUTES)
class ContainerImageTest {
    private static final Duration BUILD = Duration.ofMinutes(12);
    private static final Duration RUN = Duration.ofSeconds(90);

    private final List<String> log = new CopyOnWriteArrayList<>();
    private final ImageBuilder builder = ImageBuilder.create().withLog(log::add);

    @BeforeAll
    static void tools() {
        HostTools.require("podman", "debootstrap", "flock", "sha256sum");
    }

    @Test
    void plainImageRunsCommands() throws InterruptedException {
        String image = builder.buildContainerImage(ContainerImageRequest.debian12(), Deadline.after(BUILD));

        assertThat(image).isEqualTo("localhost/corral-test:debian-12");
        String out = HostTools.check(RUN, "podman", "run", "--rm", "--network=none", image,
                "bash", "-c", "cat /etc/debian_version; ps -p 1 -o comm=; tar --version | head -1; ip -V");
        assertThat(out).startsWith("12.").contains("tar (GNU tar)").contains("ip utility");
        assertThat(HostTools.check(RUN, "podman", "image", "inspect", "--format",
                "{{index .Labels \"dev.corral.image.key\"}}", image)).matches("[0-9a-f]{16}\\s*");
    }

    @Test
    void secondBuildIsCachedAndQuick() throws InterruptedException {
        builder.buildContainerImage(ContainerImageRequest.debian12(), Deadline.after(BUILD));
        log.clear();
        long start = System.nanoTime();

        String image = builder.buildContainerImage(ContainerImageRequest.debian12(), Deadline.after(BUILD));

        assertThat(image).isEqualTo("localhost/corral-test:debian-12");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
        assertThat(log).anyMatch(line -> line.contains("is up to date"));
    }

    @Test
    void systemdImageBootsSystemdInPodman() throws InterruptedException {
        String image = builder.buildContainerImage(ContainerImageRequest.debian12().withSystemd(true),
                Deadline.after(BUILD));
        assertThat(image).isEqualTo("localhost/corral-test:debian-12-systemd");

        String name = "corral-image-test-" + ProcessHandle.current().pid();
        HostTools.check(RUN, "podman", "run", "-d", "--rm", "--name", name, "--network=none", "--systemd=always",
                image);
        try {
            // systemd needs a moment before systemctl can reach it.
            HostTools.Output state = HostTools.run(RUN, "podman", "exec", name, "sh", "-c",
                    "for i in $(seq 300); do [ -S /run/systemd/private ] && break; sleep 0.2; done; "
                            + "systemctl is-system-running --wait");
            assertThat(state.text().strip()).as("state of systemd in the container; failed units: %s",
                    HostTools.run(RUN, "podman", "exec", name, "systemctl", "--failed", "--no-legend").text())
                    .isIn("running", "degraded");
            assertThat(HostTools.check(RUN, "podman", "exec", name, "readlink", "/proc/1/exe").strip())
                    .endsWith("/systemd");
        } finally {
            HostTools.run(RUN, "podman", "rm", "-f", "-t", "0", name);
        }
    }
}
