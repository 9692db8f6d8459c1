package dev.corral.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.corral.CorralException;
import dev.corral.machine.local.LocalProvisioner;
import dev.corral.machine.podman.PodmanProvisioner;
import dev.corral.machine.podman.PodmanSpec;
import dev.corral.machine.qemu.QemuProvisioner;
import dev.corral.machine.qemu.QemuSpec;
import dev.corral.machine.ssh.HostKeyPolicy;
import dev.corral.machine.ssh.HostSpec;
import dev.corral.machine.ssh.HostsFile;
import dev.corral.machine.ssh.SshOptions;
import dev.corral.machine.ssh.SshProvisioner;
import dev.corral.machine.ssh.SshTarget;
import dev.corral.run.TargetSpec;

/** Turns {@link TargetOptions} into a {@link TargetSpec} with the right provisioner; one place per kind. */
final class Provisioners {
    private Provisioners() {
    }

    private static TargetSpec connect(TargetOptions o) {
        HostKeyPolicy keys = o.insecureHostKey() ? HostKeyPolicy.acceptAny() : HostKeyPolicy.knownHosts();
        List<HostSpec> hosts;
        if (o.hosts() != null) {
            if (o.guest() != null) {
                throw new CorralException(o.source() + ": give either --guest or --hosts, not both");
            }
            hosts = HostsFile.read(o.hosts(), keys);
        } else if (o.guest() != null) {
            SshTarget.Builder target = SshTarget.builder(o.guest()).hostKeys(keys);
            if (o.port() != null) {
                target.port(o.port());
            }
            if (o.user() != null) {
                target.user(o.user());
            }
            if (o.key() != null) {
                target.key(o.key());
            }
            if (o.passwordEnv() != null) {
                String password = System.getenv(o.passwordEnv());
                if (password == null) {
                    throw new CorralException(o.source() + ": environment variable " + o.passwordEnv() + " is not set");
                }
                target.password(password);
            }
            hosts = List.of(HostSpec.single(target.build()));
        } else {
            throw new CorralException(o.source() + ": --how connect needs --guest HOST or --hosts FILE");
        }
        int slots = hosts.stream().mapToInt(HostSpec::slots).sum();
        int workers = o.workers() != null ? Math.min(o.workers(), slots) : slots;
        String where = o.hosts() != null ? o.hosts().toString() : o.guest();
        return new TargetSpec(o.name(), ctx -> new SshProvisioner(ctx, hosts, SshOptions.defaults(), false), workers,
                o.perMachine(), o.context(), "connect " + where + " x" + workers);
    }

    static TargetSpec spec(TargetOptions o) {
        if (o.workers() != null && o.workers() < 1) {
            throw new CorralException(o.source() + ": workers must be at least 1, got " + o.workers());
        }
        if (o.perMachine() < 1) {
            throw new CorralException(o.source() + ": per-machine must be at least 1, got " + o.perMachine());
        }
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
            case "connect" -> connect(o);
            case "qemu" -> {
                if (o.image() == null) {
                    throw new CorralException(o.source() + ": --how qemu needs --image DISK.qcow2 (see 'corral image build --vm')");
                }
                Path disk = Path.of(o.image()).toAbsolutePath();
                if (!Files.isRegularFile(disk)) {
                    throw new CorralException(o.source() + ": no VM image at " + disk);
                }
                QemuSpec.Builder spec = QemuSpec.builder(disk).directKernelBoot(o.directBoot());
                if (o.memory() != null) {
                    spec.memoryMiB(o.memory());
                }
                if (o.cpus() != null) {
                    spec.cpus(o.cpus());
                }
                QemuSpec built = spec.build();
                int workers = o.workers() != null ? o.workers() : cpus;
                yield new TargetSpec(o.name(), ctx -> new QemuProvisioner(ctx, built), workers, o.perMachine(),
                        o.context(), "qemu " + disk.getFileName() + " x" + workers);
            }
            default -> throw new CorralException(o.source() + ": unknown provisioning '" + o.how()
                    + "': expected local, podman, connect or qemu");
        };
    }
}
