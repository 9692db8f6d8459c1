package dev.corral.image;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

import org.apiguardian.api.API;

import dev.corral.Deadline;

/**
 * Builds Corral's offline test images with the shell scripts shipped in this package
 * ({@code build-container-image.sh}, {@code build-vm-image.sh}): a podman image of a minimal Debian root and a
 * bootable qcow2 VM image like a distro cloud image. Both are built from Debian's package mirror only and cached
 * by a hash of their inputs (the request and the scripts themselves), so a second call returns at once.
 *
 * <pre>{@code
 * ImageBuilder builder = ImageBuilder.create().withLog(System.err::println);
 * String image = builder.buildContainerImage(ContainerImageRequest.debian12(), Deadline.after(Duration.ofMinutes(10)));
 * Path qcow2 = builder.buildVmImage(VmImageRequest.debian12(), Deadline.after(Duration.ofMinutes(20)));
 * }</pre>
 *
 * <p>Building needs root or passwordless sudo (debootstrap), podman for container images, and qemu-img, sfdisk and
 * mke2fs for VM images; {@code scripts/install-deps} installs them. Concurrent builds of the same image, also from
 * other processes, wait for each other. The VM image boots with {@code -nic user,model=virtio-net-pci} (the cloud
 * kernel has no e1000 driver), logs to ttyS0, and gives the NoCloud seed's {@code ssh_authorized_keys} to
 * {@code root} and to the default user {@code debian}.
 *
 * <p>Immutable and thread-safe. The build methods block, call the log consumer from another thread, and on
 * interrupt or at the deadline stop the builder's whole process tree (SIGTERM, then SIGKILL after a grace period).
 */
@API(status = API.Status.EXPERIMENTAL)
public final class ImageBuilder {
    static final String CONTAINER_SCRIPT = "build-container-image.sh";
    static final String VM_SCRIPT = "build-vm-image.sh";
    private static final Duration GRACE = Duration.ofSeconds(20);

    private final Consumer<String> log;
    private final Path cacheDir;

    private ImageBuilder(Consumer<String> log, Path cacheDir) {
        this.log = log;
        this.cacheDir = cacheDir;
    }

    /** A builder that discards the build log and uses {@link #defaultCacheDir()}. */
    public static ImageBuilder create() {
        return new ImageBuilder(line -> { }, null);
    }

    /**
     * The cache directory used when none is set: {@code $CORRAL_CACHE_DIR}, else
     * {@code ${XDG_CACHE_HOME:-~/.cache}/corral}. VM images are under {@code images/} in it.
     */
    public static Path defaultCacheDir() {
        String explicit = System.getenv("CORRAL_CACHE_DIR");
        if (explicit != null && !explicit.isEmpty()) {
            return Path.of(explicit);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isEmpty() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("corral");
    }

    /** A copy that sends each line of the build's output to {@code log}; a throwing consumer is logged and ignored. */
    public ImageBuilder withLog(Consumer<String> log) {
        return new ImageBuilder(Objects.requireNonNull(log, "log must not be null"), cacheDir);
    }

    /** A copy that keeps its cache (root file systems, .debs, VM images) in {@code cacheDir}. */
    public ImageBuilder withCacheDir(Path cacheDir) {
        return new ImageBuilder(log, Objects.requireNonNull(cacheDir, "cacheDir must not be null"));
    }

    /**
     * Builds the container image unless podman already has it with the same inputs, and returns its name, such as
     * {@code localhost/corral-test:debian-12}.
     *
     * @throws ImageBuildException  if the build fails or the deadline passes; the message holds the last output
     * @throws InterruptedException if interrupted; the builder's processes are stopped first
     */
    public String buildContainerImage(ContainerImageRequest request, Deadline deadline) throws InterruptedException {
        Objects.requireNonNull(request, "request must not be null");
        Objects.requireNonNull(deadline, "deadline must not be null");
        List<String> args = new ArrayList<>(List.of("--suite", request.suite()));
        if (request.systemd()) {
            args.add("--systemd");
        }
        if (!request.packages().isEmpty()) {
            args.addAll(List.of("--packages", String.join(",", request.packages())));
        }
        if (request.name() != null) {
            args.addAll(List.of("--name", request.name()));
        }
        return runner().run(CONTAINER_SCRIPT, args, env(), log, deadline, "the container image");
    }

    /**
     * Builds the VM image unless the cache has it, and returns the path of the qcow2 file. Never write to it: boot
     * machines from qcow2 overlays ({@code qemu-img create -f qcow2 -F qcow2 -b IMAGE overlay.qcow2}).
     *
     * @throws ImageBuildException  if the build fails or the deadline passes; the message holds the last output
     * @throws InterruptedException if interrupted; the builder's processes are stopped first
     */
    public Path buildVmImage(VmImageRequest request, Deadline deadline) throws InterruptedException {
        Objects.requireNonNull(request, "request must not be null");
        Objects.requireNonNull(deadline, "deadline must not be null");
        List<String> args = new ArrayList<>(List.of("--suite", request.suite(),
                "--size", Long.toString(request.sizeBytes())));
        if (!request.packages().isEmpty()) {
            args.addAll(List.of("--packages", String.join(",", request.packages())));
        }
        String result = runner().run(VM_SCRIPT, args, env(), log, deadline, "the VM image");
        Path image = Path.of(result);
        if (!Files.isRegularFile(image)) {
            throw new ImageBuildException("Building the VM image reported " + result + ", which is not a file; this is a "
                    + "bug in " + VM_SCRIPT, List.of(result));
        }
        return image;
    }

    ScriptRunner runner() {
        return new ScriptRunner(GRACE);
    }

    Map<String, String> env() {
        return cacheDir == null ? Map.of() : Map.of("CORRAL_CACHE_DIR", cacheDir.toString());
    }

    Consumer<String> log() {
        return log;
    }
}
