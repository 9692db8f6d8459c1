package dev.corral.tmt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Python's str()/int() as tmt applies them, checked against values printed by CPython 3. */
class CoerceTest {

    @ParameterizedTest(name = "str({0}) == {1}")
    @CsvSource(delimiter = '|', value = {
            "1.0 | 1.0",
            "1.5 | 1.5",
            "0.1 | 0.1",
            "-2.5 | -2.5",
            "100.0 | 100.0",
            "1e15 | 1000000000000000.0",
            "1e16 | 1e+16",
            "1.5e16 | 1.5e+16",
            "123456789012345680.0 | 1.2345678901234568e+17",
            "0.0001 | 0.0001",
            "0.00001 | 1e-05",
            "0.000123 | 0.000123",
            "0.0000123 | 1.23e-05",
            "1e100 | 1e+100",
            "1e-100 | 1e-100",
            "3.141592653589793 | 3.141592653589793",
            "0.30000000000000004 | 0.30000000000000004",
    })
    void floatsAreStringifiedLikePython(double value, String expected) {
        assertThat(Coerce.str(value)).isEqualTo(expected);
    }

    @Test
    void specialFloatsAreStringifiedLikePython() {
        assertThat(Coerce.str(0.0)).isEqualTo("0.0");
        assertThat(Coerce.str(-0.0)).isEqualTo("-0.0");
        assertThat(Coerce.str(Double.NaN)).isEqualTo("nan");
        assertThat(Coerce.str(Double.POSITIVE_INFINITY)).isEqualTo("inf");
        assertThat(Coerce.str(Double.NEGATIVE_INFINITY)).isEqualTo("-inf");
    }

    @Test
    void scalarsAreStringifiedLikePython() {
        assertThat(Coerce.str(true)).isEqualTo("True");
        assertThat(Coerce.str(false)).isEqualTo("False");
        assertThat(Coerce.str(null)).isEqualTo("None");
        assertThat(Coerce.str(42L)).isEqualTo("42");
        assertThat(Coerce.str(new BigInteger("123456789012345678901234567890")))
                .isEqualTo("123456789012345678901234567890");
        assertThat(Coerce.str("as is")).isEqualTo("as is");
    }

    @Test
    void containersAreRenderedAsPythonReprs() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("a", 1L);
        map.put("b", List.of("x", true));
        assertThat(Coerce.str(List.of("a", 1L, 2.5))).isEqualTo("['a', 1, 2.5]");
        assertThat(Coerce.str(map)).isEqualTo("{'a': 1, 'b': ['x', True]}");
        assertThat(Coerce.repr("it's")).isEqualTo("\"it's\"");
        assertThat(Coerce.repr("a\nb")).isEqualTo("'a\\nb'");
    }

    @Test
    void timestampsAreStringifiedLikePythonDatetimes() {
        assertThat(Coerce.str(LocalDate.of(2024, 2, 29))).isEqualTo("2024-02-29");
        assertThat(Coerce.str(LocalDateTime.of(2024, 2, 29, 8, 5, 3))).isEqualTo("2024-02-29 08:05:03");
        assertThat(Coerce.str(LocalDateTime.of(2024, 2, 29, 8, 5, 3, 100_000_000)))
                .isEqualTo("2024-02-29 08:05:03.100000");
        assertThat(Coerce.str(OffsetDateTime.of(2001, 12, 14, 21, 59, 43, 0, ZoneOffset.ofHours(-5))))
                .isEqualTo("2001-12-14 21:59:43-05:00");
    }

    @Test
    void integersAreParsedLikePythonInt() {
        assertThat(Coerce.toLong(7L)).isEqualTo(7);
        assertThat(Coerce.toLong(" 12 ")).isEqualTo(12);
        assertThat(Coerce.toLong("-3")).isEqualTo(-3);
        assertThat(Coerce.toLong("1_000")).isEqualTo(1000);
        assertThat(Coerce.toLong(2.9)).isEqualTo(2);
        assertThat(Coerce.toLong(-2.9)).isEqualTo(-2);
        assertThat(Coerce.toLong(true)).isEqualTo(1);
        for (Object bad : new Object[] {"1.5", "ten", "", List.of(1L), Double.NaN, "1__0"}) {
            assertThatThrownBy(() -> Coerce.toLong(bad)).as("%s", bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void pathsAreRootedAsTmtWritesThem() {
        assertThat(Coerce.rootedPath("")).isEqualTo("/");
        assertThat(Coerce.rootedPath(".")).isEqualTo("/");
        assertThat(Coerce.rootedPath("/")).isEqualTo("/");
        assertThat(Coerce.rootedPath("tests/login/")).isEqualTo("/tests/login");
        assertThat(Coerce.rootedPath("./tests//login")).isEqualTo("/tests/login");
        assertThat(Coerce.rootedPath("/tests/login")).isEqualTo("/tests/login");
    }
}
