package dev.corral.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import dev.corral.results.Outcome;
import dev.corral.results.TestResult;
import dev.corral.schedule.simulation.SimulatedAttempt;
import dev.corral.schedule.simulation.SimulatedProvisioner;
import dev.corral.schedule.simulation.SimulatedRunner;
import dev.corral.tmt.TestCase;

import org.junit.jupiter.api.Test;

class DependencyTest {

    private static SimulatedRunner.Run run(SimulatedRunner runner, String test) {
        return runner.runs().stream().filter(r -> r.test().equals(test)).findFirst().orElseThrow();
    }

    @Test
    void aTestStartsOnlyAfterItsDependenciesPassed() {
        Sim sim = new Sim();
        SimulatedRunner runner = sim.runner().duration("/a", Duration.ofSeconds(30)).build();
        List<TestCase> tests = List.of(
                TestCases.test("/b").dependsOn("/a").build(),
                TestCases.test("/a").build(),
                TestCases.test("/c").build());
        sim.dispatcher(runner).target(Sim.target("t", sim.pool().build(), tests, 3)).build().run();

        assertThat(run(runner, "/b").start()).isAfterOrEqualTo(run(runner, "/a").end());
        assertThat(sim.seconds(run(runner, "/c").start())).isZero();
    }

    @Test
    void dependentsOfAFailedTestAreSkippedNamingTheDependency() {
        Sim sim = new Sim();
        SimulatedRunner runner = sim.runner()
                .script((t, a, m) -> t.name().equals("/a") ? SimulatedAttempt.ending(Outcome.FAIL) : SimulatedAttempt.pass())
                .build();
        List<TestCase> tests = List.of(
                TestCases.test("/a").build(),
                TestCases.test("/b").extra("extra-depends", "/a").build(),
                TestCases.test("/c").dependsOn("/b").build(),
                TestCases.test("/d").build());
        RunOutcome outcome = sim.dispatcher(runner).target(Sim.target("t", sim.pool().build(), tests, 2)).build().run();

        TestResult b = outcome.result("t", "/b").orElseThrow();
        TestResult c = outcome.result("t", "/c").orElseThrow();
        assertThat(b.outcome()).isEqualTo(Outcome.SKIP);
        assertThat(b.notes()).containsExactly("not run: dependency /a ended as fail");
        assertThat(b.machine()).isNull();
        assertThat(c.outcome()).isEqualTo(Outcome.SKIP);
        assertThat(c.notes()).containsExactly("not run: dependency /b ended as skip");
        assertThat(outcome.result("t", "/d").orElseThrow().outcome()).isEqualTo(Outcome.PASS);
        assertThat(sim.sunk).extracting(TestResult::name).containsExactlyInAnyOrder("/a", "/b", "/c", "/d");
        assertThat(runner.runs()).extracting(SimulatedRunner.Run::test).doesNotContain("/b", "/c");
    }

    @Test
    void sameMachineTestsRunWhereTheirDependencyRanAndKeepThatMachine() {
        Sim sim = new Sim();
        SimulatedProvisioner pool = sim.pool().build();
        SimulatedRunner runner = sim.runner()
                .duration("/setup", Duration.ofSeconds(10)).duration("/slow", Duration.ofSeconds(100)).build();
        List<TestCase> tests = List.of(
                TestCases.test("/slow").build(),
                TestCases.test("/setup").build(),
                TestCases.test("/check").dependsOn("/setup", "/slow").extra("extra-same-machine", true).build());
        sim.dispatcher(runner).target(Sim.target("t", pool, tests, 2)).build().run();

        SimulatedRunner.Run setup = run(runner, "/setup");
        SimulatedRunner.Run check = run(runner, "/check");
        assertThat(check.machine()).isEqualTo(setup.machine());
        assertThat(sim.seconds(check.start())).isEqualTo(100.0);
        // the setup machine sat idle from 10 s to 100 s but was not released, nor replaced
        assertThat(pool.requests()).isEqualTo(2);
        assertThat(sim.events.of("machineReleased")).filteredOn(e -> e.subject().equals(setup.machine()))
                .allSatisfy(e -> assertThat(e.at()).isGreaterThanOrEqualTo(101.0));
    }

