package dev.corral.machine.ssh;

import java.time.Duration;
import java.util.Objects;

import org.apiguardian.api.API;

/**
 * Tuning of SSH connections, shared by all connections of one {@link SshConnector}.
 *
 * <p>A session whose server misses {@code keepaliveMaxMissed} keepalives in a row (sent every
 * {@code keepaliveInterval}) is declared dead: running commands fail with a
 * {@link dev.corral.machine.ConnectionException} and the next command reconnects, retrying with backoff for at
 * most {@code reconnectTimeout}.
 *
 * @param keepaliveInterval  time between keepalive requests
 * @param keepaliveMaxMissed unanswered keepalives after which the session is closed, at least 1
 * @param connectTimeout     limit of one TCP connect + key exchange + authentication attempt
 * @param reconnectTimeout   how long a command waits for a lost session to come back
 * @param maxChannels        channels open at once on one session; OpenSSH's {@code MaxSessions} (default 10)
 *                           must be at least this. One is kept for killing commands; more commands wait.
 */
@API(status = API.Status.EXPERIMENTAL)
public record SshOptions(Duration keepaliveInterval, int keepaliveMaxMissed, Duration connectTimeout,
                         Duration reconnectTimeout, int maxChannels) {

    public SshOptions {
        requirePositive(keepaliveInterval, "keepaliveInterval");
        requirePositive(connectTimeout, "connectTimeout");
        Objects.requireNonNull(reconnectTimeout, "reconnectTimeout must not be null");
        if (reconnectTimeout.isNegative()) {
            throw new IllegalArgumentException("reconnectTimeout must not be negative");
        }
        if (keepaliveMaxMissed < 1) {
            throw new IllegalArgumentException("keepaliveMaxMissed must be at least 1, got " + keepaliveMaxMissed);
        }
        if (maxChannels < 2) {
            throw new IllegalArgumentException("maxChannels must be at least 2, got " + maxChannels);
        }
    }

    /** Keepalive every 15 s, dead after 3 missed; 30 s per connect attempt; 60 s to reconnect; 10 channels. */
    public static SshOptions defaults() {
        return new SshOptions(Duration.ofSeconds(15), 3, Duration.ofSeconds(30), Duration.ofSeconds(60), 10);
    }

    /** A copy with another keepalive interval and miss limit. */
    public SshOptions withKeepalive(Duration interval, int maxMissed) {
        return new SshOptions(interval, maxMissed, connectTimeout, reconnectTimeout, maxChannels);
    }

    /** A copy with another connect timeout. */
    public SshOptions withConnectTimeout(Duration timeout) {
        return new SshOptions(keepaliveInterval, keepaliveMaxMissed, timeout, reconnectTimeout, maxChannels);
    }

    /** A copy with another reconnect timeout. */
    public SshOptions withReconnectTimeout(Duration timeout) {
        return new SshOptions(keepaliveInterval, keepaliveMaxMissed, connectTimeout, timeout, maxChannels);
    }

    /** A copy with another channel limit. */
    public SshOptions withMaxChannels(int channels) {
        return new SshOptions(keepaliveInterval, keepaliveMaxMissed, connectTimeout, reconnectTimeout, channels);
    }

    /** Longest time a dead link goes unnoticed: interval × (missed + 1). */
    public Duration keepaliveWindow() {
        return keepaliveInterval.multipliedBy(keepaliveMaxMissed + 1L);
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name + " must not be null");
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
    }
}
