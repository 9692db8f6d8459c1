package dev.corral.fmf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** fmf's {@code utils.filter}. */
class FilterTest {

    private static final Map<String, Object> DATA = data();

    private static Map<String, Object> data() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("tag", List.of("Tier1", "TIPpass"));
        data.put("category", "Sanity");
        data.put("tier", 1L);
        data.put("enabled", true);
        data.put("pipe", "a|b");
        return data;
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "tag: Tier1; true",
        "tag: -Tier2; true",
        "category: Sanity; true",
        "category: -Regression; true",
        "tag: Tier2; false",
        "tag: -Tier1; false",
        "category: Regression; false",
        "category: -Sanity; false",
        "tag: Tier1 | tag: Tier2; true",
        "tag: -Tier1 | tag: -Tier2; true",
        "tag: Tier1 & tag: TIPpass; true",
        "tag: Tier1 & category: Sanity; true",
        "tag: Tier2 | tag: Tier3; false",
        "tag: Tier1 & tag: Tier2; false",
        "tag: Tier1 & category: Regression; false",
        "tag: Tier1, Tier2; true",
        "tag: Tier2, Tier3; false",
        "tag: -Tier1, -Tier2; true",
        "tier: 1; true",
        "enabled: True; true",
        "enabled: true; false",
        "tag: Tier1 | missing: x; false",
        "missing: x | tag: Tier1; false",
        "'';true",
    })
    void literalMode(String filter, boolean expected) {
        assertThat(Filter.matches(filter, DATA, false, true)).as(filter).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "tag: Tier.*; true",
        "tag: Tier[123]; true",
        "tag: NoTier.*; false",
        "tag: -Tier.*; false",
        "tag: Tier; false",
        "tag: Tier(1\\|2); true",
        "pipe: a\\|b; true",
        "pipe: x\\|a\\|b; true",
        "category: x\\|Sanity; true",
        "tag: T.*1 & category: San.*; true",
    })
    void regexMode(String filter, boolean expected) {
        assertThat(Filter.matches(filter, DATA, true, true)).as(filter).isEqualTo(expected);
    }

    @Test
    void caseInsensitive() {
        assertThat(Filter.matches("tag: tier1", DATA, false, false)).isTrue();
        assertThat(Filter.matches("TAG: tippass", DATA, false, false)).isTrue();
        assertThat(Filter.matches("tag: tier1", DATA, false, true)).isFalse();
    }

    @Test
    void nodeNameLiterals() {
        Filter filter = Filter.parse("/tests/core/.* & tag: Tier1");
        assertThat(filter.matches(DATA, "/tests/core/smoke", true, true)).isTrue();
        assertThat(filter.matches(DATA, "/tests/other", true, true)).isFalse();
        assertThatThrownBy(() -> Filter.matches("x & y", DATA, true, true)).isInstanceOf(FmfException.class)
                .hasMessageContaining("invalid filter 'x'");
        assertThatThrownBy(() -> Filter.matches("category: San|x", DATA, true, true))
                .isInstanceOf(FmfException.class);
    }

    @Test
    void invalidRegularExpression() {
        assertThatThrownBy(() -> Filter.matches("tag: (x", DATA, true, true)).isInstanceOf(FmfException.class)
                .hasMessageContaining("invalid regular expression");
    }

    @Test
    void unicode() {
        assertThat(Filter.matches("tag: -ťip", DATA, false, true)).isTrue();
        assertThat(Filter.matches("tag: ťip", Map.of("tag", List.of("ťip")), false, true)).isTrue();
    }
}
