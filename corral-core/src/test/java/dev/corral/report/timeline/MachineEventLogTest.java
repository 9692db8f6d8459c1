package dev.corral.report.timeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import dev.corral.RunId;
import dev.corral.results.ResultsDir;
import dev.corral.results.ResultsException;
import dev.corral.schedule.RunListener;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MachineEventLogTest {
    private static final Instant T0 = Instant.parse("2026-11-23T18:35:33.123456789Z");

    @TempDir
    Path tmp;

    /** A clock that advances one second per reading. */
    private static InstantSource ticking() {
        AtomicLong n = new AtomicLong();
        return () -> T0.plusSeconds(n.getAndIncrement());
    }

    @Test
    void recordsEveryListenerEventDurablyWithTimestamps() {
        ResultsDir dir = ResultsDir.create(tmp, RunId.generate());
        Path file = MachineEventLog.file(dir);
        try (MachineEventLog log = MachineEventLog.open(file, ticking())) {
            RunListener l = log;
            l.provisioningStarted("fedora", "podman-1");
            l.machineReady("fedora", "podman-1", Duration.ofMillis(12_345));
            l.provisioningFailed("fedora", "podman-2", "image not found", 2);
            l.machineRebooting("fedora", "podman-1", "/tests/kernel");
            l.machineRebooted("fedora", "podman-1", "/tests/kernel", Duration.ofSeconds(41, 200_000_000));
            l.machineReleased("fedora", "podman-1", "done");
            l.runFinished(false); // not a machine event: nothing recorded
        }
        assertThat(file.getFileName().toString()).isEqualTo("machines.jsonl");
        List<MachineEvent> events = MachineEventLog.read(dir);
        assertThat(events).extracting(MachineEvent::kind).containsExactly(MachineEvent.Kind.PROVISIONING_STARTED,
                MachineEvent.Kind.MACHINE_READY, MachineEvent.Kind.PROVISIONING_FAILED,
                MachineEvent.Kind.MACHINE_REBOOTING, MachineEvent.Kind.MACHINE_REBOOTED,
                MachineEvent.Kind.MACHINE_RELEASED);
        assertThat(events).extracting(MachineEvent::time).containsExactly(T0, T0.plusSeconds(1), T0.plusSeconds(2),
                T0.plusSeconds(3), T0.plusSeconds(4), T0.plusSeconds(5));
        assertThat(events.get(1).took()).isEqualTo(Duration.ofMillis(12_345));
        assertThat(events.get(2).detail()).isEqualTo("attempt 2: image not found");
        assertThat(events.get(2).machine()).isEqualTo("podman-2");
        assertThat(events.get(3).detail()).isEqualTo("/tests/kernel");
        assertThat(events.get(4).took()).isEqualTo(Duration.ofSeconds(41, 200_000_000));
        assertThat(events.get(5).detail()).isEqualTo("done");
        assertThat(events.get(0).took()).isNull();
    }

    @Test
    void theLineFormatIsTheDocumentedOne() throws Exception {
        Path file = tmp.resolve("machines.jsonl");
        try (MachineEventLog log = MachineEventLog.open(file, () -> T0)) {
            log.machineReady("default", "local-1", Duration.ofMillis(2500));
            log.machineReleased("default", "local-1", "lost: connection refused");
        }
        assertThat(Files.readAllLines(file)).containsExactly(
                "{\"v\":1,\"event\":\"machine-ready\",\"time\":\"" + T0 + "\",\"target\":\"default\","
                        + "\"machine\":\"local-1\",\"took\":2.5}",
                "{\"v\":1,\"event\":\"machine-released\",\"time\":\"" + T0 + "\",\"target\":\"default\","
                        + "\"machine\":\"local-1\",\"detail\":\"lost: connection refused\"}");
    }

    @Test
    void durationsAreSecondsAsBigDecimalWritesThemAndReadBackExactly() {
        java.util.Random random = new java.util.Random(20261124);
        List<Duration> durations = new java.util.ArrayList<>(List.of(Duration.ZERO, Duration.ofNanos(1),
                Duration.ofMillis(1500), Duration.ofSeconds(5), Duration.ofNanos(30_095_532),
                Duration.ofSeconds(86_400 * 400L, 999_999_999), Duration.ofSeconds(-1, 500_000_000)));
        for (int i = 0; i < 5_000; i++) {
            durations.add(Duration.ofSeconds(random.nextInt(100_000), random.nextInt(1_000_000_000)));
        }
        for (Duration d : durations) {
            String expected = java.math.BigDecimal.valueOf(d.getSeconds())
                    .add(java.math.BigDecimal.valueOf(d.getNano(), 9)).stripTrailingZeros().toPlainString();
            assertThat(MachineEventLog.seconds(d)).as(d.toString()).isEqualTo(expected);
            assertThat(MachineEventLog.duration(expected)).as(expected).isEqualTo(d);
        }
        assertThat(MachineEventLog.duration("1e3")).isEqualTo(Duration.ofSeconds(1000));
        assertThat(MachineEventLog.duration("2.50")).isEqualTo(Duration.ofMillis(2500));
        assertThatThrownBy(() -> MachineEventLog.duration("1.0000000001")).isInstanceOf(ArithmeticException.class);
    }

    @Test
    void concurrentEventsFromManyThreadsAreWholeLines() throws Exception {
        Path file = tmp.resolve("machines.jsonl");
        int threads = 16;
        int each = 40;
        try (MachineEventLog log = MachineEventLog.open(file, InstantSource.system());
             var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int t = 0; t < threads; t++) {
                int id = t;
                pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        log.machineRebooting("default", "m-" + id, "/test-" + i + "-" + "x".repeat(i * 50));
                    }
                });
            }
        }
        List<MachineEvent> events = MachineEventLog.read(file);
        assertThat(events).hasSize(threads * each);
        Set<String> seen = new HashSet<>();
        events.forEach(e -> seen.add(e.machine() + " " + e.detail()));
        assertThat(seen).hasSize(threads * each);
    }

    @Test
    void aTornLastLineIsDroppedOnOpenAndIgnoredOnRead() throws Exception {
        Path file = tmp.resolve("machines.jsonl");
        try (MachineEventLog log = MachineEventLog.open(file, () -> T0)) {
            log.provisioningStarted("default", "a");
        }
        Files.writeString(file, "{\"v\":1,\"event\":\"machine-re", StandardOpenOption.APPEND);
        assertThat(MachineEventLog.read(file)).hasSize(1);
        try (MachineEventLog log = MachineEventLog.open(file, () -> T0)) {
            log.machineReady("default", "a", null);
        }
        assertThat(MachineEventLog.read(file)).extracting(MachineEvent::kind)
                .containsExactly(MachineEvent.Kind.PROVISIONING_STARTED, MachineEvent.Kind.MACHINE_READY);
        assertThat(Files.readString(file)).endsWith("}\n").doesNotContain("machine-re\"");
    }

    @Test
    void aWholeLastLineWithoutNewlineIsKept() throws Exception {
        Path file = tmp.resolve("machines.jsonl");
        Files.writeString(file, "{\"v\":1,\"event\":\"machine-released\",\"time\":\"" + T0
                + "\",\"target\":\"default\",\"machine\":\"a\"}");
        try (MachineEventLog log = MachineEventLog.open(file, () -> T0)) {
            log.provisioningStarted("default", "b");
        }
        assertThat(MachineEventLog.read(file)).extracting(MachineEvent::machine).containsExactly("a", "b");
    }

    @Test
    void aCorruptLineInTheMiddleNamesFileAndLineAndUnknownEventsAreSkipped() throws Exception {
        Path file = tmp.resolve("machines.jsonl");
        Files.writeString(file, String.join("\n",
                "{\"v\":1,\"event\":\"machine-ready\",\"time\":\"" + T0 + "\",\"target\":\"t\",\"machine\":\"a\"}",
                "{\"v\":1,\"event\":\"future-event\",\"time\":\"" + T0 + "\",\"target\":\"t\",\"machine\":\"a\"}",
                "",
                "{\"v\":1,\"event\":\"machine-ready\",\"time\":\"yesterday\",\"target\":\"t\",\"machine\":\"a\"}",
                ""), StandardCharsets.UTF_8);
        assertThatThrownBy(() -> MachineEventLog.read(file)).isInstanceOf(ResultsException.class)
                .hasMessageStartingWith(file + ":4: invalid machine event");
        Files.writeString(file, String.join("\n",
                "{\"v\":1,\"event\":\"machine-ready\",\"time\":\"" + T0 + "\",\"target\":\"t\",\"machine\":\"a\"}",
                "{\"v\":1,\"event\":\"future-event\",\"time\":\"" + T0 + "\",\"target\":\"t\",\"machine\":\"a\"}",
                ""), StandardCharsets.UTF_8);
        assertThat(MachineEventLog.read(file)).hasSize(1);
    }

    @Test
    void appendingAfterCloseFailsAndCloseIsIdempotent() {
        Path file = tmp.resolve("machines.jsonl");
        MachineEventLog log = MachineEventLog.open(file, () -> T0);
        log.close();
        log.close();
        assertThatThrownBy(() -> log.machineReady("default", "a", Duration.ZERO))
                .isInstanceOf(ResultsException.class).hasMessageContaining("is closed");
    }

    @Test
    void aResultsDirWithoutLogHasNoEvents() {
        ResultsDir dir = ResultsDir.create(tmp, RunId.generate());
        assertThat(MachineEventLog.read(dir)).isEmpty();
        assertThat(MachineEventLog.file(dir)).doesNotExist();
    }
}
