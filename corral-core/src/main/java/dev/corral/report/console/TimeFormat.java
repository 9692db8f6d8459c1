package dev.corral.report.console;

import java.time.Duration;
import java.util.Locale;

/** Short human durations for the console. */
final class TimeFormat {
    private TimeFormat() {
    }

    /** {@code 0.4s}, {@code 12.3s}, {@code 2m03s}, {@code 1h02m03s}. */
    static String human(Duration d) {
        long millis = Math.max(0, d.toMillis());
        if (millis < 60_000) {
            return String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
        }
        long s = millis / 1000;
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm%02ds", s / 3600, (s % 3600) / 60, s % 60);
    }

    /** A clock-like elapsed time: {@code 0:07}, {@code 12:30}, {@code 1:02:03}. */
    static String clock(Duration d) {
        long s = Math.max(0, d.getSeconds());
        if (s < 3600) {
            return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s % 3600) / 60, s % 60);
    }
}
