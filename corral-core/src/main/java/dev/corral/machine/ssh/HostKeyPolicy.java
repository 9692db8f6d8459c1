package dev.corral.machine.ssh;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

import org.apiguardian.api.API;

/**
 * How the host key an SSH server presents is checked. The default is {@link #knownHosts()}: the user's
 * {@code ~/.ssh/known_hosts}, as OpenSSH does; an unknown or changed key is refused with a message saying what to
 * do. Provisioners that create the machine and know its key (a VM with a generated host key) use
 * {@link #pinned}. {@link #acceptAny()} accepts every key and must only be used when the user asks for it.
 *
 * <p>Immutable values.
 */
@API(status = API.Status.EXPERIMENTAL)
public sealed interface HostKeyPolicy permits HostKeyPolicy.KnownHosts, HostKeyPolicy.Pinned, HostKeyPolicy.AcceptAny {

    /** Checks against {@code ~/.ssh/known_hosts} of the user running Corral. */
    static HostKeyPolicy knownHosts() {
        return new KnownHosts(Path.of(System.getProperty("user.home"), ".ssh", "known_hosts"));
    }

    /** Checks against the given known_hosts file (OpenSSH format, hashed entries allowed). */
    static HostKeyPolicy knownHosts(Path file) {
        return new KnownHosts(file);
    }

    /**
     * Accepts only the given public keys, each in OpenSSH form ({@code ssh-ed25519 AAAA... [comment]}, the
     * content of a {@code .pub} file).
     */
    static HostKeyPolicy pinned(String... publicKeys) {
        return new Pinned(List.of(publicKeys));
    }

    /** Accepts any host key: no protection against a man in the middle. Only on the user's explicit request. */
    static HostKeyPolicy acceptAny() {
        return new AcceptAny();
    }

    /**
     * Host keys are looked up in an OpenSSH known_hosts file.
     *
     * @param file the known_hosts file; a missing file knows no host
     */
    record KnownHosts(Path file) implements HostKeyPolicy {
        public KnownHosts {
            Objects.requireNonNull(file, "file must not be null");
        }
    }

    /**
     * Only these keys are accepted.
     *
     * @param publicKeys keys normalized to {@code type base64}, not empty
     */
    record Pinned(List<String> publicKeys) implements HostKeyPolicy {
        public Pinned {
            Objects.requireNonNull(publicKeys, "publicKeys must not be null");
            if (publicKeys.isEmpty()) {
                throw new IllegalArgumentException("a pinned host key policy needs at least one key");
            }
            List<String> normalized = new ArrayList<>();
            for (String key : publicKeys) {
                normalized.add(normalize(key));
            }
            publicKeys = List.copyOf(normalized);
        }

        private static String normalize(String key) {
            String[] parts = Objects.requireNonNull(key, "key must not be null").strip().split("\\s+");
            if (parts.length < 2 || parts[0].isEmpty()) {
                throw new IllegalArgumentException("not an OpenSSH public key (expected 'TYPE BASE64 [COMMENT]'): '"
                        + abbreviate(key) + "'");
            }
            try {
                Base64.getDecoder().decode(parts[1]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("not an OpenSSH public key, bad base64: '" + abbreviate(key) + "'", e);
            }
            return parts[0] + " " + parts[1];
        }

        private static String abbreviate(String s) {
            return s.length() > 40 ? s.substring(0, 40) + "…" : s;
        }
    }

    /** Every key is accepted. */
    record AcceptAny() implements HostKeyPolicy {
    }
}
