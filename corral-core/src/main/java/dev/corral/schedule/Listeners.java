package dev.corral.schedule;

import java.time.Duration;
import java.util.List;

import dev.corral.results.RunResults;
import dev.corral.results.TestResult;
import dev.corral.tmt.TestCase;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Calls every listener in turn; an exception from one is logged and otherwise ignored. Thread-safe. */
final class Listeners implements RunListener {
    private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);

    private final List<RunListener> listeners;

    Listeners(List<RunListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    private void each(String event, java.util.function.Consumer<RunListener> call) {
        if (listeners.isEmpty()) {
            return;
        }
        for (RunListener l : listeners) {
            try {
                call.accept(l);
            } catch (RuntimeException e) {
                LOG.warn("run listener {} failed on {} (ignored)", l.getClass().getName(), event, e);
            }
        }
    }

    @Override
    public void runResumed(RunResults earlier) {
        each("runResumed", l -> l.runResumed(earlier));
    }

    @Override
    public void runStarted(int tests) {
        each("runStarted", l -> l.runStarted(tests));
    }

    @Override
    public void provisioningStarted(String target, String slot) {
        each("provisioningStarted", l -> l.provisioningStarted(target, slot));
    }

    @Override
    public void machineReady(String target, String machineId, Duration took) {
        each("machineReady", l -> l.machineReady(target, machineId, took));
    }

    @Override
    public void provisioningFailed(String target, String slot, String message, int attempt) {
        each("provisioningFailed", l -> l.provisioningFailed(target, slot, message, attempt));
    }

    @Override
    public void machineReleased(String target, String machineId, String reason) {
        each("machineReleased", l -> l.machineReleased(target, machineId, reason));
    }

    @Override
    public void testStarted(String target, TestCase test, String machineId, int attempt, Duration expected) {
        each("testStarted", l -> l.testStarted(target, test, machineId, attempt, expected));
    }

    @Override
    public void testFinished(TestResult result) {
        each("testFinished", l -> l.testFinished(result));
    }

    @Override
    public void machineRebooting(String target, String machineId, String test) {
        each("machineRebooting", l -> l.machineRebooting(target, machineId, test));
    }

    @Override
    public void machineRebooted(String target, String machineId, String test, Duration took) {
        each("machineRebooted", l -> l.machineRebooted(target, machineId, test, took));
    }

    @Override
    public void runFinished(boolean interrupted) {
        each("runFinished", l -> l.runFinished(interrupted));
    }
}
