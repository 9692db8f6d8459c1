package dev.corral.report.html;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;

import dev.corral.results.ResultsDir;
import dev.corral.results.ResultsException;
import dev.corral.results.RunResults;
import dev.corral.results.TestResult;

/**
 * Decides how much of each attempt's {@code output.txt} the report embeds: at most {@code perAttempt} bytes from
 * the end of each, within a total budget spent on failing attempts first (final attempts that failed, errored,
 * warned or never finished, then earlier such attempts, then the final attempts of the others, then the rest).
 * Only file sizes are read here; the tails are read while the report is written.
 */
final class OutputPlan {
    /** The smallest slice worth embedding when the budget runs low. */
    private static final int MIN_SLICE = 4 * 1024;

    private final Path[] files;
    private final long[] sizes;
    private final int[] takes;

    private OutputPlan(Path[] files, long[] sizes, int[] takes) {
        this.files = files;
        this.sizes = sizes;
        this.takes = takes;
    }

    static OutputPlan of(ResultsDir dir, RunResults results, int perAttempt, long budget) {
        List<TestResult> attempts = results.attempts();
        int n = attempts.size();
        Path[] files = new Path[n];
        long[] sizes = new long[n];
        int[] takes = new int[n];
        Arrays.fill(sizes, -1);
        List<List<Integer>> tiers = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        IdentityHashMap<TestResult, Boolean> finals = new IdentityHashMap<>();
        for (TestResult f : results.finals()) {
            finals.put(f, Boolean.TRUE);
        }
        for (int i = 0; i < n; i++) {
            TestResult r = attempts.get(i);
            if (r.logs().isEmpty()) {
                continue;
            }
            try {
                files[i] = dir.resolve(r.logs().getFirst());
            } catch (ResultsException e) {
                continue; // a log path outside the results directory is never read
            }
            try {
                sizes[i] = Files.size(files[i]);
            } catch (IOException e) {
                continue;
            }
            boolean last = finals.containsKey(r);
            tiers.get((failing(r) ? 0 : 2) + (last ? 0 : 1)).add(i);
        }
        long left = budget;
        for (List<Integer> tier : tiers) {
            for (int i : tier) {
                long want = Math.min(sizes[i], perAttempt);
                long take = want <= left ? want : left >= MIN_SLICE ? left : 0;
                takes[i] = (int) take;
                left -= take;
            }
        }
        return new OutputPlan(files, sizes, takes);
    }

    private static boolean failing(TestResult r) {
        return switch (r.outcome()) {
            case FAIL, ERROR, WARN, PENDING -> true;
            default -> false;
        };
    }

    /** The output file of attempt {@code i}, or {@code null} when it has none. */
    Path file(int i) {
        return files[i];
    }

    /** The size of attempt {@code i}'s output file, or -1 when it has none or it is missing. */
    long size(int i) {
        return sizes[i];
    }

    /** Bytes to embed from the end of attempt {@code i}'s output, 0 for none. */
    int take(int i) {
        return takes[i];
    }
}
