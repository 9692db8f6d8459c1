package dev.corral.schedule.simulation;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import dev.corral.schedule.Dispatcher;
import dev.corral.schedule.RunListener;
import dev.corral.schedule.RunOutcome;
import dev.corral.schedule.Target;
import dev.corral.schedule.Timebase;
import dev.corral.tmt.TestCase;

import org.apiguardian.api.API;

/**
 * Benchmark (b): the dispatcher's own cost. 100 000 zero-duration simulated tests on 1 000 simulated machines in
 * real time on real threads; prints dispatches per second and the peak heap. Run by {@code bench/scale.sh} with
 * {@code -Xmx512m}.
 *
 * <p>Arguments (optional): tests, machines.
 */
@API(status = API.Status.EXPERIMENTAL)
public final class ThroughputBenchmark {
    private ThroughputBenchmark() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int machines = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        List<TestCase> tests = Makespan.sleepTests(n);
        Timebase time = Timebase.system();
        // warm-up, so that the measured run is not the JIT's
        run(Makespan.sleepTests(20_000), machines, time, new AtomicLong(), new AtomicLong());
        System.gc();
        List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP).toList();
        heap.forEach(MemoryPoolMXBean::resetPeakUsage);

        AtomicLong loopStart = new AtomicLong();
        AtomicLong cpuAtLoopStart = new AtomicLong();
        long t0 = System.nanoTime();
        long results = run(tests, machines, time, loopStart, cpuAtLoopStart);
        long t1 = System.nanoTime();
        long cpu = processCpuNanos() - cpuAtLoopStart.get();

        long peak = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        double perSecond = n / ((t1 - loopStart.get()) / 1e9);
        System.out.printf("scale benchmark: %d zero-duration tests on %d simulated machines, real threads, %d cores%n",
                n, machines, Runtime.getRuntime().availableProcessors());
        System.out.printf("set-up (dependency check, estimates, order) %.2f s; dispatching %.2f s; results %d%n",
                (loopStart.get() - t0) / 1e9, (t1 - loopStart.get()) / 1e9, results);
        System.out.printf("dispatches/s %.0f (target >= 50000: %s); including set-up %.0f/s%n", perSecond,
                perSecond >= 50_000 ? "met" : "NOT met", n / ((t1 - t0) / 1e9));
        System.out.printf("process CPU while dispatching %.2f s: %.1f us per dispatch, %.0f dispatches per CPU-second"
                + " (load average %.1f)%n", cpu / 1e9, cpu / 1e3 / n, n / (cpu / 1e9),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        System.out.printf("peak heap %.0f MiB of max %d MiB (target <= 512 MiB: %s)%n", peak / 1048576.0,
                Runtime.getRuntime().maxMemory() / 1048576, peak <= 512L * 1048576 ? "met" : "NOT met");
    }

    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : 0;
    }

    private static long run(List<TestCase> tests, int machines, Timebase time, AtomicLong loopStart,
                            AtomicLong cpuAtLoopStart) {
        AtomicLong sunk = new AtomicLong();
        try (SimulatedProvisioner pool = SimulatedProvisioner.builder(time).build()) {
            SimulatedRunner runner = SimulatedRunner.builder(time).durations(new LogNormal(Duration.ZERO, 0))
                    .recording(false).build();
            RunOutcome outcome = Dispatcher.builder()
                    .target(Target.of("scale", pool, tests).withWorkers(machines))
                    .runner(runner).timebase(time).sink(r -> sunk.incrementAndGet())
                    .listener(new RunListener() {
                        @Override
                        public void runStarted(int count) {
                            loopStart.set(System.nanoTime());
                            cpuAtLoopStart.set(processCpuNanos());
                        }
                    })
                    .build().run();
            if (outcome.results().size() != tests.size() || sunk.get() != tests.size()) {
                throw new IllegalStateException("lost results: " + outcome.results().size() + " of " + tests.size());
            }
            return sunk.get();
        }
    }
}
