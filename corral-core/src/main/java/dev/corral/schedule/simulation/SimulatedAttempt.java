package dev.corral.schedule.simulation;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

import dev.corral.results.Outcome;

import org.apiguardian.api.API;

/**
 * What one simulated attempt does: how long it takes, how it ends, and whether something goes wrong around it.
 *
 * @param outcome  the reported outcome when the attempt completes
 * @param fate     what happens to the attempt and its machine
 * @param duration how long it runs, or {@code null} for the runner's duration of the test
 * @param notes    notes on the result
 */
@API(status = API.Status.EXPERIMENTAL)
public record SimulatedAttempt(Outcome outcome, Fate fate, Duration duration, List<String> notes) {

    /** What happens to an attempt. */
    public enum Fate {
        /** Runs for its duration and reports its outcome. */
        COMPLETE,
        /** The machine dies half-way: the connection fails ({@code ConnectionException}). */
        MACHINE_DIES,
        /** The machine dies half-way, and the attempt reports {@code error} (the dispatcher must check it). */
        MACHINE_DIES_QUIETLY,
        /** The test calls {@code tmt-abort}: {@code error} with the note {@code aborted}. */
        ABORT,
        /** The executor fails around the test (an exception other than a connection failure). */
        INFRASTRUCTURE_ERROR
    }

    public SimulatedAttempt {
        Objects.requireNonNull(outcome, "outcome must not be null");
        Objects.requireNonNull(fate, "fate must not be null");
        notes = List.copyOf(notes);
    }

    /** Completes with {@code pass}. */
    public static SimulatedAttempt pass() {
        return new SimulatedAttempt(Outcome.PASS, Fate.COMPLETE, null, List.of());
    }

    /** Completes with the outcome. */
    public static SimulatedAttempt ending(Outcome outcome) {
        return new SimulatedAttempt(outcome, Fate.COMPLETE, null, List.of());
    }

    /** Ends with the fate. */
    public static SimulatedAttempt fate(Fate fate) {
        return new SimulatedAttempt(fate == Fate.COMPLETE ? Outcome.PASS : Outcome.ERROR, fate, null, List.of());
    }

    /** The same, taking {@code d}. */
    public SimulatedAttempt taking(Duration d) {
        return new SimulatedAttempt(outcome, fate, d, notes);
    }
}
