package dev.corral.schedule.simulation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import org.apiguardian.api.API;

/**
 * Benchmark (a): 200 log-normal sleep tests on 8 machines with the real dispatcher on real threads, time sped up
 * 100 times (1 s → 10 ms). Prints makespan / lower bound for a first dynamic run (no history), a second dynamic
 * run (history of the first) and a static round-robin split. Run by {@code bench/makespan.sh}.
 *
 * <p>Arguments (optional): tests, machines, speedup, seed.
 */
@API(status = API.Status.EXPERIMENTAL)
public final class MakespanBenchmark {
    private MakespanBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int machines = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        double speedup = args.length > 2 ? Double.parseDouble(args[2]) : 100;
        long seed = args.length > 3 ? Long.parseLong(args[3]) : 42;
        Path root = Files.createTempDirectory("corral-makespan");
        try {
            System.out.printf("makespan benchmark: %d tests (log-normal, median %ss, sigma %.1f) on %d machines,"
                    + " real threads, time x%.0f%n", n, Makespan.DURATIONS.median().toSeconds(),
                    Makespan.DURATIONS.sigma(), machines, speedup);
            Makespan.Result first = Makespan.simulate(Makespan.Mode.DYNAMIC, root, n, machines, seed,
                    new ScaledTimebase(speedup));
            Makespan.Result second = Makespan.simulate(Makespan.Mode.DYNAMIC, root, n, machines, seed,
                    new ScaledTimebase(speedup));
            Makespan.Result naive = Makespan.simulate(Makespan.Mode.STATIC, null, n, machines, seed,
                    new ScaledTimebase(speedup));
            System.out.printf("lower bound max(sum/M, longest): %.1f s (simulated)%n",
                    first.lowerBound().toMillis() / 1000.0);
            print("dynamic, first run (no history)", first);
            print("dynamic, second run (history)", second);
            print("static round-robin split", naive);
            System.out.printf("target: second run <= 1.05 -> %s%n", second.ratio() <= 1.05 ? "met" : "NOT met");
        } finally {
            try (Stream<Path> files = Files.walk(root)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void print(String what, Makespan.Result r) {
        System.out.printf("%-34s makespan %7.1f s   ratio %.3f%n", what, r.makespan().toMillis() / 1000.0, r.ratio());
    }
}
