package dev.corral.machine.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import dev.corral.Deadline;
import dev.corral.machine.Capability;
import dev.corral.machine.Machine;
import dev.corral.machine.ProvisionContext;
import dev.corral.machine.ProvisionException;
import dev.corral.machine.RunRegistry;
import dev.corral.machine.Provisioner;

import org.apiguardian.api.API;

/**
 * {@code --how local}: up to {@code slots} machines that run tests as processes of this JVM's user on this host,
 * each with a private work directory {@code <machinesRoot>/<id>/work} (removed when the machine is closed).
 * Machines are named {@code local-1}, {@code local-2}, ... in the order they are provisioned.
 *
 * <p>Commands inherit the JVM's environment (as {@code tmt} does on {@code localhost}) plus their own variables;
 * each runs in its own process group, forked by the machine's one bash (its own session), and nothing it starts
 * outlives it (see {@code CORRAL_TEST_TOKEN}). Local machines
 * cannot reboot; they have {@link Capability#ROOT} when the JVM runs as root.
 *
 * <p>Thread-safe. {@link #provision} blocks while all slots are in use, until one is released or the deadline
 * expires. Requires {@code setsid} from util-linux.
 *
 * <pre>{@code
 * try (Provisioner local = new LocalProvisioner(new ProvisionContext(runId, results.resolve("machines")), 4);
 *      Machine machine = local.provision(Deadline.after(Duration.ofMinutes(1)))) {
 *     machine.connection().exec(Command.of("uname", "-a"), Deadline.after(Duration.ofSeconds(10)));
 * }
 * }</pre>
 */
@API(status = API.Status.EXPERIMENTAL)
public final class LocalProvisioner implements Provisioner {
    private static final List<String> SETSID_CANDIDATES = List.of("/usr/bin/setsid", "/bin/setsid", "/usr/sbin/setsid");

    private final ProvisionContext context;
    private final int slots;
    private final Semaphore free;
    private final Set<LocalMachine> live = ConcurrentHashMap.newKeySet();
    private final String setsid;
    private final RunRegistry.Registration registration;
    private volatile boolean closed;

    /**
     * @param context the run's context; machine directories go under its {@code machinesRoot}
     * @param slots   how many local machines may exist at once ({@code --workers N}), at least 1
     * @throws ProvisionException when {@code setsid} (util-linux) is not installed
     */
    public LocalProvisioner(ProvisionContext context, int slots) {
        if (slots < 1) {
            throw new IllegalArgumentException("local slots must be at least 1, was " + slots);
        }
        this.context = context;
        this.registration = RunRegistry.standard().register(context.runId());
        this.slots = slots;
        this.free = new Semaphore(slots, true);
        this.setsid = SETSID_CANDIDATES.stream().filter(p -> Files.isExecutable(Path.of(p))).findFirst()
                .orElseThrow(() -> new ProvisionException(
                        "local machines need 'setsid' from util-linux, not found in " + SETSID_CANDIDATES
                                + "; install util-linux"));
    }

    @Override
    public String how() {
        return "local";
    }

    @Override
    public Machine provision(Deadline deadline) throws InterruptedException {
        if (closed) {
            throw new ProvisionException("local provisioner is closed");
        }
        boolean acquired;
        if (deadline.isNone()) {
            free.acquire();
            acquired = true;
        } else {
            acquired = free.tryAcquire(deadline.remainingNanos(), TimeUnit.NANOSECONDS);
        }
        if (!acquired) {
            throw new ProvisionException("all " + slots + " local slots are in use and none was released in time;"
                    + " release a local machine or raise --workers");
        }
        String id = "local-" + context.nextMachineNumber("local");
        Path workDir = context.machineDir(id).resolve("work");
        try {
            Files.createDirectories(workDir);
        } catch (IOException e) {
            free.release();
            throw new ProvisionException("cannot create the work directory " + workDir + " of " + id + ": " + e, e);
        }
        LocalMachine[] self = new LocalMachine[1];
        LocalMachine machine = new LocalMachine(id, context.runId(), workDir, setsid, capabilities(), () -> {
            live.remove(self[0]);
            free.release();
        });
        self[0] = machine;
        live.add(machine);
        if (closed) {
            machine.close();
            throw new ProvisionException("local provisioner is closed");
        }
        machine.startSpawnerAhead();
        return machine;
    }

    @Override
    public OptionalInt capacity() {
        return OptionalInt.of(slots);
    }

    @Override
    public void close() {
        closed = true;
        for (LocalMachine machine : live) {
            machine.close();
        }
        registration.close();
    }

    private static Set<Capability> capabilities() {
        Set<Capability> capabilities = EnumSet.of(Capability.HOST_FILES);
        if (isRoot()) {
            capabilities.add(Capability.ROOT);
        }
        return capabilities;
    }

    private static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.substring(4).trim().split("\\s+")[1].equals("0");
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux-like: assume an ordinary user
        }
        return false;
    }

    @Override
    public String toString() {
        return "LocalProvisioner[" + slots + " slots in " + context.machinesRoot() + "]";
    }
}
