package dev.corral.tmt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TestNormalizerTest {

    private final TestNormalizer normalizer = TestNormalizer.create();
    private final List<String> warnings = new ArrayList<>();

    /** Ordered node data from key/value pairs; values may be null. */
    static Map<String, Object> data(Object... pairs) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }

    private TestCase normalize(Object... pairs) {
        return normalizer.normalize(new FmfNode("/tests/a", data(pairs), "tests/a"), warnings::add);
    }

    @Test
    void appliesEveryTmtDefault() {
        TestCase t = normalize("test", "./test.sh");

        assertThat(t.name()).isEqualTo("/tests/a");
        assertThat(t.test()).isEqualTo("./test.sh");
        assertThat(t.summary()).isNull();
        assertThat(t.description()).isNull();
        assertThat(t.contact()).isEmpty();
        assertThat(t.component()).isEmpty();
        assertThat(t.id()).isNull();
        assertThat(t.link()).isEmpty();
        assertThat(t.path()).isEqualTo("/tests/a");
        assertThat(t.framework()).isEqualTo(Framework.SHELL);
        assertThat(t.manual()).isFalse();
        assertThat(t.require()).isEmpty();
        assertThat(t.recommend()).isEmpty();
        assertThat(t.environment()).isEmpty();
        assertThat(t.duration()).isEqualTo(Duration.ofMinutes(5)).isEqualTo(TestCase.DEFAULT_DURATION);
        assertThat(t.enabled()).isTrue();
        assertThat(t.order()).isEqualTo(50).isEqualTo(TestCase.DEFAULT_ORDER);
        assertThat(t.result()).isEqualTo(ResultInterpretation.RESPECT);
        assertThat(t.tag()).isEmpty();
        assertThat(t.tier()).isNull();
        assertThat(t.check()).isEmpty();
        assertThat(t.restartOnExitCode()).isEmpty();
        assertThat(t.restartMaxCount()).isEqualTo(1);
        assertThat(t.restartWithReboot()).isFalse();
        assertThat(t.tty()).isFalse();
        assertThat(t.extra()).isEmpty();
        assertThat(warnings).isEmpty();
    }

    @Test
    void readsEveryKey() {
        TestCase t = normalize(
                "summary", "Login works",
                "description", "Long text\n",
                "contact", List.of("Jane <jane@example.org>", "Joe <joe@example.org>"),
                "component", "openssh",
                "id", "3f6a0c1e-6f0b-4b6e-9b1e-0c3c1d9a5e11",
                "test", "./login.sh --fast",
                "path", "/tests/common",
                "framework", "beakerlib",
                "manual", false,
                "tty", true,
                "duration", "1h 30m",
                "enabled", false,
                "order", 70L,
                "result", "xfail",
                "tag", List.of("security", "fast"),
                "tier", 1L,
                "restart-on-exit-code", List.of(79L, 80L),
                "restart-max-count", 3L,
                "restart-with-reboot", true,
                "extra-nitrate", "TC#0001",
                "extra-task", List.of("/a", "/b"));

        assertThat(t.summary()).isEqualTo("Login works");
        assertThat(t.description()).isEqualTo("Long text\n");
        assertThat(t.contact()).containsExactly("Jane <jane@example.org>", "Joe <joe@example.org>");
        assertThat(t.component()).containsExactly("openssh");
        assertThat(t.id()).isEqualTo("3f6a0c1e-6f0b-4b6e-9b1e-0c3c1d9a5e11");
        assertThat(t.test()).isEqualTo("./login.sh --fast");
        assertThat(t.path()).isEqualTo("/tests/common");
        assertThat(t.framework()).isEqualTo(Framework.BEAKERLIB);
        assertThat(t.tty()).isTrue();
        assertThat(t.duration()).isEqualTo(Duration.ofMinutes(90));
        assertThat(t.enabled()).isFalse();
        assertThat(t.order()).isEqualTo(70);
        assertThat(t.result()).isEqualTo(ResultInterpretation.XFAIL);
        assertThat(t.tag()).containsExactly("security", "fast");
        assertThat(t.tier()).isEqualTo("1");
        assertThat(t.restartOnExitCode()).containsExactly(79, 80);
        assertThat(t.restartMaxCount()).isEqualTo(3);
        assertThat(t.restartWithReboot()).isTrue();
        assertThat(t.extra()).containsExactly(entry("extra-nitrate", "TC#0001"), entry("extra-task", List.of("/a", "/b")));
        assertThat(t.extra("extra-nitrate")).isEqualTo("TC#0001");
        assertThat(warnings).isEmpty();
    }

    @Test
    void pathDefaultsToTheDirectoryOfTheDefiningFileRootedAtSlash() {
        assertThat(normalizer.normalize(new FmfNode("/a", data("test", "t"), ""), warnings::add).path())
                .isEqualTo("/");
        assertThat(normalizer.normalize(new FmfNode("/a", data("test", "t"), "."), warnings::add).path())
                .isEqualTo("/");
        assertThat(normalizer.normalize(new FmfNode("/a/b", data("test", "t"), "/tests/x/"), warnings::add).path())
                .isEqualTo("/tests/x");
        assertThat(normalize("test", "t", "path", "relative/dir").path()).isEqualTo("/relative/dir");
        assertThat(normalize("test", "t", "path", null).path()).isEqualTo("/tests/a");
    }

    @Test
    void stringOrListKeysAcceptBothForms() {
        TestCase t = normalize("test", "t", "contact", "Jane", "tag", "one", "component", List.of("a", "b"));
        assertThat(t.contact()).containsExactly("Jane");
        assertThat(t.tag()).containsExactly("one");
        assertThat(t.component()).containsExactly("a", "b");
    }

    @Test
    void scalarsAreStringifiedForTextKeysAndTier() {
        TestCase t = normalize("test", "t", "summary", 42L, "tier", "2", "id", 7L);
        assertThat(t.summary()).isEqualTo("42");
        assertThat(t.tier()).isEqualTo("2");
        assertThat(t.id()).isEqualTo("7");
        assertThat(normalize("test", "t", "tier", 1.5).tier()).isEqualTo("1.5");
    }

    @Test
    void orderAndCountsAreParsedLikePythonInt() {
        assertThat(normalize("test", "t", "order", "10").order()).isEqualTo(10);
        assertThat(normalize("test", "t", "order", 10.9).order()).isEqualTo(10);
        assertThat(normalize("test", "t", "order", null).order()).isEqualTo(50);
        assertThat(normalize("test", "t", "restart-on-exit-code", 79L).restartOnExitCode()).containsExactly(79);
        assertThat(normalize("test", "t", "restart-on-exit-code", List.of("3", 4L)).restartOnExitCode())
                .containsExactly(3, 4);
    }

    @Test
    void environmentValuesAreStringifiedAsTmtDoes() {
        TestCase t = normalize("test", "t", "environment", data(
                "STRING", "text", "INT", 1L, "BIG", new java.math.BigInteger("18446744073709551616"),
                "FLOAT", 1.5, "WHOLE_FLOAT", 2.0, "TINY", 0.00001, "TRUE", true, "FALSE", false,
                "NULL", null, "DATE", java.time.LocalDate.of(2024, 1, 31)));

        assertThat(t.environment()).containsExactly(
                entry("STRING", "text"), entry("INT", "1"), entry("BIG", "18446744073709551616"),
                entry("FLOAT", "1.5"), entry("WHOLE_FLOAT", "2.0"), entry("TINY", "1e-05"),
                entry("TRUE", "True"), entry("FALSE", "False"), entry("NULL", "None"), entry("DATE", "2024-01-31"));
    }

    @Test
    void nestedEnvironmentValuesAreErrorsNamingTestAndVariable() {
        assertThatThrownBy(() -> normalize("test", "t", "environment", data("X", List.of("a"))))
                .isInstanceOf(DiscoveryException.class)
                .hasMessage("test /tests/a: key 'environment.X': must be a string, number or boolean, "
                        + "got ['a'] (a list)");
        assertThatThrownBy(() -> normalize("test", "t", "environment", List.of("A=1")))
                .isInstanceOf(DiscoveryException.class)
                .hasMessageContaining("key 'environment': must be a mapping");
    }

    @Test
    void durationIsParsedWithTheDefaultInjectedForBareMultipliers() {
        assertThat(normalize("test", "t", "duration", "*2").duration()).isEqualTo(Duration.ofMinutes(10));
        assertThat(normalize("test", "t", "duration", 90L).duration()).isEqualTo(Duration.ofSeconds(90));
        assertThat(TestNormalizer.create().withDefaultDuration("1h")
                .normalize(new FmfNode("/x", data("test", "t"), ""), warnings::add).duration())
                .isEqualTo(Duration.ofHours(1));
        assertThat(normalize("test", "t", "duration", "2m").metadata()).containsEntry("duration", "2m");
        assertThat(normalize("test", "t").metadata()).containsEntry("duration", "5m");
    }

    @Test
    void invalidDurationNamesTestKeyValueAndLocation() {
        TestNormalizer located = normalizer.withLocator((node, key) -> "tests/a/main.fmf:" + key.length());
        assertThatThrownBy(() -> located.normalize(new FmfNode("/tests/a", data("test", "t", "duration", "5 minutes"),
                "tests/a"), warnings::add))
                .isInstanceOf(DiscoveryException.class)
                .hasMessage("tests/a/main.fmf:8: test /tests/a: key 'duration': invalid duration '5 minutes':"
                        + " expected e.g. 5m, 1h 30m, 1m30s, 90, 2d or 5m *2");
        assertThatThrownBy(() -> normalize("test", "t", "duration", List.of("5m")))
                .isInstanceOf(DiscoveryException.class).hasMessageContaining("key 'duration'");
    }

    @Test
    void linksAcceptEveryTmtForm() {
        TestCase t = normalize("test", "t", "link", List.of(
                "https://issues.example.org/1",
                "verifies:https://issues.example.org/2",
                data("blocked-by", "https://issues.example.org/3", "note", "until fixed"),
                data("url", "https://github.com/teemtee/tmt", "name", "/tests/core"),
                data("relates", data("url", "https://github.com/x/y", "ref", "main", "extra", "dropped"))));

        assertThat(t.link()).containsExactly(
                new Link("relates", "https://issues.example.org/1", null),
                new Link("verifies", "https://issues.example.org/2", null),
                new Link("blocked-by", "https://issues.example.org/3", "until fixed"),
                new Link("relates", Map.of("url", "https://github.com/teemtee/tmt", "name", "/tests/core"), null),
                new Link("relates", Map.of("url", "https://github.com/x/y", "ref", "main"), null));
        assertThat(normalize("test", "t", "link", "implements:/stories/x").link())
                .containsExactly(new Link("implements", "/stories/x", null));
        assertThat(normalize("test", "t", "link", data("parent", "/a")).link())
                .containsExactly(new Link("parent", "/a", null));
        assertThat(normalize("test", "t", "link", List.of("verifies:x")).metadata().get("link"))
                .isEqualTo(List.of(Map.of("verifies", "x")));
    }

    @Test
    void invalidLinksAreErrors() {
        assertThatThrownBy(() -> normalize("test", "t", "link", data("fixes", "x")))
                .isInstanceOf(DiscoveryException.class)
                .hasMessageStartingWith("test /tests/a: key 'link': invalid link relation 'fixes': expected one of"
                        + " verifies, verified-by");
        assertThatThrownBy(() -> normalize("test", "t", "link", List.of("ok", data("verifies", "a", "blocks", "b"))))
                .isInstanceOf(DiscoveryException.class)
                .hasMessageContaining("key 'link[1]': multiple relations");
        assertThatThrownBy(() -> normalize("test", "t", "link", 5L))
                .isInstanceOf(DiscoveryException.class).hasMessageContaining("key 'link': must be");
        assertThatThrownBy(() -> normalize("test", "t", "link", ""))
                .isInstanceOf(DiscoveryException.class).hasMessageContaining("invalid link ''");
    }

    @Test
    void requirementsAcceptPackagesLibrariesAndFiles() {
        TestCase t = normalize("test", "t",
                "require", List.of(
                        "httpd",
                        data("url", "https://github.com/beakerlib/openssl", "name", "/certgen", "ref", "main",
                                "path", "/lib", "nick", "ssl"),
                        data("type", "library", "name", "/local"),
                        data("type", "file", "pattern", List.of("/files/.*", 5L)),
                        data("type", "file", "pattern", "/one")),
                "recommend", "mod_ssl");

        assertThat(t.require()).containsExactly(
                new Requirement.Package("httpd"),
                new Requirement.Library("https://github.com/beakerlib/openssl", "main", "/lib", "/certgen", "ssl"),
                new Requirement.Library(null, null, null, "/local", null),
                new Requirement.Files(List.of("/files/.*", "5")),
                new Requirement.Files(List.of("/one")));
        assertThat(t.recommend()).containsExactly(new Requirement.Package("mod_ssl"));
        assertThat(normalize("test", "t", "require", data("name", "/x")).require())
                .containsExactly(new Requirement.Library(null, null, null, "/x", null));
    }

    @Test
    void invalidRequirementsAreErrors() {
        assertThatThrownBy(() -> normalize("test", "t", "require", List.of("a", 5L)))
                .isInstanceOf(DiscoveryException.class)
                .hasMessage("test /tests/a: key 'require[1]': must be a package name or a mapping (library or file),"
                        + " got 5 (an integer)");
        assertThatThrownBy(() -> normalize("test", "t", "require", data("type", "file")))
                .isInstanceOf(DiscoveryException.class).hasMessageContaining("needs a 'pattern'");
        assertThatThrownBy(() -> normalize("test", "t", "recommend", data("type", "rpm", "name", "x")))
                .isInstanceOf(DiscoveryException.class)
                .hasMessageContaining("key 'recommend.type': unknown requirement type 'rpm'");
        assertThatThrownBy(() -> normalize("test", "t", "require", data("name", "/x", "ref", 5L)))
                .isInstanceOf(DiscoveryException.class).hasMessageContaining("key 'require.ref'");
    }

    @Test
    void checksBecomeMappingsWithHowAndDefaults() {
        TestCase t = normalize("test", "t", "check", List.of("avc",
                data("how", "dmesg", "result", "xfail", "failure-pattern", "Oops"),
                data("how", "journal", "enabled", false)));

        assertThat(t.check()).containsExactly(
                Map.of("how", "avc", "enabled", true, "result", "respect"),
                Map.of("how", "dmesg", "enabled", true, "result", "xfail", "failure-pattern", "Oops"),
                Map.of("how", "journal", "enabled", false, "result", "respect"));
        assertThat(t.check().getFirst().keySet()).containsExactly("how", "enabled", "result");
        assertThat(normalize("test", "t", "check", "avc").check()).hasSize(1);
        assertThat(normalize("test", "t", "check", data("how", "avc")).check()).hasSize(1);
        assertThatThrownBy(() -> normalize("test", "t", "check", List.of(data("result", "respect"))))
                .isInstanceOf(DiscoveryException.class).hasMessageContaining("key 'check[0].how'");
        assertThatThrownBy(() -> normalize("test", "t", "check", data("how", "avc", "result", "pass")))
                .isInstanceOf(DiscoveryException.class).hasMessageContaining("key 'check.result'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"respect", "xfail", "pass", "info", "warn", "error", "fail", "custom", "restraint"})
    void acceptsEveryResultInterpretation(String value) {
        assertThat(normalize("test", "t", "result", value).result().name()).isEqualToIgnoringCase(value);
    }

    @Test
    void rejectsUnknownResultAndFramework() {
        assertThatThrownBy(() -> normalize("test", "t", "result", "Pass"))
                .isInstanceOf(DiscoveryException.class)
                .hasMessageStartingWith("test /tests/a: key 'result': invalid result interpretation 'Pass'");
        assertThatThrownBy(() -> normalize("test", "t", "framework", "pytest"))
                .isInstanceOf(DiscoveryException.class)
                .hasMessage("test /tests/a: key 'framework': unknown framework 'pytest': expected shell or beakerlib");
    }

    @Test
    void wrongTypesAreOneLineErrorsNamingTestAndKey() {
        assertThatThrownBy(() -> normalize()).isInstanceOf(DiscoveryException.class)
                .hasMessage("test /tests/a: key 'test': must be defined (the command to run)");
        assertThatThrownBy(() -> normalize("test", List.of("a"))).isInstanceOf(DiscoveryException.class)
                .hasMessage("test /tests/a: key 'test': must be a string, got ['a'] (a list)");
        assertThatThrownBy(() -> normalize("test", "t", "enabled", "yes")).isInstanceOf(DiscoveryException.class)
                .hasMessage("test /tests/a: key 'enabled': must be true or false, got 'yes' (a string)");
        assertThatThrownBy(() -> normalize("test", "t", "tag", List.of("a", 1L)))
                .isInstanceOf(DiscoveryException.class)
                .hasMessage("test /tests/a: key 'tag[1]': must be a string, got 1 (an integer)");
        assertThatThrownBy(() -> normalize("test", "t", "contact", data("a", "b")))
                .isInstanceOf(DiscoveryException.class).hasMessageContaining("key 'contact'");
        assertThatThrownBy(() -> normalize("test", "t", "order", "first"))
                .isInstanceOf(DiscoveryException.class)
                .hasMessage("test /tests/a: key 'order': must be an integer, got 'first' (a string)");
        assertThatThrownBy(() -> normalize("test", "t", "restart-on-exit-code", List.of(1L, "x")))
                .isInstanceOf(DiscoveryException.class).hasMessageContaining("key 'restart-on-exit-code[1]'");
        assertThatThrownBy(() -> normalize("test", "t", "summary", List.of("x")))
                .isInstanceOf(DiscoveryException.class).hasMessageContaining("key 'summary'");
        assertThatThrownBy(() -> normalize("test", "t", "path", 5L))
                .isInstanceOf(DiscoveryException.class).hasMessageContaining("key 'path'");
        assertThatThrownBy(() -> normalize("test", "t", "manual", 1L))
                .isInstanceOf(DiscoveryException.class).hasMessageContaining("key 'manual'");
    }

    @Test
    void errorsNameTheLocationWhenTheCallerKnowsIt() {
        TestNormalizer located = normalizer.withLocator((node, key) -> node + ".fmf:3");
        assertThatThrownBy(() -> located.normalize(new FmfNode("/x", data("test", "t", "tty", "no"), ""),
                warnings::add))
                .hasMessageStartingWith("/x.fmf:3: test /x: key 'tty'");
    }

    @Test
    void unknownAndObsoleteKeysAreWarningsNotErrors() {
        TestCase t = normalize("test", "t", "requires", "httpd", "relevancy", "distro < f30: False",
                "coverage", "x", "extra-anything", 1L, "where", List.of("client"), "author", "Me", "adjust", List.of());

        assertThat(t.test()).isEqualTo("t");
        assertThat(warnings).containsExactly(
                "test /tests/a: unknown key 'requires' ignored (use an 'extra-' prefix for custom keys)",
                "test /tests/a: key 'relevancy' is obsoleted by 'adjust' and ignored",
                "test /tests/a: key 'coverage' is obsoleted by 'link' and ignored");
    }

    @Test
    void metadataHoldsNormalizedValuesOverTheNodeData() {
        TestCase t = normalize("test", "t", "tier", 1L, "custom-thing", "kept", "require", "httpd",
                "environment", data("A", 1L), "adjust", List.of(data("when", "x")));

        assertThat(t.metadata())
                .containsEntry("name", "/tests/a")
                .containsEntry("tier", "1")
                .containsEntry("order", 50)
                .containsEntry("enabled", true)
                .containsEntry("manual", false)
                .containsEntry("framework", "shell")
                .containsEntry("result", "respect")
                .containsEntry("path", "/tests/a")
                .containsEntry("require", List.of("httpd"))
                .containsEntry("environment", Map.of("A", "1"))
                .containsEntry("custom-thing", "kept")
                .containsEntry("tag", List.of())
                .doesNotContainKey("adjust");
    }
}
