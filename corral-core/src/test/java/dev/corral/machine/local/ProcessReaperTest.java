package dev.corral.machine.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/** Finding what a command left behind, by every process on the host or by the pids newer than the command. */
class ProcessReaperTest {

    @TempDir
    Path tmp;

    /**
     * The birth of a process just started (and ended): the host's counts as they are now. The process lives until
     * its start time was read: one that has ended, and been reaped, has none.
     */
    private static ProcessReaper.Birth now() throws Exception {
        ProcessReaper.Started started = ProcessReaper.start(new ProcessBuilder("sleep", "60"));
        started.process().destroyForcibly().waitFor();
        return started.birth();
    }

    @Test
    void theHostCountsAreRead() throws Exception {
        ProcessReaper.Birth birth = now();
        assertThat(birth.startTicks()).as("start time").isPositive();
        assertThat(birth.forksBefore()).as("tasks made since boot").isPositive();
        assertThat(birth.tasksBefore()).as("tasks alive").isPositive();
    }

    @Test
    void newerProcessesHaveGreaterPidsOnlyWhileThePidCounterCannotHaveComeRound() throws Exception {
        long pidMax;
        try (var in = new java.io.FileInputStream("/proc/sys/kernel/pid_max")) {
            pidMax = Long.parseLong(new String(in.readNBytes(32), java.nio.charset.StandardCharsets.US_ASCII).strip());
        }
        assertThat(pidMax).isGreaterThanOrEqualTo(32768);
        ProcessReaper.Birth birth = now();
        long[] now = {birth.forksBefore(), birth.tasksBefore()};
        long self = ProcessHandle.current().pid();
        assertThat(new ProcessReaper.Birth(0, now[0], now[1]).newerProcessesHaveGreaterPids(self))
                .as("pid_max %d, tasks alive %d", pidMax, now[1]).isEqualTo(now[1] + 1000 < pidMax - self);
        assertThat(new ProcessReaper.Birth(0, now[0] - pidMax, now[1]).newerProcessesHaveGreaterPids(self))
                .as("as many tasks made since as there are pids").isFalse();
        assertThat(new ProcessReaper.Birth(0, now[0], pidMax).newerProcessesHaveGreaterPids(self))
                .as("as many tasks alive before as there are pids").isFalse();
        assertThat(new ProcessReaper.Birth(0, now[0], now[1]).newerProcessesHaveGreaterPids(301))
                .as("a low pid, with %d tasks alive", now[1]).isEqualTo(now[1] + 1000 < pidMax - 301);
        assertThat(new ProcessReaper.Birth(0, now[0], now[1]).newerProcessesHaveGreaterPids(pidMax - 10))
                .as("a pid near the top").isFalse();
        assertThat(new ProcessReaper.Birth(0, -1, now[1]).newerProcessesHaveGreaterPids(self)).isFalse();
        assertThat(new ProcessReaper.Birth(0, now[0], -1).newerProcessesHaveGreaterPids(self)).isFalse();
        assertThat(new ProcessReaper.Birth(0, now[0] + 1_000_000, now[1]).newerProcessesHaveGreaterPids(self))
                .as("a count from the future (another boot)").isFalse();
    }

    /** A daemon that left the command's session and tree, found by its token: by the newer pids, and by all. */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aDaemonThatLeftTheSessionIsKilledWhicheverWayTheProcessesAreScanned(boolean countsKnown) throws Exception {
        String token = "test." + UUID.randomUUID();
        Path pidFile = tmp.resolve("daemon.pid");
        ProcessBuilder builder = new ProcessBuilder(List.of("setsid", "--wait", "bash", "-c",
                "setsid bash -c 'echo $$ > \"$1\"; exec sleep 300' daemon \"$1\" </dev/null >/dev/null 2>&1 &"
                        + " while [ ! -s \"$1\" ]; do sleep 0.01; done", "command", pidFile.toString()));
        builder.environment().put(ProcessReaper.TOKEN_VARIABLE, token);
        ProcessReaper.Started started = ProcessReaper.start(builder);
        Process root = started.process();
        ProcessReaper.Birth birth = countsKnown ? started.birth()
                : new ProcessReaper.Birth(started.birth().startTicks(), -1, -1);
        assertThat(root.waitFor()).isZero();
        long daemon = Long.parseLong(Files.readString(pidFile).strip());
        assertThat(ProcessHandle.of(daemon)).isPresent();
        if (!countsKnown) {
            assertThat(birth.newerProcessesHaveGreaterPids(root.pid())).isFalse();
        } // else which way depends on where the pid counter is (pid_max may be 32768)

        int signalled = ProcessReaper.kill(root, birth, token, LoggerFactory.getLogger(getClass()));

        assertThat(signalled).isGreaterThanOrEqualTo(1);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> ProcessHandle.of(daemon).map(h -> !h.isAlive()).orElse(true));
    }

    @Test
    void processesThatAreGoneAreForgotten() throws Exception {
        for (int i = 0; i < 30; i++) {
            String token = "test." + UUID.randomUUID();
            ProcessBuilder builder = new ProcessBuilder(List.of("setsid", "--wait", "bash", "-c", "true"));
            builder.environment().put(ProcessReaper.TOKEN_VARIABLE, token);
            ProcessReaper.Started started = ProcessReaper.start(builder);
            started.process().waitFor();
            ProcessReaper.kill(started.process(), started.birth(), token, LoggerFactory.getLogger(getClass()));
        }
        long live;
        try (var entries = Files.list(Path.of("/proc"))) {
            live = entries.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).count();
        }
        assertThat(ProcessReaper.remembered()).isLessThanOrEqualTo((int) live + 30);
    }
}
