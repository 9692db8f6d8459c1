package dev.corral.report.console;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.corral.results.Outcome;
import dev.corral.results.TestResult;

/** The end-of-run table: final outcomes counted per target, the total time and where the results are. */
final class SummaryTable {
    private static final List<Outcome> COLUMNS =
            List.of(Outcome.PASS, Outcome.FAIL, Outcome.INFO, Outcome.WARN, Outcome.ERROR, Outcome.SKIP);

    private SummaryTable() {
    }

    /**
     * @param finals      the final result of each test
     * @param planned     number of tests the run meant to run, or -1 when unknown
     * @param carriedOver number of {@code finals} carried over from earlier incarnations of a resumed run, or 0
     * @param took        the run's wall time, or {@code null}
     * @param dir         the results directory, or {@code null}
     * @param interrupted whether the run was interrupted
     */
    static String render(Collection<TestResult> finals, int planned, int carriedOver, Duration took, Path dir,
                         boolean interrupted) {
        Map<String, Map<Outcome, Integer>> perTarget = new LinkedHashMap<>();
        Map<Outcome, Integer> total = new EnumMap<>(Outcome.class);
        for (TestResult r : finals) {
            perTarget.computeIfAbsent(r.target(), t -> new EnumMap<>(Outcome.class)).merge(r.outcome(), 1, Integer::sum);
            total.merge(r.outcome(), 1, Integer::sum);
        }
        List<Outcome> columns = new ArrayList<>(COLUMNS);
        if (total.containsKey(Outcome.PENDING)) {
            columns.add(Outcome.PENDING);
        }
        List<List<String>> rows = new ArrayList<>();
        List<String> header = new ArrayList<>();
        header.add("target");
        columns.forEach(o -> header.add(o.tmtName()));
        header.add("total");
        rows.add(header);
        perTarget.forEach((target, counts) -> rows.add(row(target, counts, columns)));
        if (perTarget.size() != 1) {
            rows.add(row("all", total, columns));
        }
        int[] widths = new int[header.size()];
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        StringBuilder b = new StringBuilder();
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                String cell = row.get(i);
                if (i == 0) {
                    line.append(cell).append(" ".repeat(widths[i] - cell.length()));
                } else {
                    line.append("  ").append(" ".repeat(widths[i] - cell.length())).append(cell);
                }
            }
            b.append(line.toString().stripTrailing()).append('\n');
        }
        if (carriedOver > 0) {
            b.append("resumed: ").append(carriedOver).append(carriedOver == 1 ? " result" : " results")
                    .append(" carried over from the earlier run\n");
        }
        List<String> facts = new ArrayList<>();
        if (interrupted) {
            int missing = planned - finals.size();
            facts.add(missing > 0 ? "interrupted: " + missing + " of " + planned + " tests have no result"
                    : "interrupted");
        }
        if (took != null) {
            facts.add("took " + TimeFormat.human(took));
        }
        if (dir != null) {
            facts.add("results in " + dir);
        }
        if (!facts.isEmpty()) {
            b.append(String.join(" · ", facts)).append('\n');
        }
        return b.toString();
    }

    private static List<String> row(String name, Map<Outcome, Integer> counts, List<Outcome> columns) {
        List<String> row = new ArrayList<>();
        row.add(name);
        int sum = 0;
        for (Outcome o : columns) {
            int n = counts.getOrDefault(o, 0);
            row.add(Integer.toString(n));
            sum += n;
        }
        row.add(Integer.toString(sum));
        return row;
    }
}
