package dev.corral.tmt;

import static dev.corral.tmt.TestNormalizerTest.data;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class PlanNormalizerTest {

    private final PlanNormalizer normalizer = PlanNormalizer.create();
    private final List<String> warnings = new ArrayList<>();

    private Plan plan(Object... pairs) {
        return normalizer.normalize(new FmfNode("/plans/p", data(pairs), "plans"), warnings::add);
    }

    @Test
    void aNodeWithExecuteIsAPlan() {
        assertThat(PlanNormalizer.isPlan(new FmfNode("/p", data("execute", data("how", "tmt")), ""))).isTrue();
        assertThat(PlanNormalizer.isPlan(new FmfNode("/p", data("execute", null), ""))).isTrue();
        assertThat(PlanNormalizer.isPlan(new FmfNode("/t", data("test", "x"), ""))).isFalse();
    }

    @Test
    void readsPlanKeys() {
        Plan p = plan(
                "summary", "Smoke",
                "order", 10L,
                "enabled", false,
                "discover", data("how", "fmf", "filter", "tier: 1"),
                "execute", data("how", "tmt"),
                "provision", data("how", "container", "image", "fedora"),
                "prepare", List.of(data("how", "install", "package", "httpd")),
                "environment", data("A", 1L, "B", true),
                "environment-file", "vars.env",
                "context", data("distro", "fedora-40", "arch", List.of("x86_64", "aarch64")));

        assertThat(p.name()).isEqualTo("/plans/p");
        assertThat(p.summary()).isEqualTo("Smoke");
        assertThat(p.order()).isEqualTo(10);
        assertThat(p.enabled()).isFalse();
        assertThat(p.executeHow()).isEqualTo("tmt");
        assertThat(p.environment()).containsExactly(entry("A", "1"), entry("B", "True"));
        assertThat(p.environmentFile()).containsExactly("vars.env");
        assertThat(p.context()).containsExactly(entry("distro", List.of("fedora-40")),
                entry("arch", List.of("x86_64", "aarch64")));
        assertThat(p.provision()).containsExactly(Map.of("how", "container", "image", "fedora"));
        assertThat(p.prepare()).containsExactly(Map.of("how", "install", "package", "httpd"));
        assertThat(p.finish()).isEmpty();
        assertThat(p.discover()).singleElement().isInstanceOfSatisfying(DiscoverPhase.Fmf.class, f -> {
            assertThat(f.name()).isEqualTo("default-0");
            assertThat(f.order()).isEqualTo(50);
            assertThat(f.filter()).containsExactly("tier: 1");
            assertThat(f.url()).isNull();
        });
        assertThat(warnings).isEmpty();
    }

    @Test
    void contextMayBeWrittenAsCommandLineStrings() {
        assertThat(plan("execute", null, "context", List.of("distro=fedora", "arch=x86_64,ppc64le")).context())
                .containsExactly(entry("distro", List.of("fedora")), entry("arch", List.of("x86_64", "ppc64le")));
        assertThatThrownBy(() -> plan("execute", null, "context", List.of("distro")))
                .isInstanceOf(DiscoveryException.class).hasMessageContaining("plan /plans/p: key 'context'");
    }

    @Test
    void phasesGetTmtDefaultNamesSkippingNamesAlreadyUsed() {
        Plan p = plan("execute", null, "discover", List.of(
                data("how", "fmf"),
                data("how", "fmf", "name", "default-1"),
                data("how", "shell", "order", 20L),
                data("how", "fmf", "name", "upstream", "url", "https://example.org/x.git", "ref", "v1",
                        "path", "/tests", "test", List.of("^/a", "/b"), "include", "/c", "exclude", List.of("/d"),
                        "link", "verifies:.*", "when", "distro == fedora")));

        assertThat(p.discover()).extracting(DiscoverPhase::name)
                .containsExactly("default-0", "default-1", "default-2", "upstream");
        assertThat(p.discover().get(2)).isInstanceOf(DiscoverPhase.Shell.class);
        assertThat(p.discover().get(2).order()).isEqualTo(20);
        DiscoverPhase.Fmf upstream = (DiscoverPhase.Fmf) p.discover().get(3);
        assertThat(upstream.url()).isEqualTo("https://example.org/x.git");
        assertThat(upstream.ref()).isEqualTo("v1");
        assertThat(upstream.path()).isEqualTo("/tests");
        assertThat(upstream.test()).containsExactly("^/a", "/b");
        assertThat(upstream.include()).containsExactly("/c");
        assertThat(upstream.exclude()).containsExactly("/d");
        assertThat(upstream.link()).containsExactly("verifies:.*");
        assertThat(upstream.when()).containsExactly("distro == fedora");
        assertThat(upstream.data()).containsEntry("url", "https://example.org/x.git");
    }

    @Test
    void discoverWithoutHowIsShellAsInTmt() {
        Plan p = plan("execute", null, "discover", data("tests", List.of(data("name", "/a", "test", "true"))));
        assertThat(p.discover()).singleElement().isInstanceOfSatisfying(DiscoverPhase.Shell.class,
                s -> assertThat(s.tests()).containsExactly(Map.of("name", "/a", "test", "true")));
        assertThat(plan("execute", null).discover()).singleElement()
                .isInstanceOfSatisfying(DiscoverPhase.Shell.class, s -> {
                    assertThat(s.name()).isEqualTo("default-0");
                    assertThat(s.tests()).isEmpty();
                });
    }

    @Test
    void legacyRepositoryAndRevisionKeysAreRead() {
        Plan p = plan("execute", null, "discover",
                data("how", "fmf", "repository", "https://example.org/r", "revision", "main"));
        DiscoverPhase.Fmf fmf = (DiscoverPhase.Fmf) p.discover().getFirst();
        assertThat(fmf.url()).isEqualTo("https://example.org/r");
        assertThat(fmf.ref()).isEqualTo("main");
    }

    @Test
    void unsupportedDiscoverOptionsAreWarnings() {
        plan("execute", null, "discover", data("how", "fmf", "adjust-tests", List.of(data("duration+", "*2")),
                "modified-only", true, "prune", false, "dist-git-source", true));
        assertThat(warnings).containsExactly(
                "plan /plans/p: discover phase 'default-0': key 'adjust-tests' is not supported by corral yet and ignored",
                "plan /plans/p: discover phase 'default-0': key 'modified-only' is not supported by corral yet and ignored",
                "plan /plans/p: discover phase 'default-0': key 'dist-git-source' is not supported by corral yet and ignored");
    }

    @Test
    void legacyExecuteScriptsBecomeShellTests() {
        Plan p = plan("execute", data("how", "tmt", "script", List.of("make test", "make check"), "duration", "2h"));
        DiscoverPhase.Shell shell = (DiscoverPhase.Shell) p.discover().getFirst();
        assertThat(shell.tests()).containsExactly(
                Map.of("name", "script-00", "test", "make test", "duration", "2h"),
                Map.of("name", "script-01", "test", "make check", "duration", "2h"));
        assertThat(((DiscoverPhase.Shell) plan("execute", data("script", "true")).discover().getFirst()).tests())
                .containsExactly(Map.of("name", "script-00", "test", "true", "duration", "1h"));
        assertThatThrownBy(() -> plan("execute", data("script", "true"), "discover", data("how", "fmf")))
                .isInstanceOf(DiscoveryException.class)
                .hasMessage("plan /plans/p: key 'execute': use either 'discover' or 'execute' to define tests,"
                        + " but not both");
    }

    @Test
    void executeMethodsOtherThanTmtAreRejected() {
        assertThat(plan("execute", data("how", "shell")).executeHow()).isEqualTo("tmt");
        assertThat(warnings).containsExactly("plan /plans/p: execute method 'shell' is an old alias of 'tmt'");
        assertThatThrownBy(() -> plan("execute", data("how", "upgrade")))
                .isInstanceOf(DiscoveryException.class)
                .hasMessage("plan /plans/p: key 'execute': unsupported execute method 'upgrade': expected tmt");
    }

    @Test
    void wrongTypesNameThePlanAndTheKey() {
        assertThatThrownBy(() -> plan("execute", null, "discover", List.of(data("how", "fmf"),
                data("how", "fmf", "test", List.of("/a", 5L)))))
                .isInstanceOf(DiscoveryException.class)
                .hasMessage("plan /plans/p: key 'discover[1].test[1]': must be a string, got 5 (an integer)");
        assertThatThrownBy(() -> plan("execute", null, "discover", data("how", "jats")))
                .isInstanceOf(DiscoveryException.class)
                .hasMessage("plan /plans/p: key 'discover.how': unsupported discover method 'jats': expected fmf"
                        + " or shell");
        assertThatThrownBy(() -> plan("execute", null, "discover", "fmf"))
                .isInstanceOf(DiscoveryException.class).hasMessageContaining("key 'discover': must be a mapping");
        assertThatThrownBy(() -> plan("execute", null, "discover", data("how", "fmf", "ref", 1L)))
                .isInstanceOf(DiscoveryException.class).hasMessageContaining("key 'discover.ref'");
        assertThatThrownBy(() -> plan("execute", null, "discover", data("how", "shell", "tests", List.of(
                data("test", "true")))))
                .isInstanceOf(DiscoveryException.class).hasMessageContaining("key 'discover.tests[0].name'");
        assertThatThrownBy(() -> plan("execute", null, "environment", "A=1"))
                .isInstanceOf(DiscoveryException.class).hasMessageContaining("key 'environment'");
    }

    @Test
    void errorsNameTheLocationOfTheStepWhenKnown() {
        PlanNormalizer located = normalizer.withLocator((node, key) -> "plans.fmf:" + key);
        assertThatThrownBy(() -> located.normalize(new FmfNode("/p",
                data("execute", null, "discover", data("how", "fmf", "test", 5L)), ""), warnings::add))
                .hasMessageStartingWith("plans.fmf:discover: plan /p: key 'discover.test'");
    }

    @Test
    void plansAreListedByOrderSkippingImportsAndNonPlans() {
        List<Plan> plans = normalizer.plans(List.of(
                new FmfNode("/plans/late", data("execute", null, "order", 90L), ""),
                new FmfNode("/tests/t", data("test", "true"), ""),
                new FmfNode("/plans/remote", data("plan", data("import", data("url", "x"))), ""),
                new FmfNode("/plans/first", data("execute", null, "order", 10L), ""),
                new FmfNode("/plans/a", data("execute", null), ""),
                new FmfNode("/plans/b", data("execute", null), "")), warnings::add);

        assertThat(plans).extracting(Plan::name)
                .containsExactly("/plans/first", "/plans/a", "/plans/b", "/plans/late");
        assertThat(warnings).singleElement().asString().contains("/plans/remote", "not supported");
    }

    @Test
    void theDefaultPlanDiscoversEveryTestOfTheTree() {
        Plan p = Plan.defaultPlan();
        assertThat(p.name()).isEqualTo("/default/plan");
        assertThat(p.executeHow()).isEqualTo("tmt");
        assertThat(p.discover()).singleElement().isInstanceOfSatisfying(DiscoverPhase.Fmf.class, f -> {
            assertThat(f.name()).isEqualTo("default-0");
            assertThat(f.test()).isEmpty();
            assertThat(f.filter()).isEmpty();
        });
    }
}
