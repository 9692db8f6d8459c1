package dev.corral.machine.qemu;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.corral.Deadline;
import dev.corral.machine.ProvisionException;

/**
 * Runs a short host tool ({@code qemu-img}, {@code genisoimage}, {@code ssh-keygen}) to completion: output merged
 * and captured, stdin empty, the process tree killed on deadline or interrupt.
 */
final class HostCommand {
    private HostCommand() {
    }

    /** Output of a finished tool. */
    record Output(int exitCode, String text) {
    }

    /**
     * Runs the command and returns its output whatever its exit code.
     *
     * @throws ProvisionException when it cannot start or does not finish before the deadline
     */
    static Output run(List<String> argv, Path cwd, Deadline deadline) throws InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        if (cwd != null) {
            pb.directory(cwd.toFile());
        }
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new ProvisionException("cannot run " + argv.get(0) + ": " + e.getMessage()
                    + " (install it, e.g. with scripts/install-deps)", e);
        }
        StringBuilder text = new StringBuilder();
        Thread reader = Thread.ofVirtual().name("host-command-output").start(() -> {
            try {
                text.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                text.append("<output lost: ").append(e.getMessage()).append('>');
            }
        });
        try {
            if (!p.waitFor(deadline.remainingNanos(), TimeUnit.NANOSECONDS)) {
                kill(p);
                throw new ProvisionException(argv.get(0) + " did not finish before the deadline: " + String.join(" ", argv));
            }
            reader.join();
        } catch (InterruptedException e) {
            kill(p);
            throw e;
        }
        return new Output(p.exitValue(), text.toString()); // the reader was joined: its writes are visible
    }

    /** Runs the command and fails with its output unless it exits with 0. */
    static String check(List<String> argv, Path cwd, Deadline deadline, String what) throws InterruptedException {
        Output out = run(argv, cwd, deadline);
        if (out.exitCode() != 0) {
            throw new ProvisionException(what + " failed: " + argv.get(0) + " exited with " + out.exitCode() + ": "
                    + out.text().strip());
        }
        return out.text();
    }

    /** Kills the process and its descendants and waits up to five seconds for it to be gone; keeps the interrupt flag. */
    static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        boolean interrupted = Thread.interrupted();
        try {
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            interrupted = true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
