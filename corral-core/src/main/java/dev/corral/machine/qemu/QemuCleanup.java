package dev.corral.machine.qemu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.corral.Deadline;
import dev.corral.RunId;
import dev.corral.files.FileTrees;
import dev.corral.machine.Reaper;

import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds and removes what the VMs of killed runs left behind: QEMU processes named {@code corral-<run>-qemu-<n>}
 * (found in {@code /proc/<pid>/cmdline}) and private directories {@code <tmp>/corral-<run>-qemu-<n>} (overlay,
 * seed, socket, key). Which runs are dead is the caller's decision; resources of other runs are never touched.
 * Console logs belong to the run's results and are not removed.
 *
 * <p>Stateless and thread-safe; blocks while processes exit.
 *
 * <pre>{@code
 * List<QemuLeftover> removed = new QemuCleanup().removeAll(run -> !liveRuns.contains(run), Deadline.after(Duration.ofMinutes(1)));
 * }</pre>
 */
@API(status = API.Status.EXPERIMENTAL)
public final class QemuCleanup implements Reaper {
    private static final Logger LOG = LoggerFactory.getLogger(QemuCleanup.class);
    private static final Pattern NAME = Pattern.compile("corral-([a-z0-9][a-z0-9-]*)-(qemu-[0-9]+)");
    private static final Duration TERM_GRACE = Duration.ofSeconds(5);

    private final Path proc;
    private final Path tmpRoot;

    /** Clean-up of this host's processes and of the JVM's temporary directory ({@code java.io.tmpdir}). */
    public QemuCleanup() {
        this(Path.of("/proc"), Path.of(System.getProperty("java.io.tmpdir")));
    }

    QemuCleanup(Path proc, Path tmpRoot) {
        this.proc = Objects.requireNonNull(proc, "proc must not be null");
        this.tmpRoot = Objects.requireNonNull(tmpRoot, "tmpRoot must not be null");
    }

    /** What VMs of any run left: processes and directories merged by VM name, in no particular order. */
    public List<QemuLeftover> listAll() {
        Map<String, QemuLeftover> found = new LinkedHashMap<>();
        try (DirectoryStream<Path> pids = Files.newDirectoryStream(proc, "[0-9]*")) {
            for (Path p : pids) {
                Optional<String> name = vmName(p.resolve("cmdline"));
                if (name.isPresent()) {
                    Matcher m = NAME.matcher(name.get());
                    if (m.matches()) {
                        long pid = Long.parseLong(p.getFileName().toString());
                        leftover(m).ifPresent(l -> found.merge(l.name(), new QemuLeftover(l.run(), l.machine(), pid, null),
                                QemuCleanup::merge));
                    }
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot list processes in {}: {}", proc, e.getMessage());
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tmpRoot, "corral-*-qemu-*")) {
            for (Path d : dirs) {
                Matcher m = NAME.matcher(d.getFileName().toString());
                if (m.matches() && Files.isDirectory(d)) {
                    leftover(m).ifPresent(l -> found.merge(l.name(), new QemuLeftover(l.run(), l.machine(), -1, d),
                            QemuCleanup::merge));
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot list {}: {}", tmpRoot, e.getMessage());
        }
        return List.copyOf(found.values());
    }

    /** What the VMs of one run left. */
    public List<QemuLeftover> list(RunId run) {
        return listAll().stream().filter(l -> l.run().equals(run)).toList();
    }

    @Override
    public String kind() {
        return "qemu virtual machines";
    }

    @Override
    public List<String> reap(Predicate<RunId> dead, boolean dryRun, Deadline deadline) throws InterruptedException {
        List<QemuLeftover> found = dryRun
                ? listAll().stream().filter(l -> dead.test(l.run())).toList()
                : removeAll(dead, deadline);
        return found.stream().map(l -> "VM " + l.machine() + (l.pid() > 0 ? " (qemu pid " + l.pid() + ")" : "")
                + (l.directory() != null ? " files " + l.directory() : "") + " of run " + l.run()).toList();
    }

    /**
     * Kills the QEMU processes (SIGTERM, SIGKILL after five seconds) and removes the directories of dead runs.
     *
     * @param dead which runs are dead; called for each leftover's run
     * @return the leftovers removed
     */
    public List<QemuLeftover> removeAll(Predicate<RunId> dead, Deadline deadline) throws InterruptedException {
        List<QemuLeftover> doomed = listAll().stream().filter(l -> dead.test(l.run())).toList();
        List<ProcessHandle> dying = new ArrayList<>();
        for (QemuLeftover l : doomed) {
            if (l.pid() > 0) {
                ProcessHandle.of(l.pid()).ifPresent(h -> {
                    h.destroy();
                    dying.add(h);
                });
            }
        }
        Deadline grace = deadline.min(TERM_GRACE);
        for (ProcessHandle h : dying) {
            while (h.isAlive() && !grace.expired()) {
                Thread.sleep(50);
            }
            if (h.isAlive()) {
                h.descendants().forEach(ProcessHandle::destroyForcibly);
                h.destroyForcibly();
            }
        }
        for (QemuLeftover l : doomed) {
            if (l.directory() != null && !FileTrees.deleteQuietly(l.directory())) {
                LOG.warn("cannot remove {}", l.directory());
            }
            LOG.info("removed the leftovers of VM {} of run {}{}{}", l.machine(), l.run(),
                    l.pid() > 0 ? ", process " + l.pid() : "", l.directory() != null ? ", " + l.directory() : "");
        }
        return doomed;
    }

    private static QemuLeftover merge(QemuLeftover a, QemuLeftover b) {
        return new QemuLeftover(a.run(), a.machine(), a.pid() > 0 ? a.pid() : b.pid(),
                a.directory() != null ? a.directory() : b.directory());
    }

    private static Optional<QemuLeftover> leftover(Matcher m) {
        try {
            return Optional.of(new QemuLeftover(new RunId(m.group(1)), m.group(2), -1, null));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The {@code -name} of a QEMU command line ({@code guest=} and later options removed). */
    static Optional<String> vmName(Path cmdline) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(cmdline);
        } catch (IOException e) {
            return Optional.empty();
        }
        String[] argv = new String(bytes, StandardCharsets.UTF_8).split("\0");
        if (argv.length == 0 || !Path.of(argv[0]).getFileName().toString().startsWith("qemu-system")) {
            return Optional.empty();
        }
        for (int i = 1; i + 1 < argv.length; i++) {
            if (argv[i].equals("-name")) {
                String value = argv[i + 1];
                if (value.startsWith("guest=")) {
                    value = value.substring("guest=".length());
                }
                int comma = value.indexOf(',');
                return Optional.of(comma < 0 ? value : value.substring(0, comma));
            }
        }
        return Optional.empty();
    }
}
