package dev.corral.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import dev.corral.RunId;
import dev.corral.machine.local.LocalProvisioner;
import dev.corral.results.ResultsDir;
import dev.corral.results.ResultsException;
import dev.corral.results.RunInfo;
import dev.corral.results.RunResults;
import dev.corral.results.TestResult;
import dev.corral.run.Run;
import dev.corral.run.TargetSpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A results directory on a tiny tmpfs that fills up while tests write their output. */
class DiskFullTest {
    @TempDir
    Path tmp;

    @Test
    void fullResultsDiskStopsTheRunWithOneLineAndKeepsTheJournalReadable() throws Exception {
        // each test prints ~300 KB: the 1 MiB file system is full after three of them, and the journal soon after
        FaultTree tree = FaultTree.write(tmp.resolve("tree"), 20,
                i -> "test: head -c 220000 /dev/zero | base64; echo done " + i);
        Path mount = Files.createDirectories(tmp.resolve("small"));
        RunChecks.lines(List.of("mount", "-t", "tmpfs", "-o", "size=1m", "corral-faults", mount.toString()));
        AtomicReference<RunId> runId = new AtomicReference<>();
        RunChecks checks = RunChecks.before();
        try {
            Path dir = mount.resolve("run");
            BackgroundRun bg = BackgroundRun.start(Run.builder().tree(tree.root()).target(TargetSpec.of("default", ctx -> {
                runId.set(ctx.runId());
                return new LocalProvisioner(ctx, 2);
            }, 2)), dir);
            Object end = bg.end(Duration.ofMinutes(3));
            System.out.printf("disk full: run stopped after %d ms: %s%n", bg.took().toMillis(), end);

            assertThat(end).isInstanceOf(ResultsException.class);
            String message = ((ResultsException) end).getMessage();
            assertThat(message).doesNotContain("\n")
                    .contains(dir.resolve("results.jsonl").toString())
                    .contains("No space left on device")
                    .containsPattern("the result of /t\\d\\d was not recorded");
            String unrecorded = message.replaceAll(".*the result of (/t\\d\\d) was not recorded.*", "$1");

            ResultsDir results = ResultsDir.open(dir);
            assertThat(results.readRunInfo().status()).as("run.json of the stopped run").isEqualTo(RunInfo.Status.INTERRUPTED);
            RunResults journal = RunResults.read(results);
            List<String> recorded = journal.finals().stream().map(TestResult::name).toList();
            assertThat(recorded).as("recorded tests").doesNotHaveDuplicates().isNotEmpty().doesNotContain(unrecorded);
            assertThat(tree.names()).containsAll(recorded);
            Map<String, List<TestResult>> attempts = RunChecks.accountedOnce(journal, recorded);
            System.out.printf("disk full: %d of %d tests recorded, %s unrecorded%n", attempts.size(), tree.names().size(),
                    unrecorded);
            assertThat(journal.attempts()).as("results that say why they are incomplete")
                    .anyMatch(r -> String.join(" ", r.notes()).contains("No space left on device"));
        } finally {
            RunChecks.lines(List.of("umount", mount.toString()));
        }
        checks.assertNoLeaks(runId.get());
    }
}
