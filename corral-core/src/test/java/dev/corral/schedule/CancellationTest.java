package dev.corral.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import dev.corral.CorralException;
import dev.corral.results.Outcome;
import dev.corral.results.TestResult;
import dev.corral.schedule.simulation.LogNormal;
import dev.corral.schedule.simulation.SimulatedProvisioner;
import dev.corral.schedule.simulation.SimulatedRunner;
import dev.corral.tmt.TestCase;

import org.junit.jupiter.api.Test;

/** Real time and real threads: cancellation is about interrupts, which virtual time does not model. */
class CancellationTest {

    private record Running(Thread thread, CompletableFuture<RunOutcome> outcome, AtomicBoolean flagAfter) {
    }

    private static Running start(Dispatcher d) {
        CompletableFuture<RunOutcome> outcome = new CompletableFuture<>();
        AtomicBoolean flag = new AtomicBoolean();
        Thread t = Thread.ofPlatform().name("run").start(() -> {
            try {
                RunOutcome o = d.run();
                flag.set(Thread.currentThread().isInterrupted());
                outcome.complete(o);
            } catch (Throwable e) {
                outcome.completeExceptionally(e);
            }
        });
        return new Running(t, outcome, flag);
    }

    @Test
    void interruptingARunStopsEverythingRecordsEveryTestAndReleasesEveryMachine() throws Exception {
        Timebase time = Timebase.system();
        SimulatedProvisioner pool = SimulatedProvisioner.builder(time).build();
        SimulatedRunner runner = SimulatedRunner.builder(time).durations(new LogNormal(Duration.ofHours(1), 0)).build();
        List<TestResult> sunk = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger started = new AtomicInteger();
        AtomicReference<Boolean> finished = new AtomicReference<>();
        List<TestCase> tests = TestCases.named("/a", "/b", "/c", "/d", "/e");
        Dispatcher d = Dispatcher.builder().runner(runner).sink(sunk::add)
                .target(Target.of("t", pool, tests).withWorkers(2))
                .listener(new RunListener() {
                    @Override
                    public void testStarted(String target, TestCase test, String machineId, int attempt, Duration expected) {
                        started.incrementAndGet();
                    }

                    @Override
                    public void runFinished(boolean interrupted) {
                        finished.set(interrupted);
                    }
                })
                .build();

        Running run = start(d);
        await().atMost(30, TimeUnit.SECONDS).until(() -> started.get() == 2);
        run.thread().interrupt();
        RunOutcome outcome = run.outcome().get(60, TimeUnit.SECONDS);

        assertThat(outcome.interrupted()).isTrue();
        assertThat(run.flagAfter()).isTrue(); // the interrupt is passed on to the caller
        assertThat(finished.get()).isTrue();
        assertThat(outcome.results()).hasSize(5);
        assertThat(outcome.results()).filteredOn(r -> r.outcome() == Outcome.ERROR).hasSize(2)
                .allSatisfy(r -> {
                    assertThat(r.notes()).containsExactly("interrupted");
                    assertThat(r.machine()).isNotNull();
                });
        assertThat(outcome.results()).filteredOn(r -> r.outcome() == Outcome.PENDING).hasSize(3)
                .allSatisfy(r -> assertThat(r.notes()).containsExactly("not run: run interrupted"));
        assertThat(sunk).hasSize(5);
        assertThat(pool.held()).isZero();
        assertThat(pool.released()).isEqualTo(2);
    }

    @Test
    void interruptingWhileMachinesAreProvisionedCancelsTheRequests() throws Exception {
        Timebase time = Timebase.system();
        SimulatedProvisioner pool = SimulatedProvisioner.builder(time).delay(Duration.ofHours(1)).build();
        SimulatedRunner runner = SimulatedRunner.builder(time).build();
        AtomicInteger requested = new AtomicInteger();
        Dispatcher d = Dispatcher.builder().runner(runner)
                .target(Target.of("t", pool, TestCases.named("/a", "/b", "/c")).withWorkers(3))
                .listener(new RunListener() {
                    @Override
                    public void provisioningStarted(String target, String slot) {
                        requested.incrementAndGet();
                    }
                })
                .build();

        Running run = start(d);
        await().atMost(30, TimeUnit.SECONDS).until(() -> requested.get() == 3);
        run.thread().interrupt();
        RunOutcome outcome = run.outcome().get(60, TimeUnit.SECONDS);

        assertThat(outcome.interrupted()).isTrue();
        assertThat(outcome.results()).extracting(TestResult::outcome).containsOnly(Outcome.PENDING);
        assertThat(pool.machines()).isEmpty();
    }

    @Test
    void aSinkThatFailsStopsTheRunAndItsErrorIsRethrown() {
        Timebase time = Timebase.system();
        SimulatedProvisioner pool = SimulatedProvisioner.builder(time).build();
        SimulatedRunner runner = SimulatedRunner.builder(time).durations(new LogNormal(Duration.ofMillis(1), 0)).build();
        AtomicInteger calls = new AtomicInteger();
        Dispatcher d = Dispatcher.builder().runner(runner)
                .sink(r -> {
                    if (calls.incrementAndGet() == 3) {
                        throw new CorralException("journal: disk full");
                    }
                })
                .target(Target.of("t", pool, TestCases.named("/a", "/b", "/c", "/d", "/e", "/f")).withWorkers(1))
                .build();

        assertThatThrownBy(d::run).isInstanceOf(CorralException.class).hasMessage("journal: disk full");
        assertThat(pool.held()).isZero();
    }
}
