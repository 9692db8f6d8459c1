package dev.corral.machine.ssh;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.ReentrantLock;

import dev.corral.CorralException;
import dev.corral.Deadline;
import dev.corral.machine.Machine;
import dev.corral.machine.ProvisionContext;
import dev.corral.machine.ProvisionException;
import dev.corral.machine.Provisioner;

import org.apiguardian.api.API;

/**
 * tmt's {@code connect}: a static pool of existing hosts reached over SSH ({@code --guest HOST} for one,
 * {@code --hosts FILE} for several, see {@link HostsFile}).
 *
 * <p>Each host has {@link HostSpec#slots()} slots; {@link #capacity()} is their total. All slots of a host share
 * one SSH session (connected on first use, reconnected when it dies): channels are cheap, logins are not, and one
 * session per host keeps within sshd's {@code MaxStartups}. Each provisioned machine has its own work directory.
 * {@link #provision} picks the host with the most free slots, skipping hosts it cannot reach; when every slot is
 * taken it fails at once rather than waiting.
 *
 * <pre>{@code
 * List<HostSpec> hosts = HostsFile.read(Path.of("hosts.yaml"), HostKeyPolicy.knownHosts());
 * try (SshProvisioner pool = new SshProvisioner(context, hosts, SshOptions.defaults(), false)) {
 *     Machine m = pool.provision(Deadline.after(Duration.ofMinutes(2)));
 * }
 * }</pre>
 *
 * <p>Thread-safe.
 */
@API(status = API.Status.EXPERIMENTAL)
public final class SshProvisioner implements Provisioner {
    private final ProvisionContext context;
    private final SshConnector connector;
    private final boolean ownsConnector;
    private final boolean keepWorkDirs;
    private final List<PooledHost> hosts;
    private final Set<SshMachine> machines = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * A pool with its own SSH client.
     *
     * @param keepWorkDirs keep the machines' work directories when they close (for debugging)
     */
    public SshProvisioner(ProvisionContext context, List<HostSpec> hosts, SshOptions options, boolean keepWorkDirs) {
        this(context, hosts, SshConnector.start(options), true, keepWorkDirs);
    }

    /** A pool using a shared SSH client, which it does not close. */
    public SshProvisioner(ProvisionContext context, List<HostSpec> hosts, SshConnector connector, boolean keepWorkDirs) {
        this(context, hosts, connector, false, keepWorkDirs);
    }

    private SshProvisioner(ProvisionContext context, List<HostSpec> hosts, SshConnector connector, boolean ownsConnector,
                           boolean keepWorkDirs) {
        this.context = Objects.requireNonNull(context, "context must not be null");
        this.connector = Objects.requireNonNull(connector, "connector must not be null");
        this.ownsConnector = ownsConnector;
        this.keepWorkDirs = keepWorkDirs;
        Objects.requireNonNull(hosts, "hosts must not be null");
        if (hosts.isEmpty()) {
            throw new IllegalArgumentException("a connect pool needs at least one host");
        }
        this.hosts = hosts.stream().map(PooledHost::new).toList();
    }

    @Override
    public String how() {
        return "connect";
    }

    @Override
    public OptionalInt capacity() {
        return OptionalInt.of(hosts.stream().mapToInt(h -> h.spec.slots()).sum());
    }

    /**
     * Takes a free slot and returns its machine, ready.
     *
     * @throws ProvisionException when every slot is in use, or no host with a free slot can be reached (the
     *                            message lists each host's reason)
     */
    @Override
    public Machine provision(Deadline deadline) throws InterruptedException {
        List<String> failures = new ArrayList<>();
        List<PooledHost> tried = new ArrayList<>();
        while (true) {
            if (closed) {
                throw new ProvisionException("the connect pool is closed");
            }
            PooledHost host = claim(tried);
            if (host == null) {
                throw new ProvisionException(failures.isEmpty()
                        ? "all " + capacity().orElse(0) + " slots of the connect pool are in use"
                        : "no host of the connect pool with a free slot can be used: " + String.join("; ", failures));
            }
            tried.add(host);
            boolean ok = false;
            try {
                SshMachine machine = open(host, deadline);
                ok = true;
                return machine;
            } catch (CorralException e) {
                failures.add(host.spec.origin() + ": " + e.getMessage());
            } finally {
                if (!ok) {
                    host.release();
                }
            }
        }
    }

    private SshMachine open(PooledHost host, Deadline deadline) throws InterruptedException {
        // its own connection over the host's session: closing the machine kills its commands, not the others'
        SshConnection connection = host.connection(deadline.min(connector.options().reconnectTimeout())).share();
        String id = host.nextId();
        SshMachine[] self = new SshMachine[1];
        SshMachine machine;
        try {
            machine = SshMachine.builder(id, connection, context.runId())
                    .allowReboot(host.spec.reboot())
                    .keepWorkDir(keepWorkDirs)
                    .onClose(() -> {
                        machines.remove(self[0]);
                        host.release();
                    })
                    .open(deadline);
        } catch (InterruptedException | RuntimeException e) {
            connection.close();
            throw e;
        }
        self[0] = machine;
        machines.add(machine);
        if (closed) {
            machine.close();
            throw new ProvisionException("the connect pool is closed");
        }
        return machine;
    }

    private synchronized PooledHost claim(List<PooledHost> tried) {
        PooledHost best = hosts.stream()
                .filter(h -> !tried.contains(h) && h.free() > 0)
                .max(Comparator.comparingInt(PooledHost::free))
                .orElse(null);
        if (best != null) {
            best.used++;
        }
        return best;
    }

    /** Closes every machine still out (removing their work directories) and the sessions; idempotent. */
    @Override
    public void close() {
        closed = true;
        // in parallel: cleaning up on a dead host waits for the reconnect timeout
        try (ExecutorService closing = Executors.newVirtualThreadPerTaskExecutor()) {
            for (SshMachine machine : List.copyOf(machines)) {
                closing.execute(machine::close);
            }
        }
        for (PooledHost host : hosts) {
            host.close();
        }
        if (ownsConnector) {
            connector.close();
        }
    }

    /** A host of the pool: its slots in use and its shared connection. */
    private final class PooledHost {
        final HostSpec spec;
        final ReentrantLock connecting = new ReentrantLock();
        int used; // guarded by SshProvisioner.this
        int serial; // guarded by SshProvisioner.this
        volatile SshConnection connection;

        PooledHost(HostSpec spec) {
            this.spec = spec;
        }

        int free() {
            return spec.slots() - used;
        }

        void release() {
            synchronized (SshProvisioner.this) {
                used--;
            }
        }

        String nextId() {
            synchronized (SshProvisioner.this) {
                serial++;
                String name = spec.target().host().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]", "-");
                return name + (spec.target().port() == SshTarget.DEFAULT_PORT ? "" : "-" + spec.target().port()) + "-" + serial;
            }
        }

        SshConnection connection(Deadline deadline) throws InterruptedException {
            SshConnection current = connection;
            if (current != null) {
                return current;
            }
            connecting.lockInterruptibly();
            try {
                if (connection == null) {
                    connection = connector.connect(spec.target(), deadline);
                }
                return connection;
            } finally {
                connecting.unlock();
            }
        }

        void close() {
            SshConnection current = connection;
            if (current != null) {
                current.close();
            }
        }
    }
}
