package dev.corral.machine.qemu;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import dev.corral.Deadline;
import dev.corral.machine.ProvisionException;

import org.slf4j.Logger;

/**
 * One running QEMU process and its QMP connection. Started with a free loopback port for SSH; when QEMU cannot
 * bind it (another process took it in between), it is started again with another port.
 *
 * <p>Thread-safe; {@link #stop} is idempotent.
 */
final class Vm {
    private static final int PORT_ATTEMPTS = 5;
    private static final Duration QUIT = Duration.ofSeconds(10);

    private final Process process;
    private final Qmp qmp;
    private final int sshPort;
    private final Logger log;
    private volatile boolean stopped;

    private Vm(Process process, Qmp qmp, int sshPort, Logger log) {
        this.process = process;
        this.qmp = qmp;
        this.sshPort = sshPort;
        this.log = log;
    }

    /**
     * Starts QEMU and connects to its QMP socket.
     *
     * @throws ProvisionException with QEMU's own message when it does not start
     */
    static Vm start(QemuSpec spec, String name, VmFiles files, boolean kvm, Deadline deadline, Logger log)
            throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            int port = Ports.take();
            List<String> argv = new QemuArgs(name, files, kvm, port).argv(spec);
            log.debug("starting {}", argv);
            Process process;
            try {
                Files.deleteIfExists(files.qmpSocket());
                process = new ProcessBuilder(argv).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(files.qemuLog().toFile()))
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            } catch (IOException e) {
                Ports.release(port);
                throw new ProvisionException("cannot run " + KvmProbe.QEMU + ": " + e.getMessage()
                        + " (install qemu-system-x86, e.g. with scripts/install-deps)", e);
            }
            try {
                Qmp qmp = Qmp.connect(files.qmpSocket(), process::isAlive, deadline, log);
                return new Vm(process, qmp, port, log);
            } catch (Qmp.QmpException e) {
                HostCommand.kill(process);
                Ports.release(port);
                String output = qemuOutput(files);
                if (output.toLowerCase(Locale.ROOT).contains("host forwarding") && attempt < PORT_ATTEMPTS) {
                    log.debug("port {} was taken before QEMU bound it; trying another", port);
                    continue;
                }
                throw new ProvisionException("QEMU did not start: " + (output.isBlank() ? e.getMessage() : output.strip())
                        + " (command line and output in " + files.qemuLog() + ")", e);
            } catch (InterruptedException | RuntimeException e) {
                HostCommand.kill(process);
                Ports.release(port);
                throw e;
            }
        }
    }

    /** The last lines QEMU wrote to its log. */
    static String qemuOutput(VmFiles files) {
        try {
            List<String> lines = Files.readAllLines(files.qemuLog(), StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }

    Qmp qmp() {
        return qmp;
    }

    int sshPort() {
        return sshPort;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** How the process ended, for messages; {@code running} while it runs. */
    String exitDescription() {
        if (process.isAlive()) {
            return "running";
        }
        int code = process.exitValue();
        return code > 128 ? "killed by signal " + (code - 128) : "exited with " + code;
    }

    /**
     * Stops the VM: QMP {@code quit}, then SIGKILL for the whole process tree if QEMU does not exit within ten
     * seconds. Keeps the interrupt flag; never throws.
     */
    void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        boolean interrupted = Thread.interrupted();
        try {
            if (process.isAlive()) {
                try {
                    qmp.quit(Deadline.after(QUIT));
                    if (!process.waitFor(QUIT.toMillis(), TimeUnit.MILLISECONDS)) {
                        log.warn("QEMU did not quit within {} s; killing it", QUIT.toSeconds());
                    }
                } catch (RuntimeException e) {
                    log.debug("QMP quit failed: {}; killing QEMU", e.getMessage());
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            HostCommand.kill(process);
        } finally {
            qmp.close();
            Ports.release(sshPort);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Kills QEMU at once (JVM shutdown); no QMP, no waiting beyond the kill. */
    void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
