package dev.corral.machine.ssh;

import java.nio.file.Path;
import java.util.Objects;

import org.apiguardian.api.API;

/**
 * Where and how to log in over SSH: host, port, user, credentials and the host key policy.
 *
 * <p>Credentials: a private key file in OpenSSH format (ed25519 or RSA, with an optional passphrase) and/or a
 * password. With neither, the user's default keys ({@code ~/.ssh/id_ed25519}, {@code id_ecdsa}, {@code id_rsa})
 * are tried. {@link #toString()} never shows the password or passphrase.
 *
 * <pre>{@code
 * SshTarget target = SshTarget.builder("192.168.122.10")
 *         .user("root")
 *         .key(Path.of("run/id_ed25519"))
 *         .hostKeys(HostKeyPolicy.pinned(vmHostKey))
 *         .build();
 * }</pre>
 *
 * @param host       host name or address
 * @param port       TCP port, 1..65535
 * @param user       login name
 * @param key        private key file, or {@code null}
 * @param passphrase passphrase of the key, or {@code null} when it is not encrypted
 * @param password   password for password authentication, or {@code null}
 * @param hostKeys   how the server's host key is checked
 */
@API(status = API.Status.EXPERIMENTAL)
public record SshTarget(String host, int port, String user, Path key, String passphrase, String password,
                        HostKeyPolicy hostKeys) {

    /** The SSH port used when none is given. */
    public static final int DEFAULT_PORT = 22;
    /** The login used when none is given, as tmt's {@code connect} does. */
    public static final String DEFAULT_USER = "root";

    public SshTarget {
        Objects.requireNonNull(host, "host must not be null");
        if (host.isBlank() || host.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("invalid host name '" + host + "'");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("invalid port " + port + " for " + host + ": expected 1..65535");
        }
        Objects.requireNonNull(user, "user must not be null");
        if (user.isBlank()) {
            throw new IllegalArgumentException("empty user name for " + host);
        }
        Objects.requireNonNull(hostKeys, "hostKeys must not be null");
    }

    /** Starts a builder for the host, with port 22, user root, known_hosts checking and no credentials. */
    public static Builder builder(String host) {
        return new Builder(host);
    }

    /** A copy with another host key policy. */
    public SshTarget withHostKeys(HostKeyPolicy policy) {
        return new SshTarget(host, port, user, key, passphrase, password, policy);
    }

    /** {@code user@host:port}, for messages. */
    public String address() {
        return user + "@" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** Shows the address and which credentials are set, never their values. */
    @Override
    public String toString() {
        return "SshTarget[" + address() + (key == null ? "" : ", key " + key)
                + (passphrase == null ? "" : ", passphrase ***") + (password == null ? "" : ", password ***")
                + ", " + hostKeys.getClass().getSimpleName() + "]";
    }

    /** Builder for {@link SshTarget}; not thread-safe. */
    public static final class Builder {
        private final String host;
        private int port = DEFAULT_PORT;
        private String user = DEFAULT_USER;
        private Path key;
        private String passphrase;
        private String password;
        private HostKeyPolicy hostKeys = HostKeyPolicy.knownHosts();

        private Builder(String host) {
            this.host = host;
        }

        /** TCP port (default 22). */
        public Builder port(int number) {
            this.port = number;
            return this;
        }

        /** Login name (default root). */
        public Builder user(String name) {
            this.user = name;
            return this;
        }

        /** OpenSSH private key file. */
        public Builder key(Path file) {
            this.key = file;
            return this;
        }

        /** Passphrase of an encrypted key. */
        public Builder passphrase(String secret) {
            this.passphrase = secret;
            return this;
        }

        /** Password for password (or keyboard-interactive) authentication. */
        public Builder password(String secret) {
            this.password = secret;
            return this;
        }

        /** Host key policy (default: {@code ~/.ssh/known_hosts}). */
        public Builder hostKeys(HostKeyPolicy policy) {
            this.hostKeys = policy;
            return this;
        }

        /** The target. */
        public SshTarget build() {
            return new SshTarget(host, port, user, key, passphrase, password, hostKeys);
        }
    }
}
