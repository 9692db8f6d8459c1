package dev.corral.schedule;

import java.time.Duration;
import java.time.Instant;

/** Real time and virtual threads. */
final class SystemTimebase implements Timebase {
    static final SystemTimebase INSTANCE = new SystemTimebase();

    @Override
    public Instant now() {
        return Instant.now();
    }

    @Override
    public void sleep(Duration duration) throws InterruptedException {
        if (duration.isPositive()) {
            Thread.sleep(duration);
        }
    }
}
