package dev.corral.report.timeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.corral.results.Outcome;
import dev.corral.results.TestResult;

import org.junit.jupiter.api.Test;

class TimelineTest {
    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    private static Instant at(int seconds) {
        return T0.plusSeconds(seconds);
    }

    private static TestResult attempt(String name, String machine, int from, int to) {
        return new TestResult(name, "default", 1, 1, Outcome.PASS, null, List.of(), at(from), at(to), machine, null,
                List.of(), List.of(), Map.of(), Map.of(), Map.of());
    }

    private static MachineEvent event(MachineEvent.Kind kind, int at, String machine, String detail, Duration took) {
        return new MachineEvent(kind, at(at), "default", machine, detail, took);
    }

    @Test
    void oneLanePerMachineAndOverlappingAttemptsGetRows() {
        List<TestResult> attempts = List.of(
                attempt("/a", "m1", 0, 10),
                attempt("/b", "m1", 2, 6),     // overlaps /a: second row
                attempt("/c", "m1", 7, 12),    // row 1 is free again at 7
                attempt("/d", "m2", 1, 4),
                attempt("/e", null, 0, 0));    // never ran: no bar
        Timeline t = Timeline.of(attempts, List.of(), null, null);

        assertThat(t.lanes()).extracting(Timeline.Lane::machine).containsExactly("m1", "m2");
        Timeline.Lane m1 = t.lanes().getFirst();
        assertThat(m1.rows()).isEqualTo(2);
        assertThat(m1.bars()).containsExactly(new Timeline.Bar(0, 0), new Timeline.Bar(1, 1), new Timeline.Bar(2, 1));
        assertThat(m1.busy()).isEqualTo(Duration.ofSeconds(12));
        assertThat(m1.from()).isEqualTo(at(0));
        assertThat(m1.until()).isEqualTo(at(12));
        assertThat(m1.utilisation()).isEqualTo(1.0);
        assertThat(t.start()).isEqualTo(at(0));
        assertThat(t.end()).isEqualTo(at(12));
    }

    @Test
    void withoutEventsAMachineIsAvailableFromItsFirstToItsLastAttempt() {
        Timeline t = Timeline.of(List.of(attempt("/a", "m1", 0, 10), attempt("/b", "m1", 20, 30)), List.of(),
                at(-5), at(60));
        Timeline.Lane lane = t.lanes().getFirst();
        assertThat(lane.available()).isEqualTo(Duration.ofSeconds(30));
        assertThat(lane.busy()).isEqualTo(Duration.ofSeconds(20));
        assertThat(lane.utilisation()).isCloseTo(2 / 3.0, within(1e-9));
        assertThat(t.start()).isEqualTo(at(-5));
        assertThat(t.end()).isEqualTo(at(60));
    }

    @Test
    void eventsGiveProvisioningAndRebootSpansAndAvailabilityFromReadyToRelease() {
        List<MachineEvent> events = List.of(
                event(MachineEvent.Kind.PROVISIONING_STARTED, 0, "m1", null, null),
                event(MachineEvent.Kind.MACHINE_READY, 20, "m1", null, Duration.ofSeconds(20)),
                event(MachineEvent.Kind.PROVISIONING_STARTED, 0, "m2", null, null),
                event(MachineEvent.Kind.MACHINE_READY, 30, "m2", null, null),       // span from its start event
                event(MachineEvent.Kind.PROVISIONING_STARTED, 1, "m3", null, null),
                event(MachineEvent.Kind.PROVISIONING_FAILED, 5, "m3", "attempt 1: no image", null),
                event(MachineEvent.Kind.MACHINE_REBOOTING, 40, "m1", "/a", null),
                event(MachineEvent.Kind.MACHINE_REBOOTED, 55, "m1", "/a", Duration.ofSeconds(15)),
                event(MachineEvent.Kind.MACHINE_REBOOTING, 70, "m2", "/b", null),   // no end recorded
                event(MachineEvent.Kind.MACHINE_RELEASED, 100, "m1", "done", null));
        List<TestResult> attempts = List.of(attempt("/a", "m1", 30, 80), attempt("/b", "m2", 40, 90));
        Timeline t = Timeline.of(attempts, events, at(0), at(120));

        assertThat(t.lanes()).extracting(Timeline.Lane::machine).containsExactly("m1", "m2");
        Timeline.Lane m1 = t.lanes().get(0);
        assertThat(m1.spans()).containsExactly(
                new Timeline.Span(Timeline.SpanKind.PROVISIONING, at(0), at(20), null),
                new Timeline.Span(Timeline.SpanKind.REBOOT, at(40), at(55), "/a"));
        assertThat(m1.from()).isEqualTo(at(20));
        assertThat(m1.until()).isEqualTo(at(100));
        assertThat(m1.released()).isEqualTo("done");
        assertThat(m1.utilisation()).isCloseTo(50 / 80.0, within(1e-9));
        Timeline.Lane m2 = t.lanes().get(1);
        assertThat(m2.spans()).containsExactly(
                new Timeline.Span(Timeline.SpanKind.PROVISIONING, at(0), at(30), null),
                new Timeline.Span(Timeline.SpanKind.REBOOT, at(70), null, "/b"));
        assertThat(m2.until()).as("no release recorded: available until the run ended").isEqualTo(at(120));
        assertThat(m2.utilisation()).isCloseTo(50 / 90.0, within(1e-9));
        assertThat(t.failures()).singleElement().extracting(MachineEvent::machine).isEqualTo("m3");
        assertThat(t.busy()).isEqualTo(Duration.ofSeconds(100));
        assertThat(t.available()).isEqualTo(Duration.ofSeconds(170));
        assertThat(t.utilisation()).isCloseTo(100 / 170.0, within(1e-9));
    }

    @Test
    void anIdleMachineStillHasALaneAndLowersThePoolUtilisation() {
        List<MachineEvent> events = List.of(
                event(MachineEvent.Kind.MACHINE_READY, 0, "busy", null, Duration.ZERO),
                event(MachineEvent.Kind.MACHINE_READY, 0, "idle", null, Duration.ZERO),
                event(MachineEvent.Kind.MACHINE_RELEASED, 100, "busy", "done", null),
                event(MachineEvent.Kind.MACHINE_RELEASED, 100, "idle", "idle", null));
        Timeline t = Timeline.of(List.of(attempt("/a", "busy", 0, 100)), events, at(0), at(100));
        assertThat(t.lanes()).hasSize(2);
        assertThat(t.lanes()).filteredOn(l -> l.machine().equals("idle")).singleElement()
                .satisfies(l -> assertThat(l.utilisation()).isZero());
        assertThat(t.utilisation()).isCloseTo(0.5, within(1e-9));
    }

    @Test
    void anEmptyRunHasAnEmptyTimeline() {
        Timeline t = Timeline.of(List.of(), List.of(), null, null);
        assertThat(t.lanes()).isEmpty();
        assertThat(t.utilisation()).isZero();
        assertThat(t.start()).isEqualTo(t.end());
    }
}
