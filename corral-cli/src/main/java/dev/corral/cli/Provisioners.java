package dev.corral.cli;

import dev.corral.CorralException;
import dev.corral.machine.local.LocalProvisioner;
import dev.corral.machine.podman.PodmanProvisioner;
import dev.corral.machine.podman.PodmanSpec;
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
            case "podman" -> {
                if (o.image() == null) {
                    throw new CorralException(o.source() + ": --how podman needs --image IMAGE");
                }
                PodmanSpec.Builder spec = PodmanSpec.builder(o.image()).systemd(o.systemd());
                if (o.pull() != null) {
                    spec.pull(PodmanSpec.Pull.parse(o.pull()));
                }
                PodmanSpec built = spec.build();
                int workers = o.workers() != null ? o.workers() : cpus;
                yield new TargetSpec(o.name(), ctx -> new PodmanProvisioner(ctx, built), workers, o.perMachine(),
                        o.context(), "podman " + o.image() + " x" + workers);
            }
            default -> throw new CorralException(o.source() + ": unknown provisioning '" + o.how()
                    + "': expected local, podman, connect or qemu");
        };
    }
}
