package dev.corral.machine.qemu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import dev.corral.RunId;
import dev.corral.files.FileTrees;
import dev.corral.machine.ProvisionException;

/**
 * The files of one VM. Private ones (overlay, seed, QMP socket, SSH key) live in a 0700 directory
 * {@code <tmp>/corral-<run>-<machine>/}, removed on release; the serial console and QEMU's own output go to the
 * machine's log directory, which is part of the run's results and stays.
 *
 * @param dir    the private directory
 * @param logDir the machine's log directory ({@code <machinesRoot>/<machine>})
 */
record VmFiles(Path dir, Path logDir) {
    /** Unix socket paths longer than this do not fit in {@code sockaddr_un}. */
    private static final int MAX_SOCKET_PATH = 107;

    /** The VM's name and private directory name: {@code corral-<run>-<machine>}. */
    static String name(RunId run, String machine) {
        return "corral-" + run.value() + "-" + machine;
    }

    /** Creates both directories; the private one must not exist yet. */
    static VmFiles create(Path tmpRoot, String name, Path logDir) {
        Path dir = tmpRoot.resolve(name);
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new ProvisionException("cannot create the VM directory " + dir + " or " + logDir + ": " + e.getMessage(), e);
        }
        VmFiles files = new VmFiles(dir, logDir);
        if (files.qmpSocket().toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH) {
            files.delete();
            throw new ProvisionException("the QMP socket path " + files.qmpSocket() + " is too long for a Unix socket;"
                    + " use a shorter temporary directory (java.io.tmpdir)");
        }
        return files;
    }

    Path overlay() {
        return dir.resolve("overlay.qcow2");
    }

    Path seed() {
        return dir.resolve("seed.iso");
    }

    Path qmpSocket() {
        return dir.resolve("qmp.sock");
    }

    Path key() {
        return dir.resolve("id_ed25519");
    }

    Path publicKey() {
        return dir.resolve("id_ed25519.pub");
    }

    Path console() {
        return logDir.resolve("console.log");
    }

    Path qemuLog() {
        return logDir.resolve("qemu.log");
    }

    /** Removes the private directory and everything in it; returns whether it is gone. */
    boolean delete() {
        return FileTrees.deleteQuietly(dir) || !Files.exists(dir);
    }

}
