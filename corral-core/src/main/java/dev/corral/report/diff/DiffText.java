package dev.corral.report.diff;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

import dev.corral.results.Outcome;
import dev.corral.results.ResultsDir;

/** The text rendering of a {@link RunDiff}: a summary line per target, then one section per kind of change. */
final class DiffText {
    private DiffText() {
    }

    static String render(RunDiff diff) {
        StringBuilder b = new StringBuilder();
        b.append("Comparing ").append(diff.oldLabel()).append(" (old) with ").append(diff.newLabel())
                .append(" (new)\n");
        boolean showTargets = diff.targets().size() > 1
                || diff.targets().stream().anyMatch(t -> !t.target().equals(ResultsDir.DEFAULT_TARGET));
        if (diff.targets().isEmpty()) {
            b.append("Neither run has results.\n");
        }
        for (RunDiff.TargetDiff t : diff.targets()) {
            b.append('\n');
            if (showTargets) {
                b.append("== target ").append(t.target()).append(" ==\n");
            }
            b.append(summary(t)).append('\n');
            section(b, "Newly failing", t.newlyFailing());
            section(b, "Newly passing", t.newlyPassing());
            section(b, "Still failing", t.stillFailing());
            section(b, "Other changes", t.otherChanges());
            section(b, "Added", t.added());
            section(b, "Removed", t.removed());
            durations(b, "Biggest duration changes (tests of " + human(diff.options().minDuration()) + " or more)",
                    t.slowestChanges());
            durations(b, "Biggest relative duration changes", t.relativeChanges());
        }
        return b.toString();
    }

    private static String summary(RunDiff.TargetDiff t) {
        String counts = String.join(", ", List.of(
                t.newlyFailing().size() + " newly failing",
                t.newlyPassing().size() + " newly passing",
                t.stillFailing().size() + " still failing",
                t.added().size() + " added",
                t.removed().size() + " removed"));
        return counts + " (" + t.compared() + " test" + (t.compared() == 1 ? "" : "s") + " in both runs)";
    }

    private static void section(StringBuilder b, String title, List<RunDiff.TestChange> changes) {
        if (changes.isEmpty()) {
            return;
        }
        b.append('\n').append(title).append(" (").append(changes.size()).append("):\n");
        for (RunDiff.TestChange c : changes) {
            String outcomes;
            if (c.oldOutcome() == null) {
                outcomes = name(c.newOutcome());
            } else if (c.newOutcome() == null) {
                outcomes = "was " + name(c.oldOutcome());
            } else {
                outcomes = name(c.oldOutcome()) + " -> " + name(c.newOutcome());
            }
            b.append("  ").append(pad(outcomes, 16)).append(c.name());
            if (!c.notes().isEmpty()) {
                b.append("  (").append(oneLine(String.join(", ", c.notes()))).append(')');
            }
            b.append('\n');
        }
    }

    private static void durations(StringBuilder b, String title, List<RunDiff.DurationChange> changes) {
        if (changes.isEmpty()) {
            return;
        }
        b.append('\n').append(title).append(":\n");
        for (RunDiff.DurationChange d : changes) {
            String delta = (d.delta().isNegative() ? "-" : "+") + human(d.delta().abs());
            b.append("  ").append(pad(delta, 10)).append(pad(percent(d.relative()), 9))
                    .append(pad(human(d.oldDuration()) + " -> " + human(d.newDuration()), 22)).append(d.name())
                    .append('\n');
        }
    }

    /** {@code +278%}, {@code -50%}, {@code new} for a change from zero. */
    static String percent(double relative) {
        if (Double.isInfinite(relative)) {
            return "+inf%";
        }
        return String.format(Locale.ROOT, "%+.0f%%", relative * 100);
    }

    /** {@code 0.4s}, {@code 12.3s}, {@code 2m03s}, {@code 1h02m03s}, as the console prints durations. */
    static String human(Duration d) {
        long millis = Math.max(0, d.toMillis());
        if (millis < 60_000) {
            return String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
        }
        long s = millis / 1000;
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm%02ds", s / 3600, (s % 3600) / 60, s % 60);
    }

    private static String name(Outcome o) {
        return o.tmtName();
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s + " " : s + " ".repeat(width - s.length());
    }

    private static String oneLine(String s) {
        return s.replaceAll("\\s*[\\r\\n\\u2028\\u2029]+\\s*", " ").strip();
    }
}
