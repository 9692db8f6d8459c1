package dev.corral.machine.qemu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.corral.Deadline;
import dev.corral.machine.ProvisionException;

/**
 * The per-VM SSH key pair and the cloud-init NoCloud seed carrying its public half: an ISO 9660 image labelled
 * {@code cidata} with {@code user-data} (the key for root and the default user, root login allowed) and
 * {@code meta-data} (instance id and host name).
 */
final class CloudInitSeed {
    private CloudInitSeed() {
    }

    /** Generates a fresh ed25519 key pair without passphrase; returns the public key line. */
    static String generateKey(VmFiles files, String comment, Deadline deadline) throws InterruptedException {
        HostCommand.check(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", files.key().toString()),
                null, deadline, "generating the VM's SSH key");
        try {
            return Files.readString(files.publicKey(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new ProvisionException("cannot read the generated key " + files.publicKey() + ": " + e.getMessage(), e);
        }
    }

    /** Writes the seed ISO with {@code genisoimage}. */
    static void write(VmFiles files, String instanceId, String hostname, String publicKey, Deadline deadline)
            throws InterruptedException {
        Path userData = files.dir().resolve("user-data");
        Path metaData = files.dir().resolve("meta-data");
        String user = """
                #cloud-config
                disable_root: false
                ssh_pwauth: false
                ssh_authorized_keys:
                  - %s
                """.formatted(publicKey);
        String meta = """
                instance-id: %s
                local-hostname: %s
                """.formatted(instanceId, hostname);
        try {
            Files.writeString(userData, user, StandardCharsets.UTF_8);
            Files.writeString(metaData, meta, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ProvisionException("cannot write the cloud-init seed in " + files.dir() + ": " + e.getMessage(), e);
        }
        HostCommand.check(List.of("genisoimage", "-quiet", "-output", files.seed().toString(), "-volid", "cidata",
                "-joliet", "-rock", "user-data", "meta-data"), files.dir(), deadline, "making the cloud-init seed");
    }
}
