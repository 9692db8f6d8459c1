package dev.corral.machine.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;

import dev.corral.machine.ConnectionException;

import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.util.security.SecurityUtils;

/** Loads OpenSSH private key files (ed25519, ECDSA, RSA; encrypted ones with their passphrase). */
final class KeyFiles {
    private static final List<String> DEFAULT_NAMES = List.of("id_ed25519", "id_ecdsa", "id_rsa");

    private KeyFiles() {
    }

    /**
     * The key pairs to offer for the target: its key file, or with neither key nor password the user's default
     * keys that exist and load.
     *
     * @throws ConnectionException naming the file when a given key cannot be read
     */
    static List<KeyPair> load(SshTarget target) {
        if (target.key() != null) {
            return load(target.key(), target.passphrase());
        }
        if (target.password() != null) {
            return List.of();
        }
        List<KeyPair> keys = new ArrayList<>();
        Path dir = Path.of(System.getProperty("user.home"), ".ssh");
        for (String name : DEFAULT_NAMES) {
            Path file = dir.resolve(name);
            if (Files.isRegularFile(file)) {
                try {
                    keys.addAll(load(file, null));
                } catch (ConnectionException unusable) {
                    // an encrypted or foreign default key is skipped, as ssh does without an agent
                }
            }
        }
        if (keys.isEmpty()) {
            throw new ConnectionException("no credentials for " + target.address() + ": give a private key file or a"
                    + " password (no usable default key in " + dir + ")");
        }
        return keys;
    }

    static List<KeyPair> load(Path file, String passphrase) {
        FilePasswordProvider provider = passphrase == null ? FilePasswordProvider.EMPTY : FilePasswordProvider.of(passphrase);
        List<KeyPair> keys = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file)) {
            Iterable<KeyPair> loaded = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(file.toString()), in, provider);
            if (loaded != null) {
                loaded.forEach(keys::add);
            }
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            String hint = passphrase == null && why.toLowerCase(java.util.Locale.ROOT).contains("password")
                    ? " (the key is encrypted: give its passphrase)" : "";
            throw new ConnectionException("cannot read SSH private key " + file + ": " + why + hint, e);
        }
        if (keys.isEmpty()) {
            throw new ConnectionException("no private key found in " + file + ": expected an OpenSSH or PEM private key file");
        }
        return keys;
    }
}
