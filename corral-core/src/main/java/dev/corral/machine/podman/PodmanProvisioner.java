package dev.corral.machine.podman;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.corral.CorralException;
import dev.corral.Deadline;
import dev.corral.RunId;
import dev.corral.machine.Capability;
import dev.corral.machine.Machine;
import dev.corral.machine.ProvisionContext;
import dev.corral.machine.ProvisionException;
import dev.corral.machine.RunRegistry;
import dev.corral.machine.Provisioner;

import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --how podman}: each machine is a podman container, driven through the {@code podman} command line.
 *
 * <p>A container is started detached with a keep-alive command (a shell that sleeps and exits at once on
 * {@code SIGTERM}; in {@linkplain PodmanSpec#systemd() systemd mode} {@code /sbin/init} with
 * {@code --systemd=always}), named {@code corral-<run id>-<n>} and labelled {@code corral.run=<run id>} and
 * {@code corral.machine=podman-<n>}, so {@link PodmanCleanup} finds the leftovers of a killed run; {@code n}
 * counts the machines of the run in this JVM, across all its podman provisioners.
 * {@link #provision} returns once the container runs a command (and systemd finished booting); its machines have
 * {@link Capability#ISOLATED} and {@link Capability#REBOOT} (a container restart), and {@link Capability#ROOT}
 * when commands run as uid 0. The work directory is {@value #WORK_DIR}, which survives a reboot.
 *
 * <p>Start failures (missing image with {@code --pull never}, bad options, runtime errors) are
 * {@link ProvisionException}s carrying podman's own message; an interrupted or failed provisioning removes the
 * half-created container. Each machine's {@code podman run} command and outcome go to
 * {@code <machinesRoot>/<id>/provision.log}.
 *
 * <p>Thread-safe: {@link #provision} may run from many threads at once. Needs {@code podman} and {@code tar} on
 * the host, and {@code sh}, {@code setsid} and {@code tar} in the image.
 *
 * <pre>{@code
 * PodmanSpec spec = PodmanSpec.builder("localhost/corral-test:debian-12").pull(PodmanSpec.Pull.NEVER).build();
 * try (Provisioner podman = new PodmanProvisioner(new ProvisionContext(runId, results.resolve("machines")), spec);
 *      Machine machine = podman.provision(Deadline.after(Duration.ofMinutes(2)))) {
 *     machine.connection().exec(Command.of("cat", "/etc/os-release"), Deadline.after(Duration.ofSeconds(30)));
 * }
 * }</pre>
 */
@API(status = API.Status.EXPERIMENTAL)
public final class PodmanProvisioner implements Provisioner {
    private static final Pattern CONTAINER_NAME = Pattern.compile("corral-([a-z0-9-]+)-\\d+");
    /** The work directory inside every container. */
    public static final String WORK_DIR = "/var/tmp/corral";
    /** Label carrying the machine id. */
    public static final String MACHINE_LABEL = "corral.machine";

    /** Keep-alive of plain containers: sleeps forever, exits at once on TERM/INT and reaps orphans meanwhile. */
    private static final String KEEP_ALIVE = "trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done";

    private final ProvisionContext context;
    private final PodmanSpec spec;
    private final PodmanCli cli;
    /** Machine numbers per run, shared by all provisioners of a run in this JVM so names never collide. */

    private final Set<PodmanMachine> machinesHeld = ConcurrentHashMap.newKeySet();
    private final RunRegistry.Registration live;
    private volatile boolean closed;

    /**
     * @param context the run's context: its run id labels and names the containers
     * @param spec    what containers to start
     */
    public PodmanProvisioner(ProvisionContext context, PodmanSpec spec) {
        this(context, spec, PodmanCli.onPath());
    }

    PodmanProvisioner(ProvisionContext context, PodmanSpec spec, PodmanCli cli) {
        this.context = Objects.requireNonNull(context, "context must not be null");
        this.spec = Objects.requireNonNull(spec, "spec must not be null");
        this.cli = Objects.requireNonNull(cli, "cli must not be null");
        this.live = RunRegistry.standard().register(context.runId());
    }

    @Override
    public String how() {
        return "podman";
    }

    /** The name of the {@code n}-th container of run {@code runId}: {@code corral-<run id>-<n>}. */
    public static String containerName(RunId runId, int n) {
        return "corral-" + runId.value() + "-" + n;
    }

    /** The run of a container named by {@link #containerName}, or empty for any other name. */
    static Optional<RunId> runOfContainer(String name) {
        Matcher m = CONTAINER_NAME.matcher(name);
        return m.matches() ? Optional.of(new RunId(m.group(1))) : Optional.empty();
    }

    /**
     * Starts a container and waits until it is ready.
     *
     * @throws ProvisionException   with podman's message when the container cannot start or never gets ready
     * @throws InterruptedException when interrupted; the half-created container is removed first
     */
    @Override
    public Machine provision(Deadline deadline) throws InterruptedException {
        ensureOpen();
        int n = context.nextMachineNumber("podman");
        String id = "podman-" + n;
        String name = containerName(context.runId(), n);
        Logger log = LoggerFactory.getLogger("corral.machine.podman." + id);
        List<String> args = runArgs(id, name);
        Path provisionLog = context.machineDir(id).resolve("provision.log");
        note(provisionLog, "podman " + String.join(" ", args));
        long started = System.nanoTime();
        boolean ready = false;
        try {
            // an interrupt lets podman finish starting the container, which is then removed whole
            PodmanCli.Result r = cli.runThrough(deadline, args);
            note(provisionLog, "exit " + r.exitCode() + (r.timedOut() ? " (timed out)" : "") + "\n" + r.stdout() + r.stderr());
            if (r.timedOut()) {
                throw new ProvisionException("podman run of image " + spec.image() + " did not finish before the deadline");
            }
            if (!r.ok()) {
                throw new ProvisionException("cannot start a container of image '" + spec.image() + "': " + r.message());
            }
            int uid = Readiness.await(cli, name, spec.systemd(), WORK_DIR, deadline, log);
            Set<Capability> capabilities = EnumSet.of(Capability.ISOLATED, Capability.REBOOT);
            if (uid == 0) {
                capabilities.add(Capability.ROOT);
            }
            PodmanMachine machine = new PodmanMachine(id, name, spec.systemd(), WORK_DIR, capabilities, cli, log, machinesHeld::remove);
            machinesHeld.add(machine);
            if (uid == 0) {
                PodmanConnection connection = machine.connection();
                connection.useHostView(HostView.open(cli, connection, name, WORK_DIR, deadline, log));
                note(provisionLog, "files move " + (connection.hasHostView() ? "through podman mount" : "through podman exec"));
            }
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            note(provisionLog, "ready after " + took.toMillis() + " ms, uid " + uid);
            log.debug("container {} ready after {} ms", name, took.toMillis());
            ready = true;
            if (closed) {
                machine.close();
                throw new ProvisionException("the podman provisioner was closed while " + id + " was starting");
            }
            return machine;
        } catch (CorralException e) {
            note(provisionLog, "failed: " + e.getMessage());
            throw e instanceof ProvisionException p ? p : new ProvisionException(e.getMessage(), e);
        } catch (InterruptedException e) {
            note(provisionLog, "interrupted");
            throw e;
        } finally {
            if (!ready) {
                remove(name, log);
            }
        }
    }

    private List<String> runArgs(String id, String name) {
        List<String> args = new ArrayList<>(List.of("run", "-d", "--name", name,
                "--label", RunId.labelKey() + "=" + context.runId().value(),
                "--label", MACHINE_LABEL + "=" + id,
                "--pull=" + spec.pull().option()));
        if (spec.memory() != null) {
            args.add("--memory=" + spec.memory());
        }
        if (spec.cpus() != null) {
            args.add("--cpus=" + spec.cpus());
        }
        if (spec.user() != null) {
            args.add("--user=" + spec.user());
        }
        if (spec.systemd()) {
            args.add("--systemd=always");
            args.add("--entrypoint=/sbin/init");
        } else {
            args.add("--entrypoint=sh");
        }
        args.addAll(spec.extraRunArgs());
        args.add(spec.image());
        if (!spec.systemd()) {
            args.add("-c");
            args.add(KEEP_ALIVE);
        }
        return args;
    }

    /** Removes a container that never became a machine; uninterruptible. */
    private void remove(String name, Logger log) {
        try {
            PodmanCli.Result r = cli.runToEnd(PodmanCli.CLEANUP_LIMIT, List.of("rm", "-f", "-t", "0", "-v", "--ignore", name));
            if (!r.ok()) {
                log.warn("could not remove container {} ({}); 'corral cleanup' removes it later", name, r.message());
            }
        } catch (CorralException e) {
            log.debug("cannot remove container {}: {}", name, e.getMessage());
        }
        // a start cut short leaves a monitor podman no longer knows of
        StrayMonitors.kill(name::equals).forEach(n -> log.debug("killed the stray monitor of container {}", n));
    }

    private static void note(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, Instant.now() + " " + text.strip() + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            LoggerFactory.getLogger(PodmanProvisioner.class).debug("cannot write {}: {}", file, e.toString());
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new ProvisionException("the podman provisioner is closed");
        }
    }

    /** Removes every container this provisioner still holds, in parallel; idempotent. */
    @Override
    public void close() {
        closed = true;
        List<PodmanMachine> machines = new ArrayList<>(machinesHeld);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            machines.forEach(m -> pool.execute(m::close));
        }
        live.close();
    }
}
