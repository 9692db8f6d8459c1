package dev.corral.machine.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.corral.RunId;
import dev.corral.results.Outcome;
import dev.corral.results.TestResult;
import dev.corral.run.Run;
import dev.corral.run.RunReport;
import dev.corral.run.TargetSpec;
import dev.corral.schedule.RunListener;
import dev.corral.tmt.TestCase;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole run on two real VMs: passing, failing and rebooting tests, and a test whose QEMU is killed under it —
 * requeued on a fresh VM, and the run completes with every test accounted for and nothing left running.
 */
@ExtendWith(QemuTools.class)
class QemuRunTest {

    @TempDir
    Path tmp;

    @Test
    void runOnTwoVmsSurvivesAKilledVmAndReboots() throws Exception {
        Path tree = tmp.resolve("tree");
        Files.createDirectories(tree.resolve(".fmf"));
        Files.writeString(tree.resolve(".fmf/version"), "1\n");
        Files.writeString(tree.resolve("main.fmf"), """
                duration: 10m
                /pass:
                    test: test -s /etc/corral-image && uname -r
                /fail:
                    test: echo broken; exit 1
                /reboot:
                    test: |
                        echo "boot $TMT_REBOOT_COUNT"
                        if [ "$TMT_REBOOT_COUNT" = 0 ]; then tmt-reboot; fi
                /victim:
                    test: echo started; sleep 45; echo survived
                """);
        QemuSpec spec = SharedVm.spec().directKernelBoot(true).build();
        Path results = tmp.resolve("results");
        RunId[] runId = new RunId[1];
        RunListener killer = new RunListener() {
            @Override
            public void testStarted(String target, TestCase test, String machineId, int attempt, Duration expected) {
                if (test.name().equals("/victim") && attempt == 1) {
                    Thread.ofVirtual().start(() -> killLater(runId[0], machineId));
                }
            }
        };
        RunReport report = Run.builder()
                .tree(tree)
                .target(TargetSpec.of("default", ctx -> {
                    runId[0] = ctx.runId();
                    return new QemuProvisioner(ctx, spec);
                }, 2))
                .resultsDir(results)
                .listener(killer)
                .build()
                .execute();

        assertThat(report.results().finals()).extracting(TestResult::name, TestResult::outcome).containsExactlyInAnyOrder(
                tuple("/pass", Outcome.PASS),
                tuple("/fail", Outcome.FAIL),
                tuple("/reboot", Outcome.PASS),
                tuple("/victim", Outcome.PASS));
        TestResult rebooted = report.results().last("default", "/reboot").orElseThrow();
        assertThat(rebooted.extra()).containsEntry("reboot-count", 1);
        List<TestResult> victim = report.results().history("default", "/victim");
        assertThat(victim).hasSize(2);
        assertThat(victim.getFirst().outcome()).isEqualTo(Outcome.ERROR);
        assertThat(victim.getFirst().notes()).anyMatch(n -> n.contains(" was lost: "));
        assertThat(victim.getLast().machine()).isNotEqualTo(victim.getFirst().machine());
        assertThat(new QemuCleanup().list(runId[0])).as("VMs or files left behind").isEmpty();
    }

    /** Kills the QEMU process of a machine once its test had time to start. */
    private static void killLater(RunId run, String machineId) {
        try {
            Thread.sleep(Duration.ofSeconds(10));
            for (QemuLeftover vm : new QemuCleanup().list(run)) {
                if (vm.machine().equals(machineId) && vm.pid() > 0) {
                    ProcessHandle.of(vm.pid()).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
