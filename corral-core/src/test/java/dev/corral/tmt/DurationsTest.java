package dev.corral.tmt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import dev.corral.CorralException;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class DurationsTest {

    @ParameterizedTest(name = "''{0}'' is {1}s")
    @CsvSource(delimiter = '|', value = {
            "5m | 300",
            "90 | 90",
            "30s | 30",
            "2h | 7200",
            "2d | 172800",
            "1h 30m | 5400",
            "1m30s | 90",
            "1h30m15s | 5415",
            "1h 3h 2m 3 | 14523",
            "5 m | 300",
            "5m5m | 600",
            "5m 15m | 1200",
            "'5m   10s' | 310",
            "'5m ' | 300",
            "5 5 | 10",
            "5*2 | 10",
            "5m *2 | 600",
            "5m*2 | 600",
            "'*2 5m' | 600",
            "'* 2 5m' | 600",
            "'*3 2s *4' | 24",
            "10s *0.5 | 5",
            "1s *0.5 | 1",
            "10s *0.33 | 4",
            "0 | 0",
    })
    void parsesTmtDurations(String text, long seconds) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.ofSeconds(seconds));
    }

    @ParameterizedTest(name = "''{0}'' with default 5m is {1}s")
    @CsvSource(delimiter = '|', value = {
            "'*2' | 600",
            "'*0.5' | 150",
            "0 | 300",
            "1m | 60",
            "1m *2 | 120",
    })
    void multipliesTheInjectedDefaultWhenNoTimeIsGiven(String text, long seconds) {
        assertThat(Durations.parse(text, "5m")).isEqualTo(Duration.ofSeconds(seconds));
    }

    @Test
    void aBareMultiplierWithoutDefaultIsZero() {
        assertThat(Durations.parse("*2")).isZero();
    }

    @ParameterizedTest(name = "''{0}'' is invalid")
    @ValueSource(strings = {"", " ", " 5m", "5x", "5ms", "m", "1.5h", "5.5", "-5m", "5m-", "*", "*m", "*2m",
            "*2 m", "abc", "5 mm", "*2.", "5m,", "99999999999999999999", "5_0"})
    void rejectsInvalidDurationsNamingTheValue(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(CorralException.class)
                .hasMessageStartingWith("invalid duration '" + text + "'")
                .hasMessageContaining("expected e.g. 5m");
    }

    @Test
    void anInvalidInjectedDefaultIsAnError() {
        assertThatThrownBy(() -> Durations.parse("*2", "soon")).isInstanceOf(CorralException.class)
                .hasMessageContaining("'soon'");
    }

    @ParameterizedTest(name = "{0}s is {1}")
    @CsvSource({
            "0, 00:00:00",
            "65, 00:01:05",
            "3599, 00:59:59",
            "3600, 01:00:00",
            "86400, 24:00:00",
            "360000, 100:00:00",
    })
    void formatsAsTmtDoesInResults(long seconds, String expected) {
        assertThat(Durations.format(Duration.ofSeconds(seconds))).isEqualTo(expected);
    }

    @Test
    void formattingDropsFractionsOfASecond() {
        assertThat(Durations.format(Duration.ofMillis(65_999))).isEqualTo("00:01:05");
    }

    @Test
    void formattingRejectsNegativeDurations() {
        assertThatThrownBy(() -> Durations.format(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
