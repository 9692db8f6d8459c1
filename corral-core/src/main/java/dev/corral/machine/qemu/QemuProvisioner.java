package dev.corral.machine.qemu;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import dev.corral.Deadline;
import dev.corral.machine.Command;
import dev.corral.machine.ConnectionException;
import dev.corral.machine.ExecResult;
import dev.corral.machine.Machine;
import dev.corral.machine.ProvisionContext;
import dev.corral.machine.ProvisionException;
import dev.corral.machine.RunRegistry;
import dev.corral.machine.Provisioner;
import dev.corral.machine.ssh.HostKeyPolicy;
import dev.corral.machine.ssh.SshConnection;
import dev.corral.machine.ssh.SshConnector;
import dev.corral.machine.ssh.SshMachine;
import dev.corral.machine.ssh.SshOptions;
import dev.corral.machine.ssh.SshTarget;

import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * tmt's {@code qemu} (testcloud) provisioner: local QEMU VMs that behave like cloud instances.
 *
 * <p>Each {@link #provision} boots a fresh VM {@code qemu-<n>}:
 * <ol>
 *   <li>a private 0700 directory {@code <tmp>/corral-<run>-qemu-<n>/} with a qcow2 overlay on the base image (which
 *       is never written), a fresh ed25519 key pair made with {@code ssh-keygen}, and a cloud-init NoCloud seed ISO
 *       ({@code genisoimage}, label {@code cidata}) giving that key to root and the default user and the machine id
 *       as host name;
 *   <li>QEMU named {@code corral-<run>-qemu-<n>} (so {@code ps} and {@link QemuCleanup} find it) with user-mode
 *       networking, SSH forwarded from a free loopback port (another port is tried when QEMU cannot bind it), QMP
 *       on a Unix socket and the serial console written to {@code <machinesRoot>/qemu-<n>/console.log} (QEMU's own
 *       output to {@code qemu.log} beside it);
 *   <li>the host keys cloud-init prints on the console ({@code -----BEGIN SSH HOST KEY KEYS-----}) are pinned
 *       ({@link HostKeyPolicy#pinned}): no key is accepted blindly, and none needs to be known in advance;
 *   <li>SSH answers, a command runs and {@code cloud-init status --wait} finished. Past the boot timeout the
 *       {@link ProvisionException} quotes the console's last lines.
 * </ol>
 * Images need cloud-init with the NoCloud data source (distro cloud images have it); there is no key injection for
 * images without it. The accelerator is KVM only when {@link KvmProbe} saw a real boot work, else TCG.
 *
 * <pre>{@code
 * try (QemuProvisioner qemu = new QemuProvisioner(context, QemuSpec.of(Path.of("debian-12.qcow2")))) {
 *     try (Machine vm = qemu.provision(Deadline.after(Duration.ofMinutes(10)))) {
 *         vm.connection().exec(Command.of("uname", "-r"), Deadline.after(Duration.ofSeconds(30)));
 *     }
 * }
 * }</pre>
 *
 * <p>Thread-safe: several VMs may boot at once. Closing the provisioner releases every VM it still holds; a JVM
 * shutdown hook kills the QEMU processes of a provisioner that was not closed.
 */
@API(status = API.Status.EXPERIMENTAL)
public final class QemuProvisioner implements Provisioner {
    private static final Duration POLL = Duration.ofMillis(250);
    private static final Duration TOOL = Duration.ofMinutes(1);
    private static final int TAIL_LINES = 15;
    /**
     * One SSH connect attempt. While a rebooting guest has no network yet, user-mode networking accepts the TCP
     * connection on the host side and then waits for the guest, so an attempt lasts this long; a full handshake with
     * a TCG guest takes a few seconds.
     */
    private static final Duration CONNECT_ATTEMPT = Duration.ofSeconds(15);
    /**
     * Readiness: cloud-init finished. Its result file appears when the final stage is done (checked first: starting
     * {@code cloud-init status}, a Python program, costs seconds under TCG); else {@code cloud-init status --wait}.
     */
    private static final String READY = "r=/run/cloud-init/result.json;"
            + " if [ -s $r ]; then if grep -q '\"errors\": \\[\\]' $r; then echo 'cloud-init 0'; else echo 'cloud-init 1'; fi;"
            + " elif command -v cloud-init >/dev/null 2>&1; then cloud-init status --wait >/dev/null 2>&1; echo \"cloud-init $?\";"
            + " else echo 'no cloud-init'; fi";
    private static final List<String> REBOOT = List.of("sh", "-c",
            "r=reboot; command -v systemctl >/dev/null 2>&1 && r='systemctl reboot';"
                    + " if [ \"$(id -u)\" -ne 0 ]; then exec sudo -n $r; else exec $r; fi");

    private final ProvisionContext context;
    private final QemuSpec spec;
    private final Path tmpRoot;
    private final SshConnector connector;
    private final Set<QemuMachine> machines = ConcurrentHashMap.newKeySet();
    /** Every QEMU process started and not yet stopped, booting or provisioned, with its files: for the shutdown hook. */
    private final Map<Vm, VmFiles> running = new ConcurrentHashMap<>();
    private final Logger log = LoggerFactory.getLogger(QemuProvisioner.class);
    private final Thread shutdownHook;
    private final RunRegistry.Registration live;
    private volatile Boolean kvm;
    private volatile boolean closed;

    /**
     * A provisioner of VMs booted from {@code spec.image()}; nothing starts until {@link #provision}.
     *
     * @param context the run: its id names the VMs and their files, its machines root gets their console logs
     */
    public QemuProvisioner(ProvisionContext context, QemuSpec spec) {
        this(context, spec, Path.of(System.getProperty("java.io.tmpdir")));
    }

    QemuProvisioner(ProvisionContext context, QemuSpec spec, Path tmpRoot) {
        this.context = Objects.requireNonNull(context, "context must not be null");
        this.spec = Objects.requireNonNull(spec, "spec must not be null");
        this.tmpRoot = Objects.requireNonNull(tmpRoot, "tmpRoot must not be null");
        this.live = RunRegistry.standard().register(context.runId());
        this.connector = SshConnector.start(SshOptions.defaults().withConnectTimeout(CONNECT_ATTEMPT));
        this.shutdownHook = new Thread(() -> running.forEach((vm, files) -> {
            vm.kill();
            files.delete();
        }), "corral-qemu-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    @Override
    public String how() {
        return "qemu";
    }

    /** The spec VMs are made from. */
    public QemuSpec spec() {
        return spec;
    }

    /**
     * Boots a VM and waits until it is ready (see the class description).
     *
     * @throws ProvisionException   when a tool fails, QEMU does not start, or the VM is not ready within the boot
     *                              timeout (the message quotes the serial console)
     * @throws InterruptedException when interrupted; the VM is stopped and its files removed first
     */
    @Override
    public QemuMachine provision(Deadline deadline) throws InterruptedException {
        ensureOpen();
        if (!Files.isRegularFile(spec.image())) {
            throw new ProvisionException("the VM image " + spec.image() + " does not exist or is not a file");
        }
        String id = "qemu-" + context.nextMachineNumber("qemu");
        String name = VmFiles.name(context.runId(), id);
        Logger vmLog = LoggerFactory.getLogger("corral.machine.qemu." + id);
        boolean useKvm = accelerator(deadline);
        long start = System.nanoTime();
        VmFiles files = VmFiles.create(tmpRoot, name, context.machineDir(id));
        Vm vm = null;
        SshConnection connection = null;
        try {
            Deadline tools = deadline.min(TOOL);
            String publicKey = CloudInitSeed.generateKey(files, name, tools);
            CloudInitSeed.write(files, name, id, publicKey, tools);
            HostCommand.check(List.of("qemu-img", "create", "-q", "-f", "qcow2", "-F", "qcow2", "-b",
                    spec.image().toAbsolutePath().toString(), files.overlay().toString()), null, tools, "creating the overlay");
            Deadline boot = deadline.min(spec.bootTimeout());
            vm = Vm.start(spec, name, files, useKvm, boot, vmLog);
            running.put(vm, files);
            vmLog.info("{} started (pid {}, {}, ssh on 127.0.0.1:{}, console {})", name, vm.pid(), useKvm ? "kvm" : "tcg",
                    vm.sshPort(), files.console());
            Boot steps = new Boot(id, vm, files, boot, Math.min(spec.bootTimeout().toSeconds(), deadline.remaining().toSeconds()));
            List<String> hostKeys = steps.awaitHostKeys();
            long keysAt = System.nanoTime();
            SshTarget target = SshTarget.builder("127.0.0.1").port(vm.sshPort()).user(spec.user()).key(files.key())
                    .hostKeys(HostKeyPolicy.pinned(hostKeys.toArray(String[]::new))).build();
            connection = steps.connect(connector, target);
            long sshAt = System.nanoTime();
            String cloudInit = steps.awaitCloudInit(connection, vmLog);
            long readyAt = System.nanoTime();
            Vm started = vm;
            SshMachine ssh = SshMachine.builder(id, connection, context.runId())
                    .allowReboot(true)
                    .keepWorkDir(true)
                    .rebootCommand(REBOOT)
                    .hardReset(d -> started.qmp().reset(d))
                    .open(boot);
            QemuMachine[] self = new QemuMachine[1];
            QemuMachine machine = new QemuMachine(id, name, ssh, vm, files, useKvm, spec.bootTimeout(), vmLog, () -> {
                machines.remove(self[0]);
                running.remove(started);
            });
            self[0] = machine;
            machines.add(machine);
            if (closed) {
                machine.close();
                throw new ProvisionException("the qemu provisioner was closed while " + id + " was booting");
            }
            vmLog.info("{} ready in {} ms ({}: host keys on the console after {} ms, ssh {} ms, {} {} ms)", id,
                    millis(start, System.nanoTime()), useKvm ? "kvm" : "tcg", millis(start, keysAt), millis(keysAt, sshAt),
                    cloudInit, millis(sshAt, readyAt));
            return machine;
        } catch (InterruptedException | RuntimeException e) {
            if (connection != null) {
                connection.close();
            }
            if (vm != null) {
                vm.stop();
                running.remove(vm);
            }
            files.delete();
            throw e;
        }
    }

    private static long millis(long from, long to) {
        return (to - from) / 1_000_000;
    }

    /** Whether VMs use KVM; decided once per provisioner. */
    private boolean accelerator(Deadline deadline) throws InterruptedException {
        Boolean known = kvm;
        if (known != null) {
            return known;
        }
        synchronized (this) {
            if (kvm != null) {
                return kvm;
            }
            boolean decided = switch (spec.accelerator()) {
                case TCG -> {
                    log.info("accelerator: tcg (as asked)");
                    yield false;
                }
                case KVM -> {
                    Path dev = Path.of("/dev/kvm");
                    if (!Files.isReadable(dev) || !Files.isWritable(dev)) {
                        throw new ProvisionException("accelerator kvm was asked for, but /dev/kvm is missing or not"
                                + " read-write for this user; use auto or tcg");
                    }
                    log.info("accelerator: kvm (as asked)");
                    yield true;
                }
                case AUTO -> {
                    KvmProbe.Verdict verdict = KvmProbe.verdict(spec.image(), deadline);
                    if (verdict.usable()) {
                        log.info("accelerator: kvm ({})", verdict.reason());
                    } else {
                        log.info("accelerator: tcg, as KVM is unusable here: {}", verdict.reason());
                    }
                    yield verdict.usable();
                }
            };
            kvm = decided;
            return decided;
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new ProvisionException("the qemu provisioner is closed");
        }
    }

    /** Releases every VM still held (in parallel) and the SSH client; idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (QemuMachine m : List.copyOf(machines)) {
                pool.execute(m::close);
            }
        }
        connector.close();
        live.close();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
    }

    /** The steps of one boot, all bounded by the boot deadline; failures quote the serial console. */
    private final class Boot {
        private final String id;
        private final Vm vm;
        private final ConsoleLog console;
        private final VmFiles files;
        private final Deadline deadline;
        private final long limitSeconds;

        Boot(String id, Vm vm, VmFiles files, Deadline deadline, long limitSeconds) {
            this.id = id;
            this.vm = vm;
            this.files = files;
            this.console = new ConsoleLog(files.console());
            this.deadline = deadline;
            this.limitSeconds = limitSeconds;
        }

        List<String> awaitHostKeys() throws InterruptedException {
            while (true) {
                List<String> keys = console.hostKeys();
                if (!keys.isEmpty()) {
                    return keys;
                }
                checkRunning("waiting for the SSH host keys on its console");
                Thread.sleep(POLL);
            }
        }

        SshConnection connect(SshConnector ssh, SshTarget target) throws InterruptedException {
            try {
                return ssh.connect(target, deadline);
            } catch (ConnectionException e) {
                checkRunning("connecting over SSH");
                throw failure("SSH to " + target.address() + " failed: " + e.getMessage(), e);
            }
        }

        /** Waits for cloud-init; returns what happened, for the log. */
        String awaitCloudInit(SshConnection connection, Logger vmLog) throws InterruptedException {
            ExecResult r;
            try {
                r = connection.exec(Command.of("sh", "-c", READY), deadline);
            } catch (ConnectionException e) {
                checkRunning("waiting for cloud-init");
                throw failure("the SSH connection broke while waiting for cloud-init: " + e.getMessage(), e);
            }
            if (r.timedOut()) {
                throw failure(id + " did not become ready within " + limitSeconds
                        + " s: cloud-init status --wait did not finish", null);
            }
            String out = r.stdout().strip();
            if (out.startsWith("cloud-init") && !out.equals("cloud-init 0")) {
                vmLog.warn("cloud-init reports errors on {} ({}); see cloud-init status --long on the VM", id, out);
            }
            return out.startsWith("cloud-init") ? "cloud-init" : "no cloud-init";
        }

        private void checkRunning(String step) {
            if (!vm.isAlive()) {
                String qemu = Vm.qemuOutput(files);
                throw failure("QEMU " + vm.exitDescription() + " while " + id + " was booting"
                        + (qemu.isBlank() ? "" : ": " + qemu.strip()), null);
            }
            if (deadline.expired()) {
                throw failure(id + " did not become ready within " + limitSeconds + " s (" + step + ")", null);
            }
        }

        private ProvisionException failure(String what, Throwable cause) {
            return new ProvisionException(what + "; " + console.describeTail(TAIL_LINES), cause);
        }
    }
}
