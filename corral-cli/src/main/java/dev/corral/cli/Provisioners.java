package dev.corral.cli;

import dev.corral.CorralException;
import dev.corral.machine.local.LocalProvisioner;
import dev.corral.run.TargetSpec;

/** Turns {@link TargetOptions} into a {@link TargetSpec} with the right provisioner; one place per kind. */
final class Provisioners {
    private Provisioners() {
    }

    static TargetSpec spec(TargetOptions o) {
        int cpus = Runtime.getRuntime().availableProcessors();
        return switch (o.how()) {
            case "local" -> {
                int workers = o.workers() != null ? o.workers() : cpus;
                yield new TargetSpec(o.name(), ctx -> new LocalProvisioner(ctx, workers), workers, o.perMachine(),
                        o.context(), "local x" + workers);
            }
            default -> throw new CorralException(o.source() + ": unknown provisioning '" + o.how()
                    + "': expected local, podman, connect or qemu");
        };
    }
}
