package dev.corral.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import dev.corral.results.Outcome;
import dev.corral.results.TestResult;
import dev.corral.schedule.simulation.SimulatedAttempt;
import dev.corral.schedule.simulation.SimulatedAttempt.Fate;
import dev.corral.schedule.simulation.SimulatedProvisioner;
import dev.corral.schedule.simulation.SimulatedRunner;
import dev.corral.tmt.TestCase;

import org.junit.jupiter.api.Test;

class ReplacementTest {

    @Test
    void aDestructiveTestsMachineIsReleasedAndReplaced() {
        Sim sim = new Sim();
        SimulatedProvisioner pool = sim.pool().build();
        SimulatedRunner runner = sim.runner().build();
        List<TestCase> tests = List.of(
                TestCases.test("/boom").tag("destructive").build(),
                TestCases.test("/x").build(),
                TestCases.test("/y").build());
        sim.dispatcher(runner).target(Sim.target("t", pool, tests, 1)).build().run();

        assertThat(pool.machines()).hasSize(2);
        assertThat(pool.machine("sim-1").tests()).containsExactly("/boom");
        assertThat(pool.machine("sim-2").tests()).containsExactly("/x", "/y");
        assertThat(sim.events.of("machineReleased")).extracting(Sim.Event::subject, Sim.Event::detail)
                .contains(org.assertj.core.groups.Tuple.tuple("sim-1", "destructive test /boom"));
        assertThat(pool.machines()).allSatisfy(m -> assertThat(m.usedAfterClose()).isZero());
    }

    @Test
    void anInfrastructureErrorReplacesTheMachine() {
        Sim sim = new Sim();
        SimulatedProvisioner pool = sim.pool().build();
        SimulatedRunner runner = sim.runner()
                .script((t, a, m) -> t.name().equals("/i") ? SimulatedAttempt.fate(Fate.INFRASTRUCTURE_ERROR)
                        : SimulatedAttempt.pass())
                .build();
        RunOutcome outcome = sim.dispatcher(runner)
                .target(Sim.target("t", pool, TestCases.named("/i", "/x"), 1)).build().run();

        TestResult i = outcome.result("t", "/i").orElseThrow();
        assertThat(i.outcome()).isEqualTo(Outcome.ERROR);
        assertThat(i.notes()).singleElement().asString()
                .startsWith("infrastructure error: simulated infrastructure error while running /i");
        assertThat(i.machine()).isEqualTo("sim-1");
        assertThat(pool.machine("sim-2").tests()).containsExactly("/x");
    }

    @Test
    void aLostMachinesAttemptIsRecordedAndTheTestRequeuedElsewhere() {
        Sim sim = new Sim();
        SimulatedProvisioner pool = sim.pool().build();
        SimulatedRunner runner = sim.runner()
                .script((t, a, m) -> t.name().equals("/v") && a == 1 ? SimulatedAttempt.fate(Fate.MACHINE_DIES)
                        : SimulatedAttempt.pass())
                .build();
        RunOutcome outcome = sim.dispatcher(runner)
                .target(Sim.target("t", pool, TestCases.named("/v", "/w", "/x"), 2)).build().run();

        List<TestResult> v = outcome.attempts("t", "/v");
        assertThat(v).extracting(TestResult::attempt, TestResult::outcome).containsExactly(
                org.assertj.core.groups.Tuple.tuple(1, Outcome.ERROR), org.assertj.core.groups.Tuple.tuple(2, Outcome.PASS));
        assertThat(v.get(0).notes()).singleElement().asString()
                .isEqualTo("machine sim-1 was lost: simulated machine sim-1 died");
        assertThat(v.get(1).machine()).isNotEqualTo(v.get(0).machine());
        assertThat(outcome.results()).extracting(TestResult::outcome).containsOnly(Outcome.PASS);
        assertThat(sim.events.of("machineReleased")).extracting(Sim.Event::subject, Sim.Event::detail)
                .contains(org.assertj.core.groups.Tuple.tuple("sim-1", "lost"));
        assertThat(sim.sunk).hasSize(4);
    }

    @Test
    void aMachineThatDiesQuietlyIsFoundByIsAliveAndTheTestGivesUpAfterMaxAttempts() {
        Sim sim = new Sim();
        SimulatedProvisioner pool = sim.pool().build();
        SimulatedRunner runner = sim.runner()
                .script((t, a, m) -> t.name().equals("/v") ? SimulatedAttempt.fate(Fate.MACHINE_DIES_QUIETLY)
                        : SimulatedAttempt.pass())
                .build();
        RunOutcome outcome = sim.dispatcher(runner).maxAttempts(2)
                .target(Sim.target("t", pool, TestCases.named("/v", "/w"), 2)).build().run();

        List<TestResult> v = outcome.attempts("t", "/v");
        assertThat(v).hasSize(2).allSatisfy(r -> {
            assertThat(r.outcome()).isEqualTo(Outcome.ERROR);
            assertThat(r.notes()).last().asString().isEqualTo("machine " + r.machine() + " was lost");
        });
        assertThat(v.get(0).machine()).isNotEqualTo(v.get(1).machine());
        assertThat(outcome.result("t", "/v").orElseThrow().attempt()).isEqualTo(2);
        assertThat(outcome.result("t", "/w").orElseThrow().outcome()).isEqualTo(Outcome.PASS);
        assertThat(pool.held()).isZero();
    }
}
