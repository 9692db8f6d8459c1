package dev.corral;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class RunIdTest {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    @Test
    void aNewIdIsTheUtcTimeAndARandomSuffix() {
        String before = STAMP.format(LocalDateTime.now(ZoneOffset.UTC));
        String id = RunId.generate().value();
        String after = STAMP.format(LocalDateTime.now(ZoneOffset.UTC));

        assertThat(id).matches("\\d{8}-\\d{6}-[a-z0-9]{4}");
        assertThat(id.substring(0, 15)).isBetween(before, after);
    }

    @Test
    void idsMadeTogetherDiffer() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            ids.add(RunId.generate().value());
        }
        assertThat(ids).hasSizeGreaterThan(195);
    }

    @Test
    void invalidIdsAreRefused() {
        assertThatThrownBy(() -> new RunId("Upper")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RunId("-x")).isInstanceOf(IllegalArgumentException.class);
    }
}
