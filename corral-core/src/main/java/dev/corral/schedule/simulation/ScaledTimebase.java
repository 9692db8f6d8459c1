package dev.corral.schedule.simulation;

import java.time.Duration;
import java.time.Instant;

import dev.corral.schedule.Timebase;

import org.apiguardian.api.API;

/**
 * Real time, sped up: {@link #sleep} sleeps {@code duration / speedup} for real and {@link #now()} reports
 * simulated time ({@code origin + real elapsed × speedup}). Tasks run truly in parallel on virtual threads, so
 * this measures the real dispatcher with real concurrency, at benchmark speed (e.g. speedup 100: 1 s → 10 ms).
 *
 * <p>Thread-safe. Not deterministic: use {@link VirtualTimebase} in tests.
 */
@API(status = API.Status.EXPERIMENTAL)
public final class ScaledTimebase implements Timebase {
    private final double speedup;
    private final long originNanos = System.nanoTime();
    private final Instant origin = Instant.parse("2030-01-01T00:00:00Z");

    /** @param speedup how much faster than real time, e.g. 100 */
    public ScaledTimebase(double speedup) {
        if (!(speedup > 0)) {
            throw new IllegalArgumentException("speedup must be > 0, was " + speedup);
        }
        this.speedup = speedup;
    }

    @Override
    public Instant now() {
        return origin.plusNanos((long) ((System.nanoTime() - originNanos) * speedup));
    }

    @Override
    public void sleep(Duration duration) throws InterruptedException {
        long real = (long) (duration.toNanos() / speedup);
        if (real > 0) {
            Thread.sleep(Duration.ofNanos(real));
        } else if (Thread.interrupted()) {
            throw new InterruptedException();
        }
    }
}
