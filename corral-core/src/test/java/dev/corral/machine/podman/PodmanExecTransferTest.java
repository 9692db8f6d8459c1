package dev.corral.machine.podman;

import java.nio.file.Path;

import dev.corral.machine.Connection;
import dev.corral.machine.ConnectionContract;
import dev.corral.machine.Machine;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connection contract for a container whose files move through {@code podman exec} of {@code tar} (rootless
 * podman, user namespaces), not through the host's view of it.
 */
@ExtendWith(PodmanAvailable.class)
class PodmanExecTransferTest extends ConnectionContract {
    @TempDir
    static Path machines;
    private static TestRun run;
    private static Machine machine;

    @BeforeAll
    static void startContainer() throws Exception {
        run = new TestRun(machines);
        PodmanSpec spec = PodmanSpec.builder(TestImages.plain()).pull(PodmanSpec.Pull.NEVER).build();
        machine = run.provisioner(spec).provision(TestRun.minutes(3));
        ((PodmanConnection) machine.connection()).useHostView(null);
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
}
