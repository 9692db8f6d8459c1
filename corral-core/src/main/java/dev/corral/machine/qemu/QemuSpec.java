package dev.corral.machine.qemu;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import org.apiguardian.api.API;

/**
 * What QEMU virtual machines to provision: the base image and the size and kind of VM booted from it.
 *
 * <pre>{@code
 * QemuSpec spec = QemuSpec.builder(Path.of("debian-12.qcow2"))
 *         .memoryMiB(2048)
 *         .cpus(2)
 *         .bootTimeout(Duration.ofMinutes(10))
 *         .build();
 * }</pre>
 *
 * @param image            the base qcow2 image, never written to (each VM boots from its own overlay); it must
 *                         have cloud-init with the NoCloud data source, like distro cloud images
 * @param memoryMiB        guest memory in MiB, at least 128 (default 1024)
 * @param cpus             virtual CPUs, at least 1 (default 1)
 * @param bootTimeout      how long one boot may take until the VM is ready (default 5 minutes: TCG is slow)
 * @param accelerator      {@code auto} (KVM when a probe boot shows it works, else TCG), {@code kvm} or {@code tcg}
 * @param user             the login over SSH (default {@code root}); the seed's key is given to root and to the
 *                         image's default user
 * @param extraArgs        more QEMU arguments, appended verbatim
 * @param directKernelBoot boot {@code IMAGE.vmlinuz}/{@code IMAGE.initrd} with the command line in
 *                         {@code IMAGE.cmdline} (files beside the image, as Corral's image builder writes them)
 *                         instead of the image's own boot loader: skips BIOS and GRUB
 */
@API(status = API.Status.EXPERIMENTAL)
public record QemuSpec(Path image, int memoryMiB, int cpus, Duration bootTimeout, Accelerator accelerator, String user,
                       List<String> extraArgs, boolean directKernelBoot) {

    /** Default guest memory in MiB. */
    public static final int DEFAULT_MEMORY_MIB = 1024;
    /** Default boot timeout. */
    public static final Duration DEFAULT_BOOT_TIMEOUT = Duration.ofMinutes(5);

    /** How QEMU runs the guest's code. */
    @API(status = API.Status.EXPERIMENTAL)
    public enum Accelerator {
        /** KVM when it really works here (see {@link KvmProbe}), else TCG. */
        AUTO,
        /** Hardware virtualisation; fails when {@code /dev/kvm} is missing or broken. */
        KVM,
        /** QEMU's portable emulator: works everywhere, several times slower. */
        TCG;

        /** Parses {@code auto}, {@code kvm} or {@code tcg}, case-insensitively. */
        public static Accelerator parse(String value) {
            for (Accelerator a : values()) {
                if (a.name().equalsIgnoreCase(value.strip())) {
                    return a;
                }
            }
            throw new IllegalArgumentException("invalid accelerator '" + value + "': expected auto, kvm or tcg");
        }

        /** The value of QEMU's {@code -accel}. */
        public String option() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public QemuSpec {
        Objects.requireNonNull(image, "image must not be null");
        if (memoryMiB < 128) {
            throw new IllegalArgumentException("invalid memory " + memoryMiB + " MiB: expected at least 128");
        }
        if (cpus < 1 || cpus > 255) {
            throw new IllegalArgumentException("invalid cpus " + cpus + ": expected 1..255");
        }
        Objects.requireNonNull(bootTimeout, "bootTimeout must not be null");
        if (bootTimeout.isNegative() || bootTimeout.isZero()) {
            throw new IllegalArgumentException("invalid boot timeout " + bootTimeout + ": expected a positive duration");
        }
        Objects.requireNonNull(accelerator, "accelerator must not be null");
        Objects.requireNonNull(user, "user must not be null");
        if (!user.matches("[a-z_][a-z0-9_.-]*")) {
            throw new IllegalArgumentException("invalid user '" + user + "'");
        }
        extraArgs = List.copyOf(Objects.requireNonNull(extraArgs, "extraArgs must not be null"));
    }

    /** A spec for the image with every default. */
    public static QemuSpec of(Path image) {
        return builder(image).build();
    }

    /** Starts a builder for the image, with the defaults above. */
    public static Builder builder(Path image) {
        return new Builder(image);
    }

    /** Builder for {@link QemuSpec}; not thread-safe. */
    @API(status = API.Status.EXPERIMENTAL)
    public static final class Builder {
        private final Path image;
        private int memoryMiB = DEFAULT_MEMORY_MIB;
        private int cpus = 1;
        private Duration bootTimeout = DEFAULT_BOOT_TIMEOUT;
        private Accelerator accelerator = Accelerator.AUTO;
        private String user = "root";
        private List<String> extraArgs = List.of();
        private boolean directKernelBoot;

        private Builder(Path image) {
            this.image = image;
        }

        /** Guest memory in MiB (default 1024). */
        public Builder memoryMiB(int mib) {
            this.memoryMiB = mib;
            return this;
        }

        /** Virtual CPUs (default 1). */
        public Builder cpus(int count) {
            this.cpus = count;
            return this;
        }

        /** Limit of one boot (default 5 minutes). */
        public Builder bootTimeout(Duration timeout) {
            this.bootTimeout = timeout;
            return this;
        }

        /** Accelerator (default {@link Accelerator#AUTO}). */
        public Builder accelerator(Accelerator value) {
            this.accelerator = value;
            return this;
        }

        /** SSH login (default root). */
        public Builder user(String name) {
            this.user = name;
            return this;
        }

        /** More QEMU arguments, appended verbatim. */
        public Builder extraArgs(List<String> args) {
            this.extraArgs = args;
            return this;
        }

        /** Boot the kernel beside the image directly (default: the image's boot loader). */
        public Builder directKernelBoot(boolean direct) {
            this.directKernelBoot = direct;
            return this;
        }

        /** The spec; throws {@link IllegalArgumentException} naming an invalid value. */
        public QemuSpec build() {
            return new QemuSpec(image, memoryMiB, cpus, bootTimeout, accelerator, user, extraArgs, directKernelBoot);
        }
    }
}
