package dev.corral.machine.qemu;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import dev.corral.Deadline;
import dev.corral.image.ImageBuilder;

import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells whether KVM really works here. {@code /dev/kvm} can exist and still be useless: nested guests that hang
 * early in boot, or QEMU aborting on a model-specific register the host refuses. So the probe boots for real:
 * the kernel beside the image ({@code IMAGE.vmlinuz}, as Corral's image builder writes it) with no root file system
 * and {@code panic=-1}, which under a working KVM reaches its "Kernel panic" within a second or two; without that
 * file, the image itself (read-only) until the console shows the kernel or systemd at work. Nothing within
 * {@link #PROBE_TIMEOUT} (twice that for a whole image) means KVM is unusable.
 *
 * <p>The verdict is kept in memory and in {@code ${XDG_CACHE_HOME:-~/.cache}/corral/kvm-probe} (see
 * {@link ImageBuilder#defaultCacheDir()}), keyed by the host kernel and the QEMU version, so a host pays for the probe
 * once. Thread-safe; concurrent callers may probe twice, with the same result.
 *
 * <pre>{@code
 * KvmProbe.Verdict kvm = KvmProbe.verdict(Path.of("debian-12.qcow2"), Deadline.after(Duration.ofMinutes(1)));
 * System.out.println(kvm.usable() ? "kvm" : "tcg: " + kvm.reason());
 * }</pre>
 */
@API(status = API.Status.EXPERIMENTAL)
public final class KvmProbe {
    /** How long the kernel gets to reach its panic under KVM. */
    public static final Duration PROBE_TIMEOUT = Duration.ofSeconds(15);
    static final String QEMU = "qemu-system-x86_64";
    private static final Logger LOG = LoggerFactory.getLogger(KvmProbe.class);
    private static final Map<String, Verdict> MEMORY = new ConcurrentHashMap<>();
    private static final Path DEV_KVM = Path.of("/dev/kvm");

    private KvmProbe() {
    }

    /**
     * The verdict on KVM.
     *
     * @param usable whether VMs may use {@code -accel kvm}
     * @param reason what the probe saw, for logs and messages
     */
    @API(status = API.Status.EXPERIMENTAL)
    public record Verdict(boolean usable, String reason) {
        public Verdict {
            Objects.requireNonNull(reason, "reason must not be null");
        }
    }

    /**
     * Whether KVM works here, probing with the image's kernel (or the image) unless a verdict for this host kernel
     * and QEMU version is cached.
     *
     * @param image the qcow2 image VMs will boot
     */
    public static Verdict verdict(Path image, Deadline deadline) throws InterruptedException {
        if (!Files.isReadable(DEV_KVM) || !Files.isWritable(DEV_KVM)) {
            return new Verdict(false, Files.exists(DEV_KVM) ? "no read-write access to /dev/kvm" : "no /dev/kvm");
        }
        String key = key(deadline);
        Verdict known = MEMORY.get(key);
        if (known != null) {
            return known;
        }
        Path cache = cacheFile();
        Verdict cached = readCache(cache, key);
        if (cached != null) {
            LOG.debug("KVM verdict from {}: {}", cache, cached);
            MEMORY.put(key, cached);
            return cached;
        }
        Verdict fresh = probe(image, deadline);
        LOG.info("KVM probe: {}", fresh.usable() ? "usable (" + fresh.reason() + ")" : "unusable: " + fresh.reason());
        MEMORY.put(key, fresh);
        writeCache(cache, key, fresh);
        return fresh;
    }

    /** Where verdicts are cached. */
    public static Path cacheFile() {
        return ImageBuilder.defaultCacheDir().resolve("kvm-probe");
    }

    /** Forgets the in-memory verdicts (the file stays); for tests. */
    static void forget() {
        MEMORY.clear();
    }

    /** The cache key: host kernel release and QEMU's version line. */
    static String key(Deadline deadline) throws InterruptedException {
        String kernel;
        try {
            kernel = Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
        } catch (IOException e) {
            kernel = System.getProperty("os.version");
        }
        HostCommand.Output version = HostCommand.run(List.of(QEMU, "--version"), null, deadline.min(Duration.ofSeconds(30)));
        String qemu = version.text().lines().findFirst().orElse("").strip();
        return "kernel " + kernel + "; " + qemu;
    }

    static Verdict readCache(Path cache, String key) {
        try {
            for (String line : Files.readAllLines(cache, StandardCharsets.UTF_8)) {
                String[] f = line.split("\t", 3);
                if (f.length == 3 && f[0].equals(key) && (f[1].equals("usable") || f[1].equals("unusable"))) {
                    return new Verdict(f[1].equals("usable"), f[2]);
                }
            }
        } catch (IOException e) {
            // no cache yet
        }
        return null;
    }

    static void writeCache(Path cache, String key, Verdict verdict) {
        try {
            Files.createDirectories(cache.getParent());
            Path tmp = Files.createTempFile(cache.getParent(), "kvm-probe", ".tmp");
            String line = key + "\t" + (verdict.usable() ? "usable" : "unusable") + "\t"
                    + verdict.reason().replaceAll("[\t\r\n]+", " ") + "\n";
            Files.writeString(tmp, line, StandardCharsets.UTF_8);
            Files.move(tmp, cache, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warn("cannot cache the KVM verdict in {}: {}", cache, e.getMessage());
        }
    }

    /** Boots once under KVM and watches the console. */
    static Verdict probe(Path image, Deadline deadline) throws InterruptedException {
        String base = image.toString().replaceFirst("\\.qcow2$", "");
        Path kernel = Path.of(base + ".vmlinuz");
        boolean kernelOnly = Files.isReadable(kernel);
        Path dir;
        try {
            dir = Files.createTempDirectory("corral-kvm-probe");
        } catch (IOException e) {
            return new Verdict(false, "cannot create a directory for the probe: " + e.getMessage());
        }
        Path console = dir.resolve("console.log");
        Path output = dir.resolve("qemu.log");
        List<String> argv = new ArrayList<>(List.of(QEMU, "-accel", "kvm", "-cpu", "host", "-m", "256", "-nodefaults",
                "-no-user-config", "-display", "none", "-no-reboot", "-serial", "file:" + QemuArgs.escape(console.toString())));
        if (kernelOnly) {
            argv.addAll(List.of("-kernel", kernel.toString(), "-append", "console=ttyS0 panic=-1"));
        } else {
            argv.addAll(List.of("-snapshot", "-drive", "file=" + QemuArgs.escape(image.toString()) + ",if=virtio,format=qcow2"));
        }
        Duration limit = kernelOnly ? PROBE_TIMEOUT : PROBE_TIMEOUT.multipliedBy(2);
        Deadline until = deadline.min(limit);
        long start = System.nanoTime();
        Process qemu;
        try {
            qemu = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(output.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        } catch (IOException e) {
            deleteQuietly(dir);
            return new Verdict(false, "cannot run " + QEMU + ": " + e.getMessage());
        }
        ConsoleLog log = new ConsoleLog(console);
        try {
            while (true) {
                boolean exited = !qemu.isAlive();
                if (kernelOnly ? log.contains("Kernel panic") : log.contains("Linux version") || log.contains("systemd")) {
                    long millis = (System.nanoTime() - start) / 1_000_000;
                    return new Verdict(true, (kernelOnly ? "the kernel ran to its root-mount panic" : "the image booted")
                            + " in " + millis + " ms");
                }
                if (exited) {
                    String why = read(output).lines().filter(l -> !l.contains("warning")).limit(2)
                            .reduce((a, b) -> a + " " + b).orElse("no message");
                    return new Verdict(false, "QEMU exited with " + qemu.exitValue() + ": " + why);
                }
                if (until.expired()) {
                    return new Verdict(false, "no " + (kernelOnly ? "kernel panic" : "kernel output") + " on the console within "
                            + limit.toSeconds() + " s (" + log.tail(1000).size() + " console lines): the guest hangs");
                }
                Thread.sleep(100);
            }
        } finally {
            HostCommand.kill(qemu);
            deleteQuietly(dir);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            LOG.debug("cannot remove {}: {}", dir, e.getMessage());
        }
    }
}
