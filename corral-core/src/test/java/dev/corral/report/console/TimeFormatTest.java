package dev.corral.report.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import dev.corral.report.tmt.TmtResultsYaml;

import org.junit.jupiter.api.Test;

/** The hand-written duration formats write what {@link String#format} wrote before them. */
class TimeFormatTest {
    /** Edges (rounding, unit changes) and a seeded spread up to four days. */
    private static List<Long> millis() {
        List<Long> values = new ArrayList<>(List.of(0L, 1L, 49L, 50L, 51L, 149L, 150L, 950L, 999L, 1_000L, 1_050L,
                1_250L, 59_949L, 59_950L, 59_999L, 60_000L, 61_000L, 3_599_999L, 3_600_000L, 3_661_000L,
                359_999_999L, 360_000_000L));
        Random random = new Random(20261124);
        for (int i = 0; i < 20_000; i++) {
            values.add((long) random.nextInt(120_000));
            values.add((long) (random.nextDouble() * 4 * 86_400_000L));
        }
        return values;
    }

    @Test
    void humanAndClockTimesAreWhatTheFormatStringsWrote() {
        for (long ms : millis()) {
            Duration d = Duration.ofMillis(ms);
            long s = ms / 1000;
            String human = ms < 60_000 ? String.format(Locale.ROOT, "%.1fs", ms / 1000.0)
                    : s < 3600 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60)
                    : String.format(Locale.ROOT, "%dh%02dm%02ds", s / 3600, (s % 3600) / 60, s % 60);
            String clock = s < 3600 ? String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60)
                    : String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s % 3600) / 60, s % 60);
            assertThat(TimeFormat.human(d)).as("%d ms", ms).isEqualTo(human);
            assertThat(TimeFormat.clock(d)).as("%d ms", ms).isEqualTo(clock);
            assertThat(TmtResultsYaml.duration(d)).as("%d ms", ms)
                    .isEqualTo(String.format(Locale.ROOT, "%02d:%02d:%02d", s / 3600, (s % 3600) / 60, s % 60));
        }
        assertThat(TimeFormat.human(Duration.ofMillis(-5))).isEqualTo("0.0s");
    }
}
