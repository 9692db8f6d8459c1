package dev.corral.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.corral.results.Outcome;
import dev.corral.results.TestResult;
import dev.corral.schedule.simulation.SimulatedProvisioner;
import dev.corral.schedule.simulation.SimulatedRunner;
import dev.corral.tmt.TestCase;

import org.junit.jupiter.api.Test;

class ProvisioningTest {
    private static final Provisioning FAST_RETRY = Provisioning.defaults()
            .withBackoff(Duration.ofSeconds(2), Duration.ofSeconds(60));

    static List<TestCase> tests(int n) {
        List<TestCase> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            out.add(TestCases.test("/t" + i).build());
        }
        return out;
    }

    @Test
    void neverAsksForMoreMachinesThanTheWorkCanUse() {
        Sim sim = new Sim();
        SimulatedProvisioner pool = sim.pool().build();
        sim.dispatcher(sim.runner().build()).target(Sim.target("t", pool, tests(3), 8)).build().run();
        assertThat(pool.requests()).isEqualTo(3);

        Sim sim2 = new Sim();
        SimulatedProvisioner pool2 = sim2.pool().build();
        sim2.dispatcher(sim2.runner().build()).target(Sim.target("t", pool2, tests(5), 8).withPerMachine(2)).build().run();
        assertThat(pool2.requests()).isEqualTo(3); // ceil(5 / 2)
    }

    @Test
    void providerCapacityCapsTheWorkers() {
        Sim sim = new Sim();
        SimulatedProvisioner pool = sim.pool().capacity(2).build();
        sim.dispatcher(sim.runner().build()).target(Sim.target("t", pool, tests(10), 8)).build().run();
        assertThat(pool.peakHeld()).isEqualTo(2);
        assertThat(pool.requests()).isEqualTo(2);
    }

    @Test
    void aMachineTakesTestsTheMomentItIsReady() {
        Sim sim = new Sim();
        SimulatedProvisioner pool = sim.pool().delays(Duration.ofSeconds(1), Duration.ofSeconds(100)).build();
        SimulatedRunner runner = sim.runner().durations(new dev.corral.schedule.simulation.LogNormal(
                Duration.ofSeconds(10), 0)).build();
        sim.dispatcher(runner).target(Sim.target("t", pool, tests(20), 2)).build().run();

        List<SimulatedRunner.Run> runs = runner.runs();
        assertThat(sim.seconds(runs.get(0).start())).isEqualTo(1.0);
        // machine 1 ran ten tests alone (1 s .. 101 s) before machine 2 joined at 100 s
        assertThat(runs).filteredOn(r -> r.machine().equals("sim-1")).hasSizeGreaterThanOrEqualTo(10);
        assertThat(runs).filteredOn(r -> r.machine().equals("sim-2")).isNotEmpty();
        assertThat(runs).filteredOn(r -> r.machine().equals("sim-2"))
                .allSatisfy(r -> assertThat(sim.seconds(r.start())).isGreaterThanOrEqualTo(100.0));
    }

    @Test
    void idleMachinesAreReleasedAtTheTailAndUnneededRequestsCancelled() {
        Sim sim = new Sim();
        SimulatedProvisioner pool = sim.pool()
                .delays(Duration.ZERO, Duration.ZERO, Duration.ofHours(1), Duration.ofHours(1)).build();
        SimulatedRunner runner = sim.runner().duration("/long", Duration.ofSeconds(100))
                .duration("/s1", Duration.ofSeconds(10)).duration("/s2", Duration.ofSeconds(10))
                .duration("/s3", Duration.ofSeconds(10)).build();
        List<TestCase> tests = TestCases.named("/s1", "/s2", "/long", "/s3");
        sim.dispatcher(runner).history(DurationHistory.empty()).target(Sim.target("t", pool, tests, 4)).build().run();

        assertThat(sim.seconds()).isLessThan(3600.0); // the two slow requests were cancelled, not awaited
        assertThat(pool.peakHeld()).isEqualTo(2);
        List<Sim.Event> released = sim.events.of("machineReleased");
        Sim.Event tail = released.stream().filter(e -> e.detail().equals("idle")).findFirst().orElseThrow();
        assertThat(tail.at()).isEqualTo(20.0); // one machine ran /long, the other the three short ones (0..30 s)
        assertThat(pool.held()).isZero();
    }

    @Test
    void failedRequestsAreRetriedWithBackoff() {
        Sim sim = new Sim();
        SimulatedProvisioner pool = sim.pool().failRequests(1, 2).build();
        RunOutcome outcome = sim.dispatcher(sim.runner().build()).provisioning(FAST_RETRY)
                .target(Sim.target("t", pool, tests(2), 1)).build().run();

        assertThat(outcome.results()).extracting(TestResult::outcome).containsOnly(Outcome.PASS);
        assertThat(pool.requests()).isEqualTo(3);
        assertThat(sim.events.of("provisioningFailed")).hasSize(2)
                .allSatisfy(e -> assertThat(e.detail()).contains("simulated provisioning failure"));
        // backoff 2 s then 4 s, each with jitter in [0.5, 1]
        double firstTest = sim.events.of("testStarted").get(0).at();
        assertThat(firstTest).isBetween(3.0, 6.0);
    }

    @Test
    void aTargetThatGetsNoMachineFailsFastAndAccountsForEveryTest() {
        Sim sim = new Sim();
        SimulatedProvisioner pool = sim.pool().failAlways("podman: image quay.io/x/y not found").build();
        Dispatcher d = sim.dispatcher(sim.runner().build()).provisioning(FAST_RETRY)
                .target(Sim.target("f40", pool, tests(5), 8)).build();

        assertThatThrownBy(d::run).isInstanceOfSatisfying(ProvisioningFailedException.class, e -> {
            assertThat(e.getMessage()).startsWith("target f40 got no machine after 5 failed provisioning attempts")
                    .contains("podman: image quay.io/x/y not found").contains("5 tests recorded as pending")
                    .doesNotContain("\n");
            assertThat(e.outcome().results()).hasSize(5).extracting(TestResult::outcome).containsOnly(Outcome.PENDING);
        });
        assertThat(sim.sunk).hasSize(5).allSatisfy(r -> assertThat(r.notes().get(0)).contains("podman: image"));
        assertThat(pool.requests()).isEqualTo(5); // one per test (not 8), no retries after failing fast
    }

    @Test
    void theRunWideFailureCapEndsATargetThatLostItsMachines() {
        Sim sim = new Sim();
        // request 1 succeeds; every replacement fails
        SimulatedProvisioner pool = sim.pool().failRequests(2, 3, 4, 5, 6, 7, 8, 9).build();
        SimulatedProvisioner good = sim.pool().name("good").build();
        List<TestCase> tests = new ArrayList<>();
        tests.add(TestCases.test("/destroy").extra("extra-destructive", true).build());
        tests.addAll(tests(3));
        Dispatcher d = sim.dispatcher(sim.runner().build())
                .provisioning(FAST_RETRY.withMaxFailures(3).withFailFastAfter(100))
                .target(Sim.target("bad", pool, tests, 1))
                .target(Sim.target("ok", good, tests(3), 1)).build();

        assertThatThrownBy(d::run).isInstanceOfSatisfying(ProvisioningFailedException.class, e -> {
            assertThat(e.getMessage()).startsWith("target bad got no machine after 3 failed provisioning attempts")
                    .contains("simulated provisioning failure of request 4");
            assertThat(e.outcome().results()).filteredOn(r -> r.target().equals("ok"))
                    .extracting(TestResult::outcome).containsOnly(Outcome.PASS);
            assertThat(e.outcome().result("bad", "/destroy").orElseThrow().outcome()).isEqualTo(Outcome.PASS);
            assertThat(e.outcome().results()).filteredOn(r -> r.target().equals("bad") && r.outcome() == Outcome.PENDING)
                    .extracting(TestResult::name).containsExactly("/t1", "/t2", "/t3");
        });
        assertThat(pool.requests()).isEqualTo(4);
        assertThat(pool.held()).isZero();
    }

    @Test
    void aTargetThatLostEveryMachineGivesUpAfterTwiceTheFailFastCount() {
        Sim sim = new Sim();
        // request 1 succeeds; the host is then gone for good: every replacement fails
        SimulatedProvisioner pool = sim.pool().failRequests(java.util.stream.IntStream.rangeClosed(2, 50).toArray())
                .build();
        List<TestCase> tests = new ArrayList<>();
        tests.add(TestCases.test("/destroy").extra("extra-destructive", true).build());
        tests.addAll(tests(3));
        Dispatcher d = sim.dispatcher(sim.runner().build())
                .provisioning(FAST_RETRY.withMaxFailures(40).withFailFastAfter(3))
                .target(Sim.target("gone", pool, tests, 1)).build();

        assertThatThrownBy(d::run).isInstanceOfSatisfying(ProvisioningFailedException.class, e -> {
            assertThat(e.getMessage()).startsWith("target gone got no machine after 6 failed provisioning attempts");
            assertThat(e.outcome().result("gone", "/destroy").orElseThrow().outcome()).isEqualTo(Outcome.PASS);
            assertThat(e.outcome().results()).filteredOn(r -> r.outcome() == Outcome.PENDING)
                    .extracting(TestResult::name).containsExactly("/t1", "/t2", "/t3");
        });
        assertThat(pool.requests()).isEqualTo(7);
    }

    @Test
    void aMachineThatCannotBePreparedIsReleasedAndCountsAsAProvisioningFailure() {
        Sim sim = new Sim();
        SimulatedProvisioner pool = sim.pool().build();
        SimulatedRunner runner = sim.runner().failOpen(1).build();
        RunOutcome outcome = sim.dispatcher(runner).provisioning(FAST_RETRY)
                .target(Sim.target("t", pool, tests(2), 1)).build().run();

        assertThat(outcome.results()).extracting(TestResult::outcome).containsOnly(Outcome.PASS);
        assertThat(sim.events.of("provisioningFailed")).singleElement().extracting(Sim.Event::detail)
                .isEqualTo("preparing machine sim-1 failed: simulated: copying the test tree to sim-1 failed");
        assertThat(pool.machine("sim-1").closed()).isTrue();
        assertThat(pool.machine("sim-1").tests()).isEmpty();
        assertThat(pool.held()).isZero();
    }

    @Test
    void staticLanesSurviveTheLossOfTheirMachine() {
        Sim sim = new Sim();
        SimulatedProvisioner pool = sim.pool().build();
        SimulatedRunner runner = sim.runner()
                .script((t, a, m) -> t.name().equals("/t3") && a == 1
                        ? dev.corral.schedule.simulation.SimulatedAttempt.fate(
                                dev.corral.schedule.simulation.SimulatedAttempt.Fate.MACHINE_DIES)
                        : dev.corral.schedule.simulation.SimulatedAttempt.pass())
                .build();
        RunOutcome outcome = sim.dispatcher(runner).policy(Policy.staticSplit())
                .target(Sim.target("t", pool, tests(6), 2)).build().run();

        assertThat(outcome.results()).extracting(TestResult::outcome).containsOnly(Outcome.PASS);
        // lane 0 = /t1 /t3 /t5, lane 1 = /t2 /t4 /t6: the lanes never mix, a replacement took over lane 0
        for (var m : pool.machines()) {
            List<String> ran = m.tests();
            assertThat(ran.stream().allMatch(n -> Integer.parseInt(n.substring(2)) % 2 == 1)
                    || ran.stream().allMatch(n -> Integer.parseInt(n.substring(2)) % 2 == 0))
                    .as("%s ran %s", m.id(), ran).isTrue();
        }
        assertThat(pool.machines()).hasSize(3);
    }
}
