package dev.corral.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.corral.schedule.simulation.SimulatedMachine;
import dev.corral.schedule.simulation.SimulatedProvisioner;
import dev.corral.schedule.simulation.SimulatedRunner;
import dev.corral.tmt.TestCase;

import org.junit.jupiter.api.Test;

class SlotsTest {

    @Test
    void perMachineRunsKTestsAtOnceOnOneMachine() {
        Sim sim = new Sim();
        SimulatedProvisioner pool = sim.pool().build();
        SimulatedRunner runner = sim.runner().build(); // every test takes 1 s
        List<TestCase> tests = new ArrayList<>();
        for (int i = 1; i <= 9; i++) {
            tests.add(TestCases.test("/t" + i).build());
        }
        sim.dispatcher(runner).target(Sim.target("t", pool, tests, 1).withPerMachine(3)).build().run();

        assertThat(pool.machines()).hasSize(1);
        assertThat(pool.machines().get(0).peakRunning()).isEqualTo(3);
        assertThat(sim.seconds()).isEqualTo(3.0);
    }

    @Test
    void exclusiveAndDestructiveTestsRunAloneOnTheirMachine() {
        Sim sim = new Sim();
        SimulatedProvisioner pool = sim.pool().build();
        SimulatedRunner runner = sim.runner().duration("/alone", Duration.ofSeconds(5)).build();
        List<TestCase> tests = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            tests.add(TestCases.test("/t" + i).build());
        }
        tests.add(3, TestCases.test("/alone").extra("extra-exclusive", true).build());
        tests.add(TestCases.test("/boom").tag("destructive").build());
        sim.dispatcher(runner).target(Sim.target("t", pool, tests, 2).withPerMachine(3)).build().run();

        List<SimulatedRunner.Run> runs = runner.runs();
        assertThat(runs).hasSize(8);
        for (String lonely : List.of("/alone", "/boom")) {
            SimulatedRunner.Run x = runs.stream().filter(r -> r.test().equals(lonely)).findFirst().orElseThrow();
            assertThat(runs).filteredOn(r -> r != x && r.machine().equals(x.machine()))
                    .allSatisfy(r -> assertThat(r.end().isAfter(x.start()) && r.start().isBefore(x.end()))
                            .as("%s overlaps %s on %s", r.test(), lonely, x.machine()).isFalse());
        }
        assertThat(pool.machines()).extracting(SimulatedMachine::peakRunning).contains(3);
    }

    @Test
    void anExclusiveTestDoesNotStarveBehindBusyMachines() {
        Sim sim = new Sim();
        SimulatedProvisioner pool = sim.pool().build();
        SimulatedRunner runner = sim.runner().build();
        List<TestCase> tests = new ArrayList<>();
        for (int i = 1; i <= 40; i++) {
            tests.add(TestCases.test("/t" + i).build());
        }
        tests.add(TestCases.test("/alone").extra("extra-exclusive", "yes").order(10).build());
        tests.add(0, TestCases.test("/first").order(5).build());
        sim.dispatcher(runner).target(Sim.target("t", pool, tests, 1).withPerMachine(4)).build().run();

        List<String> order = runner.runs().stream().map(SimulatedRunner.Run::test).toList();
        // /alone ranks before the others: the machine drains after /first instead of filling up again, so
        // /alone runs second, alone, and the 40 others follow four at a time
        assertThat(order.subList(0, 2)).containsExactly("/first", "/alone");
        assertThat(sim.seconds()).isEqualTo(1 + 1 + 10.0);
    }
}
