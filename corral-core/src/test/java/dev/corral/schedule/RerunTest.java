package dev.corral.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import dev.corral.results.Outcome;
import dev.corral.results.TestResult;
import dev.corral.schedule.simulation.SimulatedAttempt;
import dev.corral.schedule.simulation.SimulatedRunner;

import org.junit.jupiter.api.Test;

class RerunTest {

    private static SimulatedRunner flaky(Sim sim, int failingAttempts) {
        return sim.runner()
                .script((t, a, m) -> t.name().equals("/flaky") && a <= failingAttempts
                        ? SimulatedAttempt.ending(Outcome.FAIL) : SimulatedAttempt.pass())
                .build();
    }

    @Test
    void aFailedTestIsRerunOnAnotherMachineAndTheLastAttemptCounts() {
        Sim sim = new Sim();
        RunOutcome outcome = sim.dispatcher(flaky(sim, 1)).rerunFailed(1)
                .target(Sim.target("t", sim.pool().build(), TestCases.named("/flaky", "/a", "/b", "/c"), 2))
                .build().run();

        List<TestResult> attempts = outcome.attempts("t", "/flaky");
        assertThat(attempts).extracting(TestResult::outcome).containsExactly(Outcome.FAIL, Outcome.PASS);
        assertThat(attempts).extracting(TestResult::attempt).containsExactly(1, 2);
        assertThat(attempts.get(1).machine()).isNotEqualTo(attempts.get(0).machine());
        assertThat(outcome.result("t", "/flaky").orElseThrow().outcome()).isEqualTo(Outcome.PASS);
        assertThat(sim.sunk).filteredOn(r -> r.name().equals("/flaky")).hasSize(2);
    }

    @Test
    void withoutRerunsAFailureIsFinal() {
        Sim sim = new Sim();
        RunOutcome outcome = sim.dispatcher(flaky(sim, 1))
                .target(Sim.target("t", sim.pool().build(), TestCases.named("/flaky", "/a"), 2)).build().run();
        assertThat(outcome.attempts("t", "/flaky")).singleElement()
                .extracting(TestResult::outcome).isEqualTo(Outcome.FAIL);
    }

    @Test
    void rerunsAreBoundedAndUseTheOnlyMachineWhenThereIsNoOther() {
        Sim sim = new Sim();
        RunOutcome outcome = sim.dispatcher(flaky(sim, 99)).rerunFailed(2)
                .target(Sim.target("t", sim.pool().build(), TestCases.named("/flaky", "/a"), 1)).build().run();
        assertThat(outcome.attempts("t", "/flaky")).extracting(TestResult::outcome)
                .containsExactly(Outcome.FAIL, Outcome.FAIL, Outcome.FAIL);
        assertThat(outcome.attempts("t", "/flaky")).extracting(TestResult::machine).containsOnly("sim-1");
        assertThat(outcome.result("t", "/flaky").orElseThrow().attempt()).isEqualTo(3);
    }

    @Test
    void aRerunWaitsForAFreshMachineRatherThanTheOneItFailedOn() {
        Sim sim = new Sim();
        // two workers, but the second machine is only needed for the re-run: it gets provisioned for it
        RunOutcome outcome = sim.dispatcher(flaky(sim, 1)).rerunFailed(1)
                .target(Sim.target("t", sim.pool().build(), TestCases.named("/flaky"), 2)).build().run();
        List<TestResult> attempts = outcome.attempts("t", "/flaky");
        assertThat(attempts).extracting(TestResult::machine).containsExactly("sim-1", "sim-2");
    }
}
