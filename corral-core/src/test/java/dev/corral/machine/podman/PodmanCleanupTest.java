package dev.corral.machine.podman;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.corral.machine.Command;
import dev.corral.machine.Machine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clean-up of dead runs against real containers. Never removes anything but its own runs' containers: other
 * test suites may be running containers on the same podman.
 */
class PodmanCleanupTest {
    @TempDir
    Path results;

    private record Run(int exitCode, String output) {
    }

    private static Run podman(String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("podman"));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out.strip());
    }

    @Test
    @ExtendWith(PodmanAvailable.class)
    void removesTheContainersAndVolumesOfDeadRunsOnly() throws Exception {
        String image = TestImages.plain();
        PodmanSpec plain = PodmanSpec.builder(image).pull(PodmanSpec.Pull.NEVER).build();
        PodmanSpec withVolume = PodmanSpec.builder(image).pull(PodmanSpec.Pull.NEVER)
                .extraRunArgs(List.of("-v", "/data")).build();
        String alien = "corral-test-alien-" + UUID.randomUUID().toString().substring(0, 8);
        try (TestRun dead = new TestRun(results.resolve("dead")); TestRun live = new TestRun(results.resolve("live"))) {
            Machine withData = dead.provisioner(withVolume).provision(TestRun.minutes(3));
            dead.provisioner(plain).provision(TestRun.minutes(3)); // a second provisioner of the same run
            Machine survivor = live.provisioner(plain).provision(TestRun.minutes(3));
            // a container whose label is no run id: not Corral's to judge
            assertThat(podman("run", "-d", "--name", alien, "--label", "corral.run=Not A Run", "--pull=never",
                    image, "sleep", "600").exitCode()).isZero();

            String deadName = "corral-" + dead.id.value() + "-1";
            String volume = podman("container", "inspect", "--format", "{{range .Mounts}}{{.Name}}{{end}}", deadName).output();
            assertThat(volume).isNotBlank();
            assertThat(dead.containers()).extracting(LabelledContainer::name)
                    .containsExactlyInAnyOrder(deadName, "corral-" + dead.id.value() + "-2");
            assertThat(new PodmanCleanup().listAll(TestRun.minutes(1))).extracting(LabelledContainer::run)
                    .contains(dead.id, live.id);

            List<LabelledContainer> removed = new PodmanCleanup().removeAll(dead.id::equals, TestRun.minutes(2));

            assertThat(removed).extracting(LabelledContainer::run).containsOnly(dead.id).hasSize(2);
            assertThat(dead.containers()).isEmpty();
            assertThat(podman("volume", "exists", volume).exitCode()).as("anonymous volume " + volume).isEqualTo(1);
            assertThat(live.containers()).singleElement().satisfies(c -> assertThat(c.state()).isEqualTo("running"));
            assertThat(survivor.connection().exec(Command.of("echo", "still here"), TestRun.minutes(1)).stdout())
                    .isEqualTo("still here\n");
            assertThat(podman("container", "exists", alien).exitCode()).isZero();
            withData.close(); // already removed: closing is harmless
        } finally {
            podman("rm", "-f", "-t", "0", "--ignore", alien);
        }
    }

    @Test
    void podmansJsonIsReadAndForeignLabelsSkipped() {
        String json = """
                [{"Id":"abc123","Names":["corral-20261123-183533-k3f9-2"],"State":"exited",
                  "Labels":{"corral.run":"20261123-183533-k3f9","corral.machine":"podman-2"}},
                 {"Id":"def456","Names":["other"],"State":"running","Labels":{"corral.run":"Bad Id!"}},
                 {"Id":"0f0f","Names":["bare"],"State":"created","Labels":{"corral.run":"run-2"}}]
                """;
        assertThat(PodmanCleanup.parse(json)).containsExactly(
                new LabelledContainer("abc123", "corral-20261123-183533-k3f9-2",
                        new dev.corral.RunId("20261123-183533-k3f9"), "podman-2", "exited"),
                new LabelledContainer("0f0f", "bare", new dev.corral.RunId("run-2"), null, "created"));
        assertThat(PodmanCleanup.parse("")).isEmpty();
    }
}
