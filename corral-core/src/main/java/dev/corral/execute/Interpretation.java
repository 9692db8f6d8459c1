package dev.corral.execute;

import java.util.ArrayList;
import java.util.List;

import dev.corral.results.Outcome;
import dev.corral.tmt.ResultInterpretation;

/**
 * tmt's {@code result:} interpretation of a test's own outcome: {@code respect} (and {@code custom},
 * {@code restraint}) keep it; {@code xfail} swaps pass and fail; {@code pass}, {@code info}, {@code warn},
 * {@code error} and {@code fail} replace it. Every interpretation other than keeping adds the note
 * {@code original result: <outcome>}, even when the outcome did not change (as tmt does).
 */
final class Interpretation {

    /** An interpreted outcome; {@code original} is the outcome before interpretation. */
    record Interpreted(Outcome outcome, Outcome original, List<String> notes) {
    }

    private Interpretation() {
    }

    static Interpreted apply(ResultInterpretation how, Outcome outcome, List<String> notes) {
        List<String> all = new ArrayList<>(notes);
        Outcome interpreted = switch (how) {
            case RESPECT, CUSTOM, RESTRAINT -> outcome;
            case XFAIL -> outcome == Outcome.FAIL ? Outcome.PASS : outcome == Outcome.PASS ? Outcome.FAIL : outcome;
            case PASS -> Outcome.PASS;
            case INFO -> Outcome.INFO;
            case WARN -> Outcome.WARN;
            case ERROR -> Outcome.ERROR;
            case FAIL -> Outcome.FAIL;
        };
        if (how != ResultInterpretation.RESPECT && how != ResultInterpretation.CUSTOM
                && how != ResultInterpretation.RESTRAINT) {
            all.add("original result: " + outcome.tmtName());
        }
        return new Interpreted(interpreted, outcome, all);
    }
}
