package dev.corral.fmf;

import static dev.corral.fmf.Decision.CANNOT_DECIDE;
import static dev.corral.fmf.Decision.FALSE;
import static dev.corral.fmf.Decision.TRUE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code when} grammar and three-valued logic of fmf 1.7's context. */
class ContextTest {

    private static Context sensitive(String... definitions) {
        return Context.parse(definitions).caseSensitive(true);
    }

    private final Context centos = sensitive("arch=x86_64", "distro=centos-8.4.0",
            "component=bash-5.0.17-1.fc32,python3-3.8.5-5.fc32");

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "distro == centos | TRUE",
        "distro == fedora | FALSE",
        "distro == centos,fedora | TRUE",
        "distro == centos-8 | TRUE",
        "distro == centos-8.4 | TRUE",
        "distro > centos-8.3 | TRUE",
        "distro < centos-9 | TRUE",
        "distro ~< centos-9 | TRUE",
        "distro ~>= centos-9 | FALSE",
        "distro ~< centos-9.2 | CANNOT_DECIDE",
        "distro ~>= centos-8.2 | TRUE",
        "distro ~< centos-8.5 | TRUE",
        "fips is not defined | TRUE",
        "fips is defined | FALSE",
        "component = bash | TRUE",
        "component = bash, ksh | TRUE",
        "component = csh, ksh | FALSE",
        "arch=x86_64 and distro != fedora | TRUE",
        "distro = fedora and component >= bash-5.0 or distro = centos and component >= bash-4.9 | TRUE",
        "distro = fedora and component >= bash-5.0 or distro = rhel and component >= bash-4.9 | FALSE",
        "arch ~ ^x86 | TRUE",
        "arch ~ ^ppc | FALSE",
        "arch !~ ^ppc | TRUE",
        "arch ~ 86 | TRUE",
        "distro ~ ^centos-8\\.4 | TRUE",
        "product == x | CANNOT_DECIDE",
        "product != x | CANNOT_DECIDE",
        "true | TRUE",
        "false | FALSE",
        "false and distro == centos | FALSE",
        "true or product == x | TRUE",
    })
    void simpleAndCombinedRules(String rule, Decision expected) {
        assertThat(centos.matches(rule)).isEqualTo(expected);
    }

    @Test
    void minorComparisonTable() {
        // rows: context value; columns: centos-7.9, centos-8.2, centos-8 with '~<'
        String[][] table = {
            {"centos-7.8", "TRUE", "CANNOT_DECIDE", "TRUE"},
            {"centos-7.9", "FALSE", "CANNOT_DECIDE", "TRUE"},
            {"centos-7", "CANNOT_DECIDE", "CANNOT_DECIDE", "TRUE"},
            {"centos-8.1", "CANNOT_DECIDE", "TRUE", "FALSE"},
            {"centos-8.2", "CANNOT_DECIDE", "FALSE", "FALSE"},
            {"centos-8", "CANNOT_DECIDE", "CANNOT_DECIDE", "FALSE"},
        };
        String[] rules = {"centos-7.9", "centos-8.2", "centos-8"};
        for (String[] row : table) {
            Context context = sensitive("distro=" + row[0]);
            for (int i = 0; i < rules.length; i++) {
                assertThat(context.matches("distro ~< " + rules[i])).as(row[0] + " ~< " + rules[i])
                        .isEqualTo(Decision.valueOf(row[i + 1]));
            }
        }
    }

    @Test
    void rightSideDefinesPrecision() {
        Context bar = sensitive("dimension=bar-8.3.0");
        for (String value : List.of("bar", "bar-8", "bar-8.3", "bar-8.3.0")) {
            for (String op : List.of("==", "<=", ">=")) {
                assertThat(bar.matches("dimension " + op + " " + value)).as(op + value).isEqualTo(TRUE);
            }
            assertThat(bar.matches("dimension == prefix_" + value)).isEqualTo(FALSE);
            assertThat(bar.matches("dimension != prefix_" + value)).isEqualTo(TRUE);
            assertThat(bar.matches("dimension <= prefix_" + value)).isEqualTo(CANNOT_DECIDE);
        }
        assertThat(sensitive("dimension=bar").matches("dimension < bar-9")).isEqualTo(CANNOT_DECIDE);
        assertThat(sensitive("distro=foo-1").matches("distro < foo-1.1")).isEqualTo(TRUE);
        assertThat(sensitive("distro=fedora").matches("distro < fedora-33")).isEqualTo(CANNOT_DECIDE);
    }

    @Test
    void rawhideIsNewerThanAnyNumber() {
        assertThat(sensitive("distro=fedora-33").matches("distro < fedora-rawhide")).isEqualTo(TRUE);
        assertThat(sensitive("distro=fedora-rawhide").matches("distro > fedora-40")).isEqualTo(TRUE);
        assertThat(sensitive("distro=fedora-33").matches("distro == fedora")).isEqualTo(TRUE);
    }

    @Test
    void moduleStreams() {
        Context perl = sensitive("module=perl:5.28");
        assertThat(perl.matches("module >= perl:5")).isEqualTo(TRUE);
        assertThat(perl.matches("module > perl:5")).isEqualTo(FALSE);
        assertThat(perl.matches("module > perl:5.7")).isEqualTo(TRUE);
        assertThat(perl.matches("module ~>= perl:5.28")).isEqualTo(TRUE);
        assertThat(sensitive("module=perl:6.28").matches("module ~>= perl:5.28")).isEqualTo(CANNOT_DECIDE);
        assertThat(sensitive("module=py:5.28").matches("module > perl:5.28")).isEqualTo(CANNOT_DECIDE);
    }

    @Test
    void commaIsOrAndMultiValuedDimensions() {
        Context context = sensitive("single=foo", "multi=first,second");
        assertThat(context.matches("single == foo, bar")).isEqualTo(TRUE);
        assertThat(context.matches("single == baz, bar")).isEqualTo(FALSE);
        assertThat(context.matches("single != foo, bar")).isEqualTo(TRUE);
        assertThat(context.matches("multi == second, value")).isEqualTo(TRUE);
        assertThat(context.matches("multi != first, second")).isEqualTo(TRUE);
        Context stream = sensitive("distro=centos-stream-8");
        assertThat(stream.matches("distro < centos-stream-9, fedora-34")).isEqualTo(TRUE);
        assertThat(stream.matches("distro < fedora-34, centos-stream-8")).isEqualTo(FALSE);
    }

    @Test
    void cannotDecideLogic() {
        Context env = sensitive("foo=bar");
        String yes = "foo == bar";
        String no = "foo != bar";
        String cannot = "baz == bar";
        assertThat(env.matches(cannot + " and " + yes)).isEqualTo(CANNOT_DECIDE);
        assertThat(env.matches(yes + " and " + cannot)).isEqualTo(CANNOT_DECIDE);
        assertThat(env.matches(cannot + " or " + no)).isEqualTo(CANNOT_DECIDE);
        assertThat(env.matches(no + " or " + cannot)).isEqualTo(CANNOT_DECIDE);
        assertThat(env.matches(cannot + " and " + no)).isEqualTo(FALSE);
        assertThat(env.matches(no + " and " + cannot)).isEqualTo(FALSE);
        assertThat(env.matches(cannot + " or " + yes)).isEqualTo(TRUE);
        assertThat(env.matches(yes + " or " + cannot)).isEqualTo(TRUE);
        assertThat(env.matches(cannot + " and " + no + " or " + yes)).isEqualTo(TRUE);
        assertThat(env.matches(no + " or " + cannot + " and " + no)).isEqualTo(FALSE);
    }

    @Test
    void caseInsensitiveByDefaultLikeTmt() {
        Context python = Context.of(Map.of("component", "python3-3.8.5-5.fc32"));
        assertThat(python.isCaseSensitive()).isFalse();
        assertThat(python.matches("component == PYTHON3,INVALID")).isEqualTo(TRUE);
        assertThat(python.matches("component == PyTHon3-3.8.5-5.FC32")).isEqualTo(TRUE);
        assertThat(python.matches("component < PYTHON3-3.9")).isEqualTo(TRUE);
        assertThat(python.caseSensitive(true).matches("component == Python3")).isEqualTo(FALSE);
        assertThat(python.matches("component ~ ^PYTHON")).as("regex keeps case").isEqualTo(FALSE);
    }

    @Test
    void dimensionNamesMayHoldDashes() {
        assertThat(sensitive("my-dim=a").matches("my-dim == a")).isEqualTo(TRUE);
    }

    @Test
    void orAndAndAreWholeWords() {
        Context context = sensitive("color=red", "origin=x");
        assertThat(context.matches("color == red")).isEqualTo(TRUE);
        assertThat(context.matches("origin == x")).isEqualTo(TRUE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"bar", "bar |", "bar or", "& baz", "and baz", "dim !! value", "is defined dim",
        "defined dim", "foo<bar and ", "a == b or ", "", "   "})
    void invalidRulesAreRefused(String rule) {
        assertThatThrownBy(() -> centos.matches(rule)).isInstanceOf(FmfException.class)
                .hasMessageContaining("invalid rule");
    }

    @Test
    void invalidRegularExpressionIsRefused() {
        assertThatThrownBy(() -> centos.matches("arch ~ (x86")).isInstanceOf(FmfException.class)
                .hasMessageContaining("invalid regular expression");
    }

    @Test
    void parseCollectsValues() {
        Context context = Context.parse("distro=fedora-33,centos-8", "arch=x86_64", "arch=ppc64");
        assertThat(context.dimensions()).containsExactly(
                Map.entry("distro", List.of("fedora-33", "centos-8")),
                Map.entry("arch", List.of("x86_64", "ppc64")));
        assertThatThrownBy(() -> Context.parse("nodimension")).isInstanceOf(FmfException.class);
        assertThat(Context.empty().matches("distro is not defined")).isEqualTo(TRUE);
    }
}
