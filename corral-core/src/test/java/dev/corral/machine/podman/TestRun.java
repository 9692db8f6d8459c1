package dev.corral.machine.podman;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.corral.Deadline;
import dev.corral.RunId;
import dev.corral.machine.ProvisionContext;

/**
 * One test run: a fresh run id, the provisioners made for it, and a safety net that removes every container
 * labelled with the run id when closed, whatever the test did.
 */
final class TestRun implements AutoCloseable {
    final RunId id = RunId.generate();
    final ProvisionContext context;
    private final List<PodmanProvisioner> provisioners = new CopyOnWriteArrayList<>();

    TestRun(Path machinesRoot) {
        this.context = new ProvisionContext(id, machinesRoot);
    }

    PodmanProvisioner provisioner(PodmanSpec spec) {
        PodmanProvisioner p = new PodmanProvisioner(context, spec);
        provisioners.add(p);
        return p;
    }

    /** The run's containers as podman lists them now. */
    List<LabelledContainer> containers() throws InterruptedException {
        return new PodmanCleanup().list(id, Deadline.after(Duration.ofMinutes(1)));
    }

    static Deadline minutes(long n) {
        return Deadline.after(Duration.ofMinutes(n));
    }

    @Override
    public void close() {
        provisioners.forEach(PodmanProvisioner::close);
        try {
            new PodmanCleanup().removeAll(id::equals, Deadline.after(Duration.ofMinutes(2)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
