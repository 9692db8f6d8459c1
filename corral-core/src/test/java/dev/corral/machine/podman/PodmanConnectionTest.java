package dev.corral.machine.podman;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import dev.corral.machine.Command;
import dev.corral.machine.Connection;
import dev.corral.machine.ConnectionContract;
import dev.corral.machine.FileContent;
import dev.corral.machine.Machine;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The connection contract, run against a real container of the offline test image. */
@ExtendWith(PodmanAvailable.class)
class PodmanConnectionTest extends ConnectionContract {
    @TempDir
    static Path machines;
    private static TestRun run;
    private static Machine machine;

    @BeforeAll
    static void startContainer() throws Exception {
        run = new TestRun(machines);
        PodmanSpec spec = PodmanSpec.builder(TestImages.plain()).pull(PodmanSpec.Pull.NEVER).build();
        machine = run.provisioner(spec).provision(TestRun.minutes(3));
    }

    @AfterAll
    static void removeContainer() throws Exception {
        if (run != null) {
            run.close();
        }
    }

    @Override
    protected Connection connection() {
        return machine.connection();
    }

    @Override
    protected String scratchDir() {
        return machine.workDir() + "/contract";
    }

    /**
     * The same contract on the same container through a connection without the host's view: files move through
     * {@code podman exec} of {@code tar}, as with rootless podman or user namespaces.
     */
    @Nested
    class ThroughPodmanExec extends ConnectionContract {
        private final PodmanConnection plain = new PodmanConnection(((PodmanMachine) machine).container());

        @Override
        protected Connection connection() {
            return plain;
        }

        @Override
        protected String scratchDir() {
            return machine.workDir() + "/contract-exec";
        }

        @Test
        void hasNoHostView() {
            assertThat(plain.hasHostView()).isFalse();
        }
    }

    @Test
    void aRootContainersFilesMoveThroughTheHostsViewOfIt() {
        assertThat(((PodmanConnection) machine.connection()).hasHostView()).isTrue();
    }

    @Test
    void aSymlinkInTheContainerNeverLeadsToTheHostsFiles(@TempDir Path local) throws Exception {
        String dir = machine.workDir() + "/escape-" + UUID.randomUUID();
        Connection c = machine.connection();
        c.exec(Command.of("sh", "-c", "mkdir -p \"$1\" && ln -s / \"$1/root\" && echo container > /tmp/whose",
                "sh", dir), TestRun.minutes(1)).orThrow("symlink");
        Files.writeString(local.resolve("mine"), "from the host\n");
        String marker = "corral-escape-" + UUID.randomUUID();

        c.download(dir + "/root/tmp/whose", local.resolve("whose"), TestRun.minutes(1));
        c.upload(local.resolve("mine"), dir + "/root/tmp/" + marker, TestRun.minutes(1));
        c.write(dir + "/root/tmp", List.of(FileContent.file(marker + ".w", new byte[] {1})), TestRun.minutes(1));

        assertThat(Files.readString(local.resolve("whose"))).isEqualTo("container\n");
        assertThat(Path.of("/tmp", marker)).doesNotExist();
        assertThat(Path.of("/tmp", marker + ".w")).doesNotExist();
        assertThat(c.exec(Command.of("cat", "/tmp/" + marker), TestRun.minutes(1)).stdout()).isEqualTo("from the host\n");
        assertThat(c.exec(Command.of("stat", "-c", "%s", "/tmp/" + marker + ".w"), TestRun.minutes(1)).stdout())
                .isEqualTo("1\n");
    }
}
