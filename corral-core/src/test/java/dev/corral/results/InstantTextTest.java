package dev.corral.results;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** {@link InstantText} writes what {@link Instant#toString()} writes. */
class InstantTextTest {

    @Test
    void writesWhatInstantWritesAtEveryPrecision() {
        Random random = new Random(20261124);
        for (int i = 0; i < 200_000; i++) {
            long seconds = switch (i % 4) {
                case 0 -> random.nextLong(253_402_300_800L);          // any second of 1970..9999
                case 1 -> 1_700_000_000L + random.nextInt(1_000_000_000); // around now
                case 2 -> random.nextLong(-100_000_000_000L, 400_000_000_000L); // beyond: the JDK writes them
                default -> 253_402_300_800L - 1 - random.nextInt(86_400 * 800);
            };
            int nanos = switch (random.nextInt(4)) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant instant = Instant.ofEpochSecond(seconds, nanos);
            assertThat(InstantText.of(instant)).isEqualTo(instant.toString());
        }
    }

    @Test
    void edges() {
        for (Instant instant : new Instant[] {Instant.EPOCH, Instant.ofEpochSecond(0, 1),
                Instant.ofEpochSecond(951_782_400L),
                Instant.parse("2024-02-29T23:59:59.999999999Z"), Instant.parse("9999-12-31T23:59:59.100Z"),
                Instant.parse("+10000-01-01T00:00:00Z"), Instant.parse("1969-12-31T23:59:59.5Z"), Instant.MAX,
                Instant.MIN, Instant.now()}) {
            assertThat(InstantText.of(instant)).isEqualTo(instant.toString());
        }
    }
}
