package dev.corral.machine.ssh;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import dev.corral.Deadline;
import dev.corral.machine.ConnectionException;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.future.AuthFuture;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.core.CoreModuleProperties;
import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SSH client of an application or provisioner: one thread-safe MINA SSHD client, from which
 * {@link SshConnection}s are opened. Closing it closes every connection it opened.
 *
 * <p>The client ignores {@code ~/.ssh/config} and the SSH agent: everything comes from the {@link SshTarget}.
 * Host keys are checked by the target's {@link HostKeyPolicy}; there is no insecure default.
 *
 * <pre>{@code
 * try (SshConnector ssh = SshConnector.start(SshOptions.defaults());
 *      SshConnection host = ssh.connect(target, Deadline.after(Duration.ofMinutes(1)))) {
 *     host.exec(Command.of("uname", "-r"), Deadline.after(Duration.ofSeconds(30)));
 * }
 * }</pre>
 *
 * <p>Thread-safe.
 */
@API(status = API.Status.EXPERIMENTAL)
public final class SshConnector implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SshConnector.class);
    private static final Duration FIRST_RETRY = Duration.ofMillis(250);
    private static final Duration MAX_RETRY = Duration.ofSeconds(5);

    private final SshClient client;
    private final SshOptions options;

    private SshConnector(SshOptions options) {
        this.options = options;
        client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(HostKeyCheck.VERIFIER);
        client.addSessionListener(HostKeyCheck.LISTENER);
        client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
        client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        CoreModuleProperties.HEARTBEAT_REQUEST.set(client, "keepalive@openssh.com");
        CoreModuleProperties.HEARTBEAT_INTERVAL.set(client, options.keepaliveInterval());
        CoreModuleProperties.HEARTBEAT_NO_REPLY_MAX.set(client, options.keepaliveMaxMissed());
        CoreModuleProperties.IDLE_TIMEOUT.set(client, Duration.ZERO);
        // small request/response packets: without this, Nagle and delayed ACKs add ~40 ms to every command
        CoreModuleProperties.TCP_NODELAY.set(client, true);
        client.start();
    }

    /** Starts a client with the given options. */
    public static SshConnector start(SshOptions options) {
        return new SshConnector(Objects.requireNonNull(options, "options must not be null"));
    }

    /** The options all connections of this client use. */
    public SshOptions options() {
        return options;
    }

    /**
     * Opens an authenticated connection. Refused connections and timeouts are retried with backoff until the
     * deadline (a machine that is still booting); a rejected host key or failed authentication fails at once.
     *
     * @throws ConnectionException  saying why and what to do (host key, credentials, network)
     * @throws InterruptedException when interrupted
     */
    public SshConnection connect(SshTarget target, Deadline deadline) throws InterruptedException {
        Objects.requireNonNull(target, "target must not be null");
        List<KeyPair> keys = KeyFiles.load(target);
        Logger log = LoggerFactory.getLogger("corral.machine.ssh." + target.host());
        ClientSession session = open(target, keys, deadline, log);
        return SshConnection.start(this, target, keys, session, log, deadline);
    }

    /** Connects and authenticates, retrying transient failures with backoff until the deadline. */
    ClientSession open(SshTarget target, List<KeyPair> keys, Deadline deadline, Logger log) throws InterruptedException {
        if (!client.isStarted()) {
            throw new ConnectionException("cannot connect to " + target.address() + ": the SSH client is closed");
        }
        long started = System.nanoTime();
        Duration delay = FIRST_RETRY;
        for (int attempt = 1; ; attempt++) {
            try {
                return openOnce(target, keys, deadline, log);
            } catch (Retryable e) {
                if (deadline.remainingNanos() <= delay.toNanos()) {
                    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
                    throw new ConnectionException("cannot connect to " + target.address() + ": " + e.getMessage()
                            + (attempt > 1 ? " (" + attempt + " attempts in " + seconds + " s)" : ""), e.getCause());
                }
                log.debug("connect attempt {} to {} failed: {}; retrying in {} ms", attempt, target.address(),
                        e.getMessage(), delay.toMillis());
                Thread.sleep(delay);
                delay = delay.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : delay.multipliedBy(2);
            }
        }
    }

    private ClientSession openOnce(SshTarget target, List<KeyPair> keys, Deadline deadline, Logger log)
            throws InterruptedException, Retryable {
        Deadline attempt = deadline.min(options.connectTimeout());
        HostKeyCheck check = new HostKeyCheck(target, log);
        ConnectFuture connecting;
        try {
            connecting = client.connect(target.user(), target.host(), target.port(), check.context(), null);
        } catch (IOException e) {
            throw new Retryable(Futures.why(e), e);
        } catch (IllegalArgumentException e) {
            throw new ConnectionException("cannot connect to " + target.address() + ": unknown host " + target.host(), e);
        }
        boolean done;
        try {
            done = Futures.await(connecting, attempt);
        } catch (InterruptedException e) {
            connecting.cancel();
            closeQuietly(connecting.getSession());
            throw e;
        }
        if (!done) {
            connecting.cancel();
            closeQuietly(connecting.getSession());
            throw new Retryable("timed out after " + options.connectTimeout().toSeconds() + " s", null);
        }
        if (!connecting.isConnected()) {
            Throwable failure = connecting.getException();
            if (failure instanceof UnresolvedAddressException || failure instanceof UnknownHostException) {
                throw new ConnectionException("cannot connect to " + target.address() + ": unknown host " + target.host(), failure);
            }
            throw new Retryable(describeNetworkFailure(failure), failure);
        }
        ClientSession session = connecting.getSession();
        boolean ok = false;
        try {
            keys.forEach(session::addPublicKeyIdentity);
            if (target.password() != null) {
                session.addPasswordIdentity(target.password());
            }
            AuthFuture auth = session.auth();
            if (!Futures.await(auth, attempt)) {
                throw new Retryable("timed out during key exchange or authentication", null);
            }
            if (!auth.isSuccess()) {
                if (check.rejection() != null) {
                    throw new ConnectionException("cannot connect to " + target.address() + ": " + check.rejection());
                }
                Throwable failure = auth.getException();
                String why = Futures.why(failure);
                if (why.toLowerCase(Locale.ROOT).contains("no more authentication methods")) {
                    throw new ConnectionException("cannot log in to " + target.address() + ": authentication failed with "
                            + credentials(target) + "; check the user, key or password and the host's authorized_keys", failure);
                }
                throw new Retryable(why, failure);
            }
            ok = true;
            log.debug("connected to {}", target.address());
            return session;
        } catch (IOException e) {
            throw new Retryable(Futures.why(e), e);
        } finally {
            if (!ok) {
                closeQuietly(session);
            }
        }
    }

    private static String describeNetworkFailure(Throwable failure) {
        Throwable t = failure;
        while (t != null) {
            if (t instanceof ConnectException) {
                return "connection refused (is sshd running and the port right?)";
            }
            if (t instanceof NoRouteToHostException) {
                return "no route to host";
            }
            t = t.getCause() == t ? null : t.getCause();
        }
        return Futures.why(failure);
    }

    private static String credentials(SshTarget target) {
        StringBuilder sb = new StringBuilder();
        if (target.key() != null) {
            sb.append("key ").append(target.key());
        } else if (target.password() == null) {
            sb.append("the default keys in ~/.ssh");
        }
        if (target.password() != null) {
            sb.append(sb.isEmpty() ? "" : " and ").append("password");
        }
        return sb.toString();
    }

    private static void closeQuietly(ClientSession session) {
        if (session != null) {
            session.close(true);
        }
    }

    /** Closes every connection of this client; idempotent. */
    @Override
    public void close() {
        try {
            client.stop();
        } catch (RuntimeException e) {
            LOG.debug("stopping the SSH client failed", e);
        }
    }

    /** A connect attempt failed in a way that may go away (refused, reset, timeout). */
    private static final class Retryable extends Exception {
        Retryable(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }
}