    @Test
    void cyclesAndUnknownNamesAreReportedBeforeProvisioning() {
        Sim sim = new Sim();
        SimulatedProvisioner pool = sim.pool().build();
        List<TestCase> cycle = List.of(
                TestCases.test("/a").dependsOn("/c").build(),
                TestCases.test("/b").dependsOn("/a").build(),
                TestCases.test("/c").dependsOn("/b").build());
        assertThatThrownBy(() -> sim.dispatcher(sim.runner().build()).target(Sim.target("f40", pool, cycle, 2)).build().run())
                .isInstanceOf(ScheduleException.class)
                .hasMessage("target f40: dependency cycle: /a -> /c -> /b -> /a (extra-depends)");

        List<TestCase> unknown = List.of(TestCases.test("/a").dependsOn("/nope").build());
        assertThatThrownBy(() -> sim.dispatcher(sim.runner().build()).target(Sim.target("f40", pool, unknown, 2)).build().run())
                .isInstanceOf(ScheduleException.class)
                .hasMessage("target f40: test /a: extra-depends names unknown test '/nope'");

        List<TestCase> malformed = List.of(TestCases.test("/a").extra("extra-depends", 42).build());
        assertThatThrownBy(() -> sim.dispatcher(sim.runner().build()).target(Sim.target("f40", pool, malformed, 2)).build().run())
                .isInstanceOf(ScheduleException.class)
                .hasMessage("target f40: test /a: extra-depends must be a test name or a list of test names, got '42'");
        assertThat(pool.requests()).isZero();
    }

    @Test
    void aSelectionRunsOnlyTheNamedTestsAndTreatsOtherDependenciesAsMet() {
        Sim sim = new Sim();
        SimulatedRunner runner = sim.runner().build();
        List<TestCase> tests = List.of(
                TestCases.test("/a").build(),
                TestCases.test("/b").dependsOn("/a").build(),
                TestCases.test("/c").build());
        RunOutcome outcome = sim.dispatcher(runner)
                .target(Sim.target("t", sim.pool().build(), tests, 2).withSelection(Set.of("/b"))).build().run();

        assertThat(outcome.results()).extracting(TestResult::name).containsExactly("/b");
        assertThat(outcome.results().get(0).serialNumber()).isEqualTo(2);
        assertThat(runner.runs()).extracting(SimulatedRunner.Run::test).containsExactly("/b");

        assertThatThrownBy(() -> sim.dispatcher(runner)
                .target(Sim.target("t", sim.pool().build(), tests, 2).withSelection(Set.of("/zzz"))).build().run())
                .isInstanceOf(ScheduleException.class)
                .hasMessage("target t: selected test '/zzz' is not among the discovered tests");
    }

    @Test
    void aLongChainDoesNotOverflowTheStack() {
        Sim sim = new Sim();
        java.util.List<TestCase> chain = new java.util.ArrayList<>();
        chain.add(TestCases.test("/0").build());
        for (int i = 1; i < 20_000; i++) {
            chain.add(TestCases.test("/" + i).dependsOn("/" + (i - 1)).build());
        }
        SimulatedRunner runner = sim.runner()
                .script((t, a, m) -> t.name().equals("/0") ? SimulatedAttempt.ending(Outcome.ERROR) : SimulatedAttempt.pass())
                .build();
        RunOutcome outcome = sim.dispatcher(runner).target(Sim.target("t", sim.pool().build(), chain, 4)).build().run();
        assertThat(outcome.results()).hasSize(20_000);
        assertThat(outcome.counts()).containsEntry(Outcome.SKIP, 19_999);
    }
}
