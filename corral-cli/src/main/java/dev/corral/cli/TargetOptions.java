package dev.corral.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How one target provisions its machines, from command-line flags or one entry of a run file. Immutable.
 *
 * @param name       target name
 * @param how        {@code local}, {@code podman}, {@code connect} or {@code qemu}
 * @param workers    most machines at once, or {@code null} for the kind's default
 * @param perMachine tests at once on one machine
 * @param context    FMF context
 * @param image      container image or VM disk, or {@code null}
 * @param pull       podman pull policy ({@code never}, {@code missing}), or {@code null}
 * @param systemd    podman: run the image's init
 * @param hosts      SSH hosts file, or {@code null}
 * @param guest      SSH host, or {@code null}
 * @param port       SSH port, or {@code null}
 * @param user       SSH user, or {@code null}
 * @param key        SSH private key, or {@code null}
 * @param passwordEnv name of the environment variable holding the SSH password, or {@code null}
 * @param insecureHostKey accept any SSH host key (never the default)
 * @param memory     VM memory in MiB, or {@code null}
 * @param cpus       VM CPUs, or {@code null}
 * @param directBoot qemu: boot the kernel beside the image directly instead of through its bootloader
 * @param source     where this target was defined, for error messages ({@code run.yaml:12} or {@code command line})
 */
record TargetOptions(String name, String how, Integer workers, int perMachine, Map<String, List<String>> context,
                     String image, String pull, boolean systemd, Path hosts, String guest, Integer port, String user,
                     Path key, String passwordEnv, boolean insecureHostKey, Integer memory, Integer cpus, boolean directBoot, String source) {
}
