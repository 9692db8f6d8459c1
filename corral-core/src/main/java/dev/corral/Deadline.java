package dev.corral;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import org.apiguardian.api.API;

/**
 * A point in time by which a blocking operation must finish, measured on the monotonic clock. One deadline is
 * shared by all steps of an operation, so the steps spend one time budget between them.
 *
 * <p>Immutable and thread-safe. {@link #none()} never expires.
 */
@API(status = API.Status.EXPERIMENTAL)
public final class Deadline {
    private static final Deadline NONE = new Deadline(Long.MAX_VALUE);

    private final long nanos;

    private Deadline(long nanos) {
        this.nanos = nanos;
    }

    /** A deadline {@code timeout} from now; a non-positive timeout is already expired. */
    public static Deadline after(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout must not be null");
        long now = System.nanoTime();
        long budget;
        try {
            budget = timeout.toNanos();
        } catch (ArithmeticException tooLong) {
            return NONE;
        }
        long at = now + budget;
        return budget > 0 && at < now ? NONE : new Deadline(at);
    }

    /** A deadline that never expires. */
    public static Deadline none() {
        return NONE;
    }

    /** Whether this deadline is {@link #none()}. */
    public boolean isNone() {
        return nanos == Long.MAX_VALUE;
    }

    /** Time left, never negative; a very long duration for {@link #none()}. */
    public Duration remaining() {
        if (isNone()) {
            return Duration.ofNanos(Long.MAX_VALUE);
        }
        return Duration.ofNanos(Math.max(0, nanos - System.nanoTime()));
    }

    /** Nanoseconds left, never negative. */
    public long remainingNanos() {
        return isNone() ? Long.MAX_VALUE : Math.max(0, nanos - System.nanoTime());
    }

    /** Whether the time is up. */
    public boolean expired() {
        return !isNone() && nanos - System.nanoTime() <= 0;
    }

    /** The earlier of this deadline and one {@code timeout} from now. */
    public Deadline min(Duration timeout) {
        Deadline other = after(timeout);
        if (isNone() || other.isNone()) {
            return isNone() ? other : this;
        }
        return other.nanos - nanos < 0 ? other : this;
    }

    /** Waits on {@code unit}-based APIs: the remaining time in the given unit, at least 0. */
    public long remaining(TimeUnit unit) {
        return unit.convert(remainingNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public String toString() {
        return isNone() ? "Deadline[none]" : "Deadline[" + remaining() + " left]";
    }
}
