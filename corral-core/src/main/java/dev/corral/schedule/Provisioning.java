package dev.corral.schedule;

import java.time.Duration;
import java.util.Objects;

import org.apiguardian.api.API;

/**
 * How a run asks for machines. A failed request is retried after an exponential backoff with jitter
 * ({@code initialBackoff × 2^(n-1)}, at most {@code maxBackoff}, times a random factor in [0.5, 1]).
 *
 * <p>A target that never got a machine gives up after {@code failFastAfter} consecutive failures, one that lost
 * all its machines after twice as many; the run as a whole stops asking after {@code maxFailures} failures. A target left without machines then has its remaining
 * tests recorded as {@code pending} and the run ends with a {@link ProvisioningFailedException}.
 *
 * @param timeout        the deadline for one request, including the runner's preparation of the machine
 * @param initialBackoff the delay before the first retry
 * @param maxBackoff     the longest delay between retries
 * @param maxFailures    failed requests allowed per run, over all targets
 * @param failFastAfter  consecutive failures after which a target that never had a machine gives up (twice as
 *                       many for a target that lost the machines it had)
 */
@API(status = API.Status.EXPERIMENTAL)
public record Provisioning(Duration timeout, Duration initialBackoff, Duration maxBackoff, int maxFailures,
                           int failFastAfter) {

    public Provisioning {
        Objects.requireNonNull(timeout, "timeout must not be null");
        Objects.requireNonNull(initialBackoff, "initialBackoff must not be null");
        Objects.requireNonNull(maxBackoff, "maxBackoff must not be null");
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("need 0 <= initialBackoff <= maxBackoff");
        }
        if (maxFailures < 1 || failFastAfter < 1) {
            throw new IllegalArgumentException("maxFailures and failFastAfter must be >= 1");
        }
    }

    /** 15 minutes per request, backoff from 2 s to 1 min, 20 failures per run, fail fast after 3. */
    public static Provisioning defaults() {
        return new Provisioning(Duration.ofMinutes(15), Duration.ofSeconds(2), Duration.ofMinutes(1), 20, 3);
    }

    public Provisioning withBackoff(Duration initial, Duration max) {
        return new Provisioning(timeout, initial, max, maxFailures, failFastAfter);
    }

    public Provisioning withMaxFailures(int n) {
        return new Provisioning(timeout, initialBackoff, maxBackoff, n, failFastAfter);
    }

    public Provisioning withFailFastAfter(int n) {
        return new Provisioning(timeout, initialBackoff, maxBackoff, maxFailures, n);
    }

    public Provisioning withTimeout(Duration t) {
        return new Provisioning(t, initialBackoff, maxBackoff, maxFailures, failFastAfter);
    }

    /** The backoff before retry number {@code failures} (1-based), scaled by {@code jitter} in [0.5, 1]. */
    Duration backoff(int failures, double jitter) {
        long base = initialBackoff.toNanos();
        long cap = maxBackoff.toNanos();
        long d = base;
        for (int i = 1; i < failures && d < cap; i++) {
            d = d > cap / 2 ? cap : d * 2;
        }
        return Duration.ofNanos((long) (Math.min(d, cap) * jitter));
    }
}
