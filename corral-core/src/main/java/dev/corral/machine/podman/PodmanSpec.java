package dev.corral.machine.podman;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

import org.apiguardian.api.API;

/**
 * What podman containers to provision: the image and how to run it.
 *
 * <pre>{@code
 * PodmanSpec plain = PodmanSpec.of("localhost/corral-test:debian-12");
 * PodmanSpec booted = PodmanSpec.builder("localhost/corral-test:debian-12-systemd")
 *         .systemd(true)
 *         .pull(PodmanSpec.Pull.NEVER)
 *         .memory("2g")
 *         .build();
 * }</pre>
 *
 * @param image         image reference, as {@code podman run} takes it
 * @param pull          when podman may pull the image ({@code --pull})
 * @param systemd       whether the image boots systemd: runs {@code /sbin/init} with {@code --systemd=always} and
 *                      waits until {@code systemctl is-system-running} says running or degraded
 * @param extraRunArgs  more {@code podman run} options, passed verbatim before the image (e.g. {@code --privileged})
 * @param memory        {@code --memory} limit such as {@code 2g}, or {@code null} for none
 * @param cpus          {@code --cpus} limit such as {@code 1.5}, or {@code null} for none
 * @param user          {@code --user} to run as ({@code name}, {@code uid[:gid]}), or {@code null} for the image's
 */
@API(status = API.Status.EXPERIMENTAL)
public record PodmanSpec(String image, Pull pull, boolean systemd, List<String> extraRunArgs, String memory,
                         String cpus, String user) {
    private static final Pattern MEMORY = Pattern.compile("[0-9]+[bkmg]?", Pattern.CASE_INSENSITIVE);
    private static final Pattern CPUS = Pattern.compile("[0-9]+(\\.[0-9]+)?");

    /** When podman may pull the image; no registry is needed with {@link #NEVER}. */
    @API(status = API.Status.EXPERIMENTAL)
    public enum Pull {
        /** Use only local images; a missing image fails with podman's message. */
        NEVER,
        /** Pull when the image is not stored locally (podman's default). */
        MISSING,
        /** Pull every time. */
        ALWAYS;

        /** The value of {@code podman run --pull}. */
        public String option() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Parses {@code never}, {@code missing} or {@code always}, case-insensitively. */
        public static Pull parse(String value) {
            for (Pull p : values()) {
                if (p.name().equalsIgnoreCase(value.strip())) {
                    return p;
                }
            }
            throw new IllegalArgumentException("invalid pull policy '" + value + "': expected never, missing or always");
        }
    }

    public PodmanSpec {
        Objects.requireNonNull(image, "image must not be null");
        if (image.isBlank() || image.startsWith("-")) {
            throw new IllegalArgumentException("invalid image '" + image + "'");
        }
        Objects.requireNonNull(pull, "pull must not be null");
        extraRunArgs = List.copyOf(Objects.requireNonNull(extraRunArgs, "extraRunArgs must not be null"));
        if (memory != null && !MEMORY.matcher(memory).matches()) {
            throw new IllegalArgumentException("invalid memory limit '" + memory + "': expected a size such as 512m or 2g");
        }
        if (cpus != null && !CPUS.matcher(cpus).matches()) {
            throw new IllegalArgumentException("invalid cpus '" + cpus + "': expected a number such as 1 or 1.5");
        }
        if (user != null && (user.isBlank() || user.startsWith("-"))) {
            throw new IllegalArgumentException("invalid user '" + user + "'");
        }
    }

    /** A plain (non-systemd) container of {@code image}, pulled when missing, with no limits. */
    public static PodmanSpec of(String image) {
        return builder(image).build();
    }

    /** Starts a builder for containers of {@code image}. */
    public static Builder builder(String image) {
        return new Builder(image);
    }

    /** Builder for {@link PodmanSpec}; not thread-safe. */
    @API(status = API.Status.EXPERIMENTAL)
    public static final class Builder {
        private final String image;
        private Pull pull = Pull.MISSING;
        private boolean systemd;
        private final List<String> extraRunArgs = new ArrayList<>();
        private String memory;
        private String cpus;
        private String user;

        private Builder(String image) {
            this.image = image;
        }

        /** When podman may pull the image (default {@link Pull#MISSING}). */
        public Builder pull(Pull policy) {
            this.pull = policy;
            return this;
        }

        /** Whether the image boots systemd (default {@code false}). */
        public Builder systemd(boolean enabled) {
            this.systemd = enabled;
            return this;
        }

        /** Adds {@code podman run} options, verbatim. */
        public Builder extraRunArgs(List<String> args) {
            extraRunArgs.addAll(args);
            return this;
        }

        /** Memory limit such as {@code 2g}. */
        public Builder memory(String limit) {
            this.memory = limit;
            return this;
        }

        /** CPU limit such as {@code 1.5}. */
        public Builder cpus(String limit) {
            this.cpus = limit;
            return this;
        }

        /** User to run as. */
        public Builder user(String name) {
            this.user = name;
            return this;
        }

        /** The spec; throws {@link IllegalArgumentException} naming an invalid value. */
        public PodmanSpec build() {
            return new PodmanSpec(image, pull, systemd, extraRunArgs, memory, cpus, user);
        }
    }
}
