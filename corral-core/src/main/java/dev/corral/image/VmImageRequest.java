package dev.corral.image;

import java.util.List;
import java.util.Objects;

import org.apiguardian.api.API;

/**
 * What VM test image to build: a bootable qcow2 like a distro cloud image (MBR, GRUB for BIOS, ext4 root, Debian with
 * {@code linux-image-cloud-amd64}, systemd, cloud-init, openssh-server, sudo; serial console on ttyS0).
 *
 * @param suite     Debian suite, such as {@code bookworm}
 * @param sizeBytes virtual disk size in bytes (at least 1 GiB); an overlay made bigger is grown by cloud-init
 * @param packages  extra Debian packages, in the order given (the order is part of the cache key)
 */
@API(status = API.Status.EXPERIMENTAL)
public record VmImageRequest(String suite, long sizeBytes, List<String> packages) {

    /** The default virtual disk size, 4 GiB. */
    public static final long DEFAULT_SIZE = 4L << 30;

    public VmImageRequest {
        Objects.requireNonNull(suite, "suite must not be null");
        packages = List.copyOf(Objects.requireNonNull(packages, "packages must not be null"));
        if (!suite.matches("[a-z][a-z0-9-]*")) {
            throw new IllegalArgumentException("suite must be a Debian suite name such as bookworm, not '" + suite + "'");
        }
        if (sizeBytes < (1L << 30)) {
            throw new IllegalArgumentException("sizeBytes must be at least 1 GiB, not " + sizeBytes);
        }
        packages.forEach(ContainerImageRequest::checkPackage);
    }

    /** Debian 12 (bookworm), 4 GiB, no extra packages. */
    public static VmImageRequest debian12() {
        return new VmImageRequest("bookworm", DEFAULT_SIZE, List.of());
    }

    /** A copy with another virtual disk size. */
    public VmImageRequest withSizeBytes(long sizeBytes) {
        return new VmImageRequest(suite, sizeBytes, packages);
    }

    /** A copy with these extra packages instead of the current ones. */
    public VmImageRequest withPackages(List<String> packages) {
        return new VmImageRequest(suite, sizeBytes, packages);
    }
}
