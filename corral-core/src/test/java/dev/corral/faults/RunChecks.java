package dev.corral.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.corral.RunId;
import dev.corral.machine.RunRegistry;
import dev.corral.results.RunResults;
import dev.corral.results.TestResult;

/**
 * What every fault scenario asserts after the run: each test accounted for exactly once, attempts consistent,
 * and nothing of the run left on the host (containers, processes, registry lock, temp directories). Public for
 * the command-line fault tests of {@code corral-cli}.
 */
public final class RunChecks {
    private static final Path TMP = Path.of(System.getProperty("java.io.tmpdir"));
    private static final List<String> RUN_TEMP_PREFIXES = List.of("corral-scripts-", "corral-test-");

    private final Set<Path> tempBefore;

    private RunChecks(Set<Path> tempBefore) {
        this.tempBefore = tempBefore;
    }

    /** Takes note of the temp directories that exist before the run. */
    public static RunChecks before() {
        return new RunChecks(runTempDirs());
    }

    /**
     * Every name has exactly one final result; its attempts in the journal are numbered 1..n without gaps or
     * duplicates, and the final result is the last of them.
     *
     * @return the attempts per test name
     */
    public static Map<String, List<TestResult>> accountedOnce(RunResults results, List<String> names) {
        assertThat(results.finals()).extracting(TestResult::name).as("final results")
                .containsExactlyInAnyOrderElementsOf(names);
        Map<String, List<TestResult>> attempts = new TreeMap<>();
        for (TestResult r : results.attempts()) {
            attempts.computeIfAbsent(r.name(), n -> new ArrayList<>()).add(r);
        }
        assertThat(attempts.keySet()).as("tests with attempts in the journal").containsExactlyInAnyOrderElementsOf(names);
        for (TestResult fin : results.finals()) {
            List<TestResult> mine = attempts.get(fin.name());
            assertThat(mine).extracting(TestResult::attempt).as("attempt numbers of %s", fin.name())
                    .containsExactlyElementsOf(Stream.iterate(1, i -> i + 1).limit(mine.size()).toList());
            assertThat(fin.attempt()).as("final attempt of %s", fin.name()).isEqualTo(mine.size());
        }
        return attempts;
    }

    /** Waits (generously) until nothing of the run is left on this host, then asserts it. */
    public void assertNoLeaks(RunId run) {
        await("leftovers of run " + run.value()).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    assertThat(containers(run)).as("containers labelled with the run").isEmpty();
                    assertThat(processes(run)).as("processes naming the run id").isEmpty();
                    assertThat(RunRegistry.standard().isLive(run)).as("run still registered as live").isFalse();
                    Set<Path> left = runTempDirs();
                    left.removeAll(tempBefore);
                    assertThat(left).as("temp directories created during the run").isEmpty();
                });
    }

    /** Names of podman containers labelled with the run (none when podman is not installed). */
    public static List<String> containers(RunId run) throws InterruptedException {
        if (!Files.isExecutable(Path.of("/usr/bin/podman"))) {
            return List.of();
        }
        return lines(List.of("podman", "ps", "-a", "--filter", "label=" + RunId.labelKey() + "=" + run.value(),
                "--format", "{{.Names}}"));
    }

    /** Processes whose command line or environment contains the run id (its token), as "pid: command line". */
    public static List<String> processes(RunId run) {
        List<String> found = new ArrayList<>();
        byte[] id = run.value().getBytes(StandardCharsets.UTF_8);
        long self = ProcessHandle.current().pid();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                if (Long.parseLong(p.getFileName().toString()) == self) {
                    continue;
                }
                try {
                    byte[] cmd = Files.readAllBytes(p.resolve("cmdline"));
                    byte[] env = Files.readAllBytes(p.resolve("environ"));
                    if (contains(cmd, id) || contains(env, id)) {
                        found.add(p.getFileName() + ": " + new String(cmd, StandardCharsets.UTF_8).replace('\0', ' '));
                    }
                } catch (IOException gone) {
                    // exited meanwhile, or a zombie
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return found;
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static Set<Path> runTempDirs() {
        try (Stream<Path> entries = Files.list(TMP)) {
            Set<Path> dirs = new HashSet<>();
            entries.filter(p -> RUN_TEMP_PREFIXES.stream().anyMatch(x -> p.getFileName().toString().startsWith(x)))
                    .forEach(dirs::add);
            return dirs;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs a host command, fails on a non-zero exit, returns its non-blank output lines. */
    public static List<String> lines(List<String> argv) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", argv) + " did not finish in 120 s");
            }
            assertThat(p.exitValue()).as(String.join(" ", argv) + ": " + out).isZero();
            return out.lines().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            throw new AssertionError("cannot run " + argv.get(0) + ": " + e.getMessage(), e);
        }
    }
}
