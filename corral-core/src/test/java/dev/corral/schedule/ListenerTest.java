package dev.corral.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import dev.corral.results.Outcome;
import dev.corral.results.TestResult;
import dev.corral.schedule.simulation.SimulatedProvisioner;
import dev.corral.tmt.TestCase;

import org.junit.jupiter.api.Test;

class ListenerTest {

    @Test
    void aListenerThatThrowsCannotBreakTheRun() {
        Sim sim = new Sim();
        RunListener broken = new RunListener() {
            @Override
            public void runStarted(int tests) {
                throw new IllegalStateException("boom");
            }

            @Override
            public void testStarted(String target, TestCase test, String machineId, int attempt, Duration expected) {
                throw new IllegalStateException("boom");
            }

            @Override
            public void testFinished(TestResult result) {
                throw new IllegalStateException("boom");
            }

            @Override
            public void machineReady(String target, String machineId, Duration took) {
                throw new IllegalStateException("boom");
            }
        };
        RunOutcome outcome = sim.dispatcher(sim.runner().build()).listener(broken)
                .target(Sim.target("t", sim.pool().build(), TestCases.named("/a", "/b"), 2)).build().run();
        assertThat(outcome.results()).extracting(TestResult::outcome).containsOnly(Outcome.PASS);
        assertThat(sim.events.of("testFinished")).hasSize(2); // the other listener still hears everything
    }

    @Test
    void eventsDescribeTheRunInOrder() {
        Sim sim = new Sim();
        SimulatedProvisioner pool = sim.pool().delay(Duration.ofSeconds(3)).build();
        sim.dispatcher(sim.runner().build()).target(Sim.target("t", pool, TestCases.named("/a", "/b", "/c"), 2))
                .build().run();

        List<Sim.Event> all = sim.events.all;
        assertThat(all.get(0).kind()).isEqualTo("runStarted");
        assertThat(all.get(0).detail()).isEqualTo("3");
        assertThat(all.get(all.size() - 1).kind()).isEqualTo("runFinished");
        assertThat(all.get(all.size() - 1).detail()).isEqualTo("false");
        assertThat(sim.events.of("provisioningStarted")).hasSize(2);
        assertThat(sim.events.of("machineReady")).hasSize(2)
                .allSatisfy(e -> assertThat(e.detail()).isEqualTo("PT3S"));
        assertThat(sim.events.of("testStarted")).hasSize(3);
        assertThat(sim.events.of("testFinished")).hasSize(3);
        assertThat(sim.events.of("machineReleased")).hasSize(2);
        int lastFinished = all.lastIndexOf(sim.events.of("testFinished").get(2));
        int firstStarted = all.indexOf(sim.events.of("testStarted").get(0));
        assertThat(firstStarted).isLessThan(lastFinished);
    }
}
