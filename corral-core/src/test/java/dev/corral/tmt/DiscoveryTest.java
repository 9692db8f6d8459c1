package dev.corral.tmt;

import static dev.corral.tmt.TestNormalizerTest.data;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.corral.Deadline;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiscoveryTest {

    @TempDir
    Path tree;

    /**
     * A minimal stand-in for fmf's filter, enough for these tests: {@code key: value} clauses joined by {@code &},
     * a value matching when it equals the key's value or one of its list items; a missing key never matches.
     */
    static final FmfFilter SIMPLE_FILTER = (expression, data) -> {
        for (String clause : expression.split("&")) {
            String[] kv = clause.split(":", 2);
            Object value = data.get(kv[0].strip());
            String wanted = kv[1].strip();
            boolean ok = value instanceof List<?> list
                    ? list.stream().anyMatch(v -> String.valueOf(v).equals(wanted))
                    : value != null && String.valueOf(value).equals(wanted);
            if (!ok) {
                return false;
            }
        }
        return true;
    };

    private static FmfNode test(String name, Object... pairs) {
        Map<String, Object> d = data(pairs);
        d.putIfAbsent("test", "./test.sh");
        return new FmfNode(name, d, name.substring(0, name.lastIndexOf('/')));
    }

    private static final List<FmfNode> NODES = List.of(
            new FmfNode("/plans/smoke", data("execute", null), "plans"),
            test("/tests/a", "order", 60L, "tier", 1L),
            test("/tests/b", "tag", List.of("fast")),
            test("/tests/c", "enabled", false),
            test("/tests/d", "manual", true),
            test("/tests/e", "order", 10L, "tier", 2L),
            new FmfNode("/tests", data("summary", "not a test: no test key"), ""),
            test("/other/f", "link", "verifies:https://issues.example.org/7"),
            test("/other/g", "environment", data("COLOR", "red", "OWN", "yes")));

    private DiscoveryRequest.Builder request(Plan plan) {
        return DiscoveryRequest.builder().treeRoot(tree).nodes(NODES).plan(plan).filter(SIMPLE_FILTER)
                .gitCache(GitCache.at(tree.resolve(".cache")));
    }

    private static Plan plan(Object... discover) {
        return PlanNormalizer.create().normalize(new FmfNode("/plans/p", data("execute", null, "discover",
                discover.length == 1 ? discover[0] : List.of(discover)), "plans"), w -> { });
    }

    private static List<String> names(DiscoveryResult result) {
        return result.tests().stream().map(DiscoveredTest::name).toList();
    }

    private static DiscoveryResult run(DiscoveryRequest request) throws InterruptedException {
        return Discovery.run(request, Deadline.after(Duration.ofMinutes(2)));
    }

    @Test
    void theDefaultPlanListsTestsInClimbOrderStablySortedByOrder() throws Exception {
        DiscoveryResult result = run(request(null).build());

        assertThat(result.plan().name()).isEqualTo("/default/plan");
        assertThat(names(result)).containsExactly("/tests/e", "/tests/b", "/other/f", "/other/g", "/tests/a");
        assertThat(result.tests()).extracting(DiscoveredTest::serialNumber).containsExactly(1, 2, 3, 4, 5);
        assertThat(result.tests()).allSatisfy(t -> {
            assertThat(t.phase()).isEqualTo("default-0");
            assertThat(t.treeRoot()).isEqualTo(tree);
        });
        assertThat(result.tests().getFirst().test().path()).isEqualTo("/tests");
        assertThat(result.warnings()).isEmpty();
    }

    @Test
    void disabledAndManualTestsAreDropped() throws Exception {
        assertThat(names(run(request(null).build()))).doesNotContain("/tests/c", "/tests/d", "/tests");
    }

    @Test
    void aTestListSelectsInTheOrderOfTheListEachGroupSortedByOrder() throws Exception {
        Plan p = plan(data("how", "fmf", "test", List.of("/other/g", "^/tests/[ae]$", "/b", "/tests/e")));
        assertThat(names(run(request(p).build())))
                .containsExactly("/other/g", "/tests/e", "/tests/a", "/tests/b", "/tests/e");
        assertThat(run(request(p).build()).tests()).extracting(DiscoveredTest::serialNumber)
                .containsExactly(1, 2, 3, 4, 5);
    }

    @Test
    void filtersLinksIncludesAndExcludesPruneTheList() throws Exception {
        assertThat(names(run(request(plan(data("how", "fmf", "filter", "tier: 1"))).build())))
                .containsExactly("/tests/a");
        assertThat(names(run(request(plan(data("how", "fmf", "filter", List.of("tag: fast")))).build())))
                .containsExactly("/tests/b");
        assertThat(names(run(request(plan(data("how", "fmf", "filter", "enabled: true & manual: false"))).build())))
                .hasSize(5);
        assertThat(names(run(request(plan(data("how", "fmf", "link", "verifies:issues"))).build())))
                .containsExactly("/other/f");
        assertThat(names(run(request(plan(data("how", "fmf", "link", "blocks:.*"))).build()))).isEmpty();
        assertThat(names(run(request(plan(data("how", "fmf", "exclude", "^/tests"))).build())))
                .containsExactly("/other/f", "/other/g");
        assertThat(names(run(request(plan(data("how", "fmf", "include", List.of("/g$", "/e$")))).build())))
                .containsExactly("/tests/e", "/other/g");
    }

    @Test
    void commandLineSelectorsApplyAndReplaceThePhaseOnes() throws Exception {
        Plan p = plan(data("how", "fmf", "filter", "tier: 1", "exclude", "/a"));
        assertThat(names(run(request(p).filters(List.of("tier: 2")).build()))).containsExactly("/tests/e");
        assertThat(names(run(request(p).filters(List.of("tier: 1")).excludes(List.of("/e")).build())))
                .containsExactly("/tests/a");
        assertThat(names(run(request(null).names(List.of("/other", "b$")).build())))
                .containsExactly("/tests/b", "/other/f", "/other/g");
        assertThat(names(run(request(null).includes(List.of("f$")).build()))).containsExactly("/other/f");
        assertThat(names(run(request(null).links(List.of("issues.example.org/7")).build())))
                .containsExactly("/other/f");
    }

    @Test
    void severalPhasesPrefixNamesAndNumberTestsAcrossPhases() throws Exception {
        Plan p = plan(
                data("how", "fmf", "name", "late", "order", 90L, "test", "/tests/a"),
                data("how", "fmf", "test", "/other"),
                data("how", "fmf", "test", "/tests/b"));

        DiscoveryResult result = run(request(p).build());

        assertThat(names(result)).containsExactly(
                "/default-0/other/f", "/default-0/other/g", "/default-1/tests/b", "/late/tests/a");
        assertThat(result.tests()).extracting(DiscoveredTest::phase)
                .containsExactly("default-0", "default-0", "default-1", "late");
        assertThat(result.tests()).extracting(DiscoveredTest::serialNumber).containsExactly(1, 2, 3, 4);
        assertThat(result.tests().getFirst().test().metadata()).containsEntry("name", "/default-0/other/f");
        assertThat(result.tests().getFirst().test().path()).isEqualTo("/other");
    }

    @Test
    void thePlanEnvironmentWinsOverTheTestEnvironment() throws Exception {
        Files.writeString(tree.resolve("vars.env"), "# comment\nCOLOR=green FROM_FILE='a b' # tail\nLAYER=file\n");
        Files.writeString(tree.resolve("more.yaml"), "NUMBER: 5\nLAYER: yaml\n");
        Plan p = PlanNormalizer.create().normalize(new FmfNode("/plans/p", data(
                "execute", null,
                "discover", data("how", "fmf", "test", "/other/g"),
                "environment-file", List.of("vars.env", "more.yaml"),
                "environment", data("COLOR", "blue", "LAYER", "plan")), "plans"), w -> { });

        TestCase g = run(request(p).environment(Map.of("LAYER", "cli")).build()).tests().getFirst().test();

        assertThat(g.environment()).containsExactly(entry("COLOR", "blue"), entry("OWN", "yes"),
                entry("FROM_FILE", "a b"), entry("LAYER", "cli"), entry("NUMBER", "5"));
    }

    @Test
    void environmentFilesMustStayInsideTheTree() {
        Plan p = Plan.defaultPlan();
        Plan outside = new Plan(p.name(), null, true, 50, p.discover(), Map.of(), List.of("../x.env"), Map.of(),
                "tmt", List.of(), List.of(), List.of(), Map.of());
        assertThatThrownBy(() -> run(request(outside).build())).isInstanceOf(DiscoveryException.class)
                .hasMessageContaining("key 'environment-file': '../x.env' lies outside the tree root");
        Plan missing = new Plan(p.name(), null, true, 50, p.discover(), Map.of(), List.of("nope.env"), Map.of(),
                "tmt", List.of(), List.of(), List.of(), Map.of());
        assertThatThrownBy(() -> run(request(missing).build())).isInstanceOf(DiscoveryException.class)
                .hasMessageContaining("does not exist");
    }

    @Test
    void dotenvFilesAreSplitLikeShellWords() {
        assertThat(EnvironmentFiles.shellWords("A=1 B='x y'\nC=\"q\\\"uote\" # c\nD=e\\ f E=#no")).containsExactly(
                "A=1", "B=x y", "C=q\"uote", "D=e f", "E=");
        assertThat(EnvironmentFiles.shellWords("A=''")).containsExactly("A=");
        assertThatThrownBy(() -> EnvironmentFiles.shellWords("A='open")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shellPhasesDefineTestsInThePlan() throws Exception {
        Plan p = plan(data("how", "shell", "tests", List.of(
                data("name", "/smoke/z", "test", "true"),
                data("name", "first", "test", "echo 1", "order", 10L),
                data("name", "/smoke-b", "test", "true", "path", "/scripts", "duration", "2m"),
                data("name", "/smoke/a", "test", "true", "environment", data("N", 1L)),
                data("name", "/manual", "test", "steps.md", "manual", true),
                data("name", "/off", "test", "true", "enabled", false))));

        DiscoveryResult result = run(request(p).build());

        assertThat(names(result)).containsExactly("/first", "/smoke/a", "/smoke/z", "/smoke-b");
        TestCase first = result.tests().getFirst().test();
        assertThat(first.duration()).isEqualTo(Duration.ofHours(1));
        assertThat(first.path()).isEqualTo("/");
        assertThat(result.tests().get(1).test().environment()).containsEntry("N", "1");
        assertThat(result.tests().get(3).test().duration()).isEqualTo(Duration.ofMinutes(2));
        assertThat(result.tests().get(3).test().path()).isEqualTo("/scripts");
    }

    @Test
    void legacyExecuteScriptsRunAsTests() throws Exception {
        Plan p = PlanNormalizer.create().normalize(new FmfNode("/plans/p",
                data("execute", data("script", List.of("make", "make check"))), ""), w -> { });
        DiscoveryResult result = run(request(p).build());
        assertThat(names(result)).containsExactly("/script-00", "/script-01");
        assertThat(result.tests().get(1).test().test()).isEqualTo("make check");
    }

    @Test
    void aPlanWithoutDiscoverFindsNothingAsInTmt() throws Exception {
        Plan p = PlanNormalizer.create().normalize(new FmfNode("/plans/p", data("execute", null), ""), w -> { });
        assertThat(run(request(p).build()).tests()).isEmpty();
    }

    @Test
    void whenRulesAreDecidedByTheContextEngine() throws Exception {
        Plan p = plan(
                data("how", "fmf", "name", "fedora", "test", "/tests/a", "when", "distro == fedora"),
                data("how", "fmf", "name", "rhel", "test", "/tests/b", "when", List.of("distro == rhel", "x")));

        assertThat(names(run(request(p).when(rule -> rule.equals("x")).build()))).containsExactly("/rhel/tests/b");
        DiscoveryResult undecided = run(request(p).build());
        assertThat(names(undecided)).containsExactly("/fedora/tests/a", "/rhel/tests/b");
        assertThat(undecided.warnings()).hasSize(2).allSatisfy(w -> assertThat(w).contains("'when'", "phase kept"));
    }

    @Test
    void aPlanContextReloadsTheTreeThroughTheLoader() throws Exception {
        Plan p = PlanNormalizer.create().normalize(new FmfNode("/plans/p", data("execute", null,
                "discover", data("how", "fmf"), "context", data("distro", "fedora")), ""), w -> { });
        List<Map<String, List<String>>> seen = new ArrayList<>();
        TreeLoader loader = (root, context) -> {
            seen.add(context);
            return List.of(test("/tests/only-in-fedora"));
        };

        DiscoveryResult result = run(request(p).loader(loader).context(Map.of("arch", List.of("s390x"))).build());

        assertThat(names(result)).containsExactly("/tests/only-in-fedora");
        assertThat(seen).containsExactly(Map.of("distro", List.of("fedora"), "arch", List.of("s390x")));
    }

    @Test
    void brokenSelectorsAndTestsAreErrors() {
        assertThatThrownBy(() -> run(request(plan(data("how", "fmf", "test", "(unclosed"))).build()))
                .isInstanceOf(DiscoveryException.class)
                .hasMessageStartingWith("plan /plans/p: discover phase 'default-0': key 'test': invalid regular"
                        + " expression '(unclosed'");
        assertThatThrownBy(() -> run(request(null).names(List.of("[")).build()))
                .isInstanceOf(DiscoveryException.class).hasMessageStartingWith("--test: invalid regular expression");
        assertThatThrownBy(() -> run(request(plan(data("how", "fmf", "filter", "tier: 1"))).filter(null).build()))
                .isInstanceOf(DiscoveryException.class).hasMessageContaining("need the fmf filter engine");
        assertThatThrownBy(() -> run(request(plan(data("how", "fmf", "path", "sub"))).build()))
                .isInstanceOf(DiscoveryException.class).hasMessageContaining("key 'path'");
        List<FmfNode> broken = List.of(test("/tests/x", "duration", "forever"));
        assertThatThrownBy(() -> run(request(null).nodes(broken).build()))
                .isInstanceOf(DiscoveryException.class)
                .hasMessageStartingWith("test /tests/x: key 'duration': invalid duration 'forever'");
    }

    @Test
    void aLocalPathPhaseReadsThatSubtreeThroughTheLoader() throws IOException, InterruptedException {
        Files.createDirectories(tree.resolve("sub/tree"));
        Plan p = plan(data("how", "fmf", "path", "/sub/tree"));
        DiscoveryResult result = run(request(p).loader((root, ctx) -> {
            assertThat(root).isEqualTo(tree.resolve("sub/tree"));
            return List.of(test("/x/t"));
        }).build());
        assertThat(names(result)).containsExactly("/x/t");
        assertThat(result.tests().getFirst().treeRoot()).isEqualTo(tree.resolve("sub/tree"));
        assertThatThrownBy(() -> run(request(p).build())).isInstanceOf(DiscoveryException.class)
                .hasMessageContaining("needs an fmf tree loader");
    }

    @Test
    void unknownKeysOfTestsAreReportedAsWarnings() throws Exception {
        DiscoveryResult result = run(request(null).nodes(List.of(test("/t", "requires", "x"))).build());
        assertThat(result.warnings()).containsExactly(
                "test /t: unknown key 'requires' ignored (use an 'extra-' prefix for custom keys)");
    }

    @Test
    void fmfNodeNamesAreComparedLevelByLevel() {
        assertThat(Discovery.compareNodeNames("/a/b", "/a-c")).isNegative();
        assertThat(Discovery.compareNodeNames("/a", "/a/b")).isNegative();
        assertThat(Discovery.compareNodeNames("/b", "/a/z")).isPositive();
    }
}
