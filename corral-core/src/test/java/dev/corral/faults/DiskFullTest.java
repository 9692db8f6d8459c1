package dev.corral.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import dev.corral.RunId;
import dev.corral.machine.local.LocalProvisioner;
import dev.corral.run.Run;
import dev.corral.run.TargetSpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A results directory on a tiny tmpfs that fills up while tests write their output. */
class DiskFullTest {
    @TempDir
    Path tmp;

    @Test
    void fullResultsDiskStopsTheRunWithOneLineNamingTheDirectory() throws Exception {
        // each test prints ~300 KB: the 1 MiB file system is full after a few of them
        FaultTree tree = FaultTree.write(tmp.resolve("tree"), 8, i -> "test: head -c 220000 /dev/zero | base64; echo done " + i);
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
            System.out.println("disk full: " + end + " after " + bg.took().toMillis() + " ms");
            if (end instanceof Throwable t) {
                t.printStackTrace(System.out);
            }
            System.out.println(RunChecks.lines(List.of("ls", "-lR", mount.toString())));
            System.out.println(RunChecks.lines(List.of("df", mount.toString())));
        } finally {
            RunChecks.lines(List.of("umount", mount.toString()));
        }
        checks.assertNoLeaks(runId.get());
        assertThat(runId.get()).isNotNull();
    }
}
