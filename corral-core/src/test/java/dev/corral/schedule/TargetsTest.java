package dev.corral.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.corral.results.Outcome;
import dev.corral.results.TestResult;
import dev.corral.schedule.simulation.SimulatedAttempt;
import dev.corral.schedule.simulation.SimulatedAttempt.Fate;
import dev.corral.schedule.simulation.SimulatedProvisioner;
import dev.corral.schedule.simulation.SimulatedRunner;

import org.junit.jupiter.api.Test;

class TargetsTest {

    @Test
    void targetsRunConcurrentlyEachOnItsOwnPool() {
        Sim sim = new Sim();
        SimulatedProvisioner f40 = sim.pool().name("f40").build();
        SimulatedProvisioner c9 = sim.pool().name("c9").build();
        SimulatedRunner runner = sim.runner().durations(new dev.corral.schedule.simulation.LogNormal(
                Duration.ofSeconds(10), 0)).build();
        RunOutcome outcome = sim.dispatcher(runner)
                .target(Sim.target("fedora-40", f40, TestCases.named("/a", "/b", "/c", "/d"), 2))
                .target(Sim.target("centos-9", c9, TestCases.named("/a", "/b"), 1)
                        .withContext(Map.of("distro", List.of("centos-9"))).withPerMachine(2))
                .build().run();

        assertThat(outcome.results()).extracting(TestResult::target, TestResult::name).containsExactly(
                org.assertj.core.groups.Tuple.tuple("fedora-40", "/a"), org.assertj.core.groups.Tuple.tuple("fedora-40", "/b"),
                org.assertj.core.groups.Tuple.tuple("fedora-40", "/c"), org.assertj.core.groups.Tuple.tuple("fedora-40", "/d"),
                org.assertj.core.groups.Tuple.tuple("centos-9", "/a"), org.assertj.core.groups.Tuple.tuple("centos-9", "/b"));
        assertThat(runner.runs()).filteredOn(r -> r.target().equals("fedora-40"))
                .allSatisfy(r -> assertThat(r.machine()).startsWith("f40-"));
        assertThat(runner.runs()).filteredOn(r -> r.target().equals("centos-9"))
                .allSatisfy(r -> assertThat(r.machine()).startsWith("c9-"));
        assertThat(outcome.result("centos-9", "/a").orElseThrow().context()).containsEntry("distro", List.of("centos-9"));
        assertThat(sim.seconds()).isEqualTo(20.0); // both targets at once: 4 tests on 2 machines, 2 on 1 machine x2
    }

    @Test
    void tmtAbortStopsOnlyItsTargetAndTheRestIsRecordedAsPending() {
        Sim sim = new Sim();
        SimulatedRunner runner = sim.runner()
                .script((t, a, m) -> t.target().equals("one") && t.name().equals("/abort")
                        ? SimulatedAttempt.fate(Fate.ABORT) : SimulatedAttempt.pass())
                .build();
        RunOutcome outcome = sim.dispatcher(runner).rerunFailed(3)
                .target(Sim.target("one", sim.pool().name("one").build(),
                        TestCases.named("/a", "/abort", "/c", "/d"), 1))
                .target(Sim.target("two", sim.pool().name("two").build(),
                        TestCases.named("/a", "/abort", "/c", "/d"), 1))
                .build().run();

        assertThat(outcome.results()).filteredOn(r -> r.target().equals("one"))
                .extracting(TestResult::name, TestResult::outcome).containsExactly(
                        org.assertj.core.groups.Tuple.tuple("/a", Outcome.PASS),
                        org.assertj.core.groups.Tuple.tuple("/abort", Outcome.ERROR),
                        org.assertj.core.groups.Tuple.tuple("/c", Outcome.PENDING),
                        org.assertj.core.groups.Tuple.tuple("/d", Outcome.PENDING));
        assertThat(outcome.attempts("one", "/abort")).hasSize(1); // an aborted test is not re-run
        assertThat(outcome.result("one", "/c").orElseThrow().notes()).containsExactly("not run: /abort called tmt-abort");
        assertThat(outcome.results()).filteredOn(r -> r.target().equals("two"))
                .extracting(TestResult::outcome).containsOnly(Outcome.PASS);
        assertThat(runner.runs()).filteredOn(r -> r.target().equals("one")).extracting(SimulatedRunner.Run::test)
                .containsExactly("/a", "/abort");
    }
}
