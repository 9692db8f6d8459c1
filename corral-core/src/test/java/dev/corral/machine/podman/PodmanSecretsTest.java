package dev.corral.machine.podman;

import java.time.Duration;
import java.util.function.Function;

import dev.corral.Deadline;
import dev.corral.RunId;
import dev.corral.machine.ProvisionContext;
import dev.corral.machine.Provisioner;
import dev.corral.run.AbstractSecretsContract;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Secrets in a real container: the environment reaches {@code podman exec} on its standard input, so neither the
 * host's process list ({@code podman exec} and conmon run there) nor the container's holds the values.
 */
@ExtendWith(PodmanAvailable.class)
class PodmanSecretsTest extends AbstractSecretsContract {
    private volatile RunId runId;

    @Override
    protected Function<ProvisionContext, Provisioner> provisioner() {
        PodmanSpec spec = PodmanSpec.builder(TestImages.plain()).pull(PodmanSpec.Pull.NEVER).build();
        return ctx -> {
            runId = ctx.runId();
            return new PodmanProvisioner(ctx, spec);
        };
    }

    @AfterEach
    void removeContainers() throws InterruptedException {
        RunId id = runId;
        if (id != null) {
            new PodmanCleanup().removeAll(id::equals, Deadline.after(Duration.ofMinutes(2)));
        }
    }
}
