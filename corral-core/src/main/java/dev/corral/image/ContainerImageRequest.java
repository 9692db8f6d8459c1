package dev.corral.image;

import java.util.List;
import java.util.Objects;

import org.apiguardian.api.API;

/**
 * What container test image to build: a minimal Debian root (debootstrap minbase with bash, coreutils, tar, gzip,
 * findutils, procps, iproute2) imported into podman.
 *
 * @param suite    Debian suite, such as {@code bookworm}
 * @param systemd  whether to add systemd as PID 1 ({@code CMD /sbin/init}) for {@code podman run --systemd=always}
 * @param packages extra Debian packages, in the order given (the order is part of the cache key)
 * @param name     image name to create, or {@code null} for the default {@code localhost/corral-test:debian-12}
 *                 ({@code …:debian-12-systemd} with systemd)
 */
@API(status = API.Status.EXPERIMENTAL)
public record ContainerImageRequest(String suite, boolean systemd, List<String> packages, String name) {

    public ContainerImageRequest {
        Objects.requireNonNull(suite, "suite must not be null");
        packages = List.copyOf(Objects.requireNonNull(packages, "packages must not be null"));
        if (!suite.matches("[a-z][a-z0-9-]*")) {
            throw new IllegalArgumentException("suite must be a Debian suite name such as bookworm, not '" + suite + "'");
        }
        packages.forEach(ContainerImageRequest::checkPackage);
        if (name != null && name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank; use null for the default name");
        }
    }

    /** Debian 12 (bookworm) without systemd, under the default name. */
    public static ContainerImageRequest debian12() {
        return new ContainerImageRequest("bookworm", false, List.of(), null);
    }

    /** A copy with or without systemd as PID 1. */
    public ContainerImageRequest withSystemd(boolean systemd) {
        return new ContainerImageRequest(suite, systemd, packages, name);
    }

    /** A copy with these extra packages instead of the current ones. */
    public ContainerImageRequest withPackages(List<String> packages) {
        return new ContainerImageRequest(suite, systemd, packages, name);
    }

    /** A copy that creates the image under {@code name} ({@code null}: the default name). */
    public ContainerImageRequest withName(String name) {
        return new ContainerImageRequest(suite, systemd, packages, name);
    }

    static void checkPackage(String pkg) {
        if (pkg == null || !pkg.matches("[a-z0-9][a-z0-9+.-]+")) {
            throw new IllegalArgumentException("not a Debian package name: '" + pkg + "'");
        }
    }
}
