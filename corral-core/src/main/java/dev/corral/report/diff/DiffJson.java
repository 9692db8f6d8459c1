package dev.corral.report.diff;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.List;

import tools.jackson.core.StreamWriteFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The JSON rendering of a {@link RunDiff}; the format is documented on {@link RunDiff#toJson()}. */
final class DiffJson {
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build();

    private DiffJson() {
    }

    static String render(RunDiff diff) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("old", diff.oldLabel());
        root.put("new", diff.newLabel());
        root.put("regressions", diff.hasRegressions());
        ObjectNode options = root.putObject("options");
        options.put("min-duration", seconds(diff.options().minDuration()));
        options.put("limit", diff.options().limit());
        ObjectNode totals = root.putObject("totals");
        totals.put("newly-failing", diff.targets().stream().mapToInt(t -> t.newlyFailing().size()).sum());
        totals.put("newly-passing", diff.targets().stream().mapToInt(t -> t.newlyPassing().size()).sum());
        totals.put("still-failing", diff.targets().stream().mapToInt(t -> t.stillFailing().size()).sum());
        totals.put("other-changes", diff.targets().stream().mapToInt(t -> t.otherChanges().size()).sum());
        totals.put("added", diff.targets().stream().mapToInt(t -> t.added().size()).sum());
        totals.put("removed", diff.targets().stream().mapToInt(t -> t.removed().size()).sum());
        ArrayNode targets = root.putArray("targets");
        for (RunDiff.TargetDiff t : diff.targets()) {
            ObjectNode n = targets.addObject();
            n.put("target", t.target());
            n.put("compared", t.compared());
            changes(n.putArray("newly-failing"), t.newlyFailing());
            changes(n.putArray("newly-passing"), t.newlyPassing());
            changes(n.putArray("still-failing"), t.stillFailing());
            changes(n.putArray("other-changes"), t.otherChanges());
            changes(n.putArray("added"), t.added());
            changes(n.putArray("removed"), t.removed());
            durations(n.putArray("duration-changes"), t.slowestChanges());
            durations(n.putArray("relative-duration-changes"), t.relativeChanges());
        }
        return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    }

    private static void changes(ArrayNode array, List<RunDiff.TestChange> changes) {
        for (RunDiff.TestChange c : changes) {
            ObjectNode n = array.addObject();
            n.put("name", c.name());
            n.put("old", c.oldOutcome() == null ? null : c.oldOutcome().tmtName());
            n.put("new", c.newOutcome() == null ? null : c.newOutcome().tmtName());
            n.put("old-duration", c.oldDuration() == null ? null : seconds(c.oldDuration()));
            n.put("new-duration", c.newDuration() == null ? null : seconds(c.newDuration()));
            ArrayNode notes = n.putArray("notes");
            c.notes().forEach(notes::add);
        }
    }

    private static void durations(ArrayNode array, List<RunDiff.DurationChange> changes) {
        for (RunDiff.DurationChange d : changes) {
            ObjectNode n = array.addObject();
            n.put("name", d.name());
            n.put("old-duration", seconds(d.oldDuration()));
            n.put("new-duration", seconds(d.newDuration()));
            n.put("delta", seconds(d.delta()));
            double rel = d.relative();
            if (Double.isFinite(rel)) {
                n.put("relative", BigDecimal.valueOf(rel).setScale(4, RoundingMode.HALF_UP).stripTrailingZeros());
            } else {
                n.putNull("relative");
            }
        }
    }

    private static BigDecimal seconds(Duration d) {
        return BigDecimal.valueOf(d.toMillis(), 3).stripTrailingZeros();
    }
}
