package dev.corral.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import dev.corral.results.TestResult;
import dev.corral.schedule.simulation.SimulatedProvisioner;
import dev.corral.schedule.simulation.SimulatedRunner;
import dev.corral.schedule.simulation.VirtualTimebase;
import dev.corral.tmt.TestCase;

/** A deterministic simulated run: virtual time, a recording sink and a recording listener. */
final class Sim {
    final VirtualTimebase time = new VirtualTimebase();
    final List<TestResult> sunk = Collections.synchronizedList(new ArrayList<>());
    final Events events = new Events();

    /** Virtual seconds since the start. */
    double seconds() {
        return time.elapsed().toNanos() / 1e9;
    }

    double seconds(Instant at) {
        return Duration.between(Instant.parse("2030-01-01T00:00:00Z"), at).toNanos() / 1e9;
    }

    SimulatedProvisioner.Builder pool() {
        return SimulatedProvisioner.builder(time);
    }

    SimulatedRunner.Builder runner() {
        return SimulatedRunner.builder(time);
    }

    Dispatcher.Builder dispatcher(SimulatedRunner runner) {
        return Dispatcher.builder().runner(runner).timebase(time).seed(7).sink(sunk::add).listener(events);
    }

    static Target target(String name, SimulatedProvisioner pool, List<TestCase> tests, int workers) {
        return Target.of(name, pool, tests).withWorkers(workers);
    }

    /** One listener event with the virtual time it happened at. */
    record Event(double at, String kind, String target, String subject, String detail) {
    }

    /** Records every listener event. */
    final class Events implements RunListener {
        final List<Event> all = Collections.synchronizedList(new ArrayList<>());

        private void add(String kind, String target, String subject, String detail) {
            all.add(new Event(seconds(), kind, target, subject, detail));
        }

        List<Event> of(String kind) {
            synchronized (all) {
                return all.stream().filter(e -> e.kind().equals(kind)).toList();
            }
        }

        @Override
        public void runStarted(int tests) {
            add("runStarted", null, null, Integer.toString(tests));
        }

        @Override
        public void provisioningStarted(String target, String slot) {
            add("provisioningStarted", target, slot, null);
        }

        @Override
        public void machineReady(String target, String machineId, Duration took) {
            add("machineReady", target, machineId, took.toString());
        }

        @Override
        public void provisioningFailed(String target, String slot, String message, int attempt) {
            add("provisioningFailed", target, slot, message);
        }

        @Override
        public void machineReleased(String target, String machineId, String reason) {
            add("machineReleased", target, machineId, reason);
        }

        @Override
        public void testStarted(String target, TestCase test, String machineId, int attempt, Duration expected) {
            add("testStarted", target, test.name(), machineId);
        }

        @Override
        public void testFinished(TestResult result) {
            add("testFinished", result.target(), result.name(), result.outcome().tmtName());
        }

        @Override
        public void runFinished(boolean interrupted) {
            add("runFinished", null, null, Boolean.toString(interrupted));
        }
    }
}
