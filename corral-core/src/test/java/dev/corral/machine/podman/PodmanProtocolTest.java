package dev.corral.machine.podman;

import java.nio.file.Path;

import dev.corral.execute.AbstractProtocolContract;
import dev.corral.machine.Machine;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;

/** The tmt protocol in real containers: the same cases as on local machines, one fresh container per case. */
@ExtendWith(PodmanAvailable.class)
class PodmanProtocolTest extends AbstractProtocolContract {
    private TestRun run;

    @Override
    protected Machine provision(Path workspace) throws Exception {
        if (run == null) {
            run = new TestRun(workspace.resolve("machines"));
        }
        PodmanSpec spec = PodmanSpec.builder(TestImages.plain()).pull(PodmanSpec.Pull.NEVER).build();
        return run.provisioner(spec).provision(TestRun.minutes(3));
    }

    @Override
    protected Machine provisionRebootable(Path workspace) throws Exception {
        return provision(workspace);
    }

    @AfterEach
    void removeContainers() {
        if (run != null) {
            run.close();
            run = null;
        }
    }
}
