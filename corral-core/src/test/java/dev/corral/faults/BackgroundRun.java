package dev.corral.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import dev.corral.results.TestResult;
import dev.corral.run.Run;
import dev.corral.run.RunReport;
import dev.corral.schedule.RunListener;
import dev.corral.tmt.TestCase;

/**
 * A {@link Run} executing on a virtual thread while the test injects a fault: knows which machine each test
 * attempt started on and when a test printed a marker, and waits for the run's end with a bound.
 */
final class BackgroundRun implements RunListener {
    private final Map<String, String> machineOf = new ConcurrentHashMap<>();
    private final Map<String, TestResult> finished = new ConcurrentHashMap<>();
    private final AtomicReference<Object> outcome = new AtomicReference<>();
    private final Path resultsDir;
    private Thread thread;
    private long started;
    private long ended;

    private BackgroundRun(Path resultsDir) {
        this.resultsDir = resultsDir;
    }

    /** Starts the run built by {@code builder} (this is added as a listener; the results go to {@code dir}). */
    static BackgroundRun start(Run.Builder builder, Path dir) {
        BackgroundRun r = new BackgroundRun(dir);
        Run run = builder.resultsDir(dir).listener(r).build();
        r.started = System.nanoTime();
        r.thread = Thread.ofVirtual().name("fault-run").start(() -> {
            try {
                r.outcome.set(run.execute());
            } catch (Throwable t) {
                r.outcome.set(t);
            } finally {
                r.ended = System.nanoTime();
            }
        });
        return r;
    }

    @Override
    public void testStarted(String target, TestCase test, String machineId, int attempt, Duration expected) {
        machineOf.put(test.name() + "#" + attempt, machineId);
    }

    @Override
    public void testFinished(TestResult result) {
        finished.put(result.name() + "#" + result.attempt(), result);
    }

    /** The journaled result of the attempt of the test, once it finished. */
    TestResult finished(String test, int attempt) {
        await(test + " attempt " + attempt + " finished").atMost(Duration.ofSeconds(120))
                .until(() -> finished.containsKey(test + "#" + attempt));
        return finished.get(test + "#" + attempt);
    }

    /** The machine the attempt of the test started on, once it started. */
    String machineOf(String test, int attempt) {
        await(test + " attempt " + attempt + " started").atMost(Duration.ofSeconds(120))
                .until(() -> machineOf.containsKey(test + "#" + attempt));
        return machineOf.get(test + "#" + attempt);
    }

    /** Waits until some test's output in the results directory contains the marker. */
    void awaitOutput(String marker) {
        await("output " + marker).atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                .until(() -> outputContains(marker));
    }

    private boolean outputContains(String marker) throws IOException {
        Path tests = resultsDir.resolve("tests");
        if (!Files.isDirectory(tests)) {
            return false;
        }
        try (Stream<Path> walk = Files.walk(tests)) {
            return walk.filter(p -> p.getFileName().toString().equals("output.txt")).anyMatch(p -> {
                try {
                    return Files.readString(p).contains(marker);
                } catch (IOException e) {
                    return false;
                }
            });
        }
    }

    /** Waits for the run to end within {@code within} and returns its report; fails on anything else. */
    RunReport report(Duration within) throws InterruptedException {
        Object o = end(within);
        if (o instanceof Throwable t) {
            throw new AssertionError("the run failed: " + t, t);
        }
        return (RunReport) o;
    }

    /** Waits for the run to end within {@code within}: its report or what it threw. */
    Object end(Duration within) throws InterruptedException {
        if (!thread.join(within)) {
            StringBuilder stack = new StringBuilder();
            for (StackTraceElement e : thread.getStackTrace()) {
                stack.append("\n  at ").append(e);
            }
            thread.interrupt();
            thread.join(Duration.ofSeconds(60));
            throw new AssertionError("the run did not end within " + within + ":" + stack);
        }
        return outcome.get();
    }

    /** How long the run took, once it ended. */
    Duration took() {
        assertThat(ended).isNotZero();
        return Duration.ofNanos(ended - started);
    }
}
