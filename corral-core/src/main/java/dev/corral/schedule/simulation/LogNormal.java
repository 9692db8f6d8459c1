package dev.corral.schedule.simulation;

import java.time.Duration;
import java.util.Random;

import org.apiguardian.api.API;

/**
 * A log-normal distribution of durations, the usual shape of test durations: most short, a few very long.
 *
 * @param median the median duration ({@code e^mu})
 * @param sigma  the standard deviation of the logarithm (0.5: narrow, 1.0: wide)
 */
@API(status = API.Status.EXPERIMENTAL)
public record LogNormal(Duration median, double sigma) {

    public LogNormal {
        if (median == null || median.isNegative() || sigma < 0) {
            throw new IllegalArgumentException("need median >= 0 and sigma >= 0");
        }
    }

    /** One sample. */
    public Duration sample(Random random) {
        double factor = Math.exp(sigma * random.nextGaussian());
        return Duration.ofNanos((long) (median.toNanos() * factor));
    }
}
