package dev.corral.report.console;

import java.time.Duration;

/**
 * Short human durations for the console, written without {@link String#format}: a run's first use of a
 * {@link java.util.Formatter} costs ~7 ms, and every finished test prints one.
 */
final class TimeFormat {
    private TimeFormat() {
    }

    /** {@code 0.4s}, {@code 12.3s}, {@code 2m03s}, {@code 1h02m03s}. */
    static String human(Duration d) {
        long millis = Math.max(0, d.toMillis());
        if (millis < 60_000) {
            long tenths = (millis + 50) / 100; // rounded half up, as %.1f rounds
            return tenths / 10 + "." + tenths % 10 + "s";
        }
        long s = millis / 1000;
        if (s < 3600) {
            return s / 60 + "m" + twoDigits(s % 60) + "s";
        }
        return s / 3600 + "h" + twoDigits((s % 3600) / 60) + "m" + twoDigits(s % 60) + "s";
    }

    /** A clock-like elapsed time: {@code 0:07}, {@code 12:30}, {@code 1:02:03}. */
    static String clock(Duration d) {
        long s = Math.max(0, d.getSeconds());
        if (s < 3600) {
            return s / 60 + ":" + twoDigits(s % 60);
        }
        return s / 3600 + ":" + twoDigits((s % 3600) / 60) + ":" + twoDigits(s % 60);
    }

    /** At least two digits, as {@code %02d} writes a non-negative number. */
    static String twoDigits(long value) {
        return value < 10 ? "0" + value : Long.toString(value);
    }
}
