package dev.corral.report.timeline;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.corral.results.TestResult;

import org.apiguardian.api.API;

/**
 * The run on a time axis: one lane per machine, a bar per test attempt that ran on it (attempts overlapping on one
 * machine, with {@code --per-machine K > 1}, get separate rows of the lane), provisioning and reboot spans from
 * the {@link MachineEventLog machine event log}, and how busy the pool was.
 *
 * <p><b>Utilisation.</b> A machine is <em>available</em> from when it was ready (its {@code machine-ready} event,
 * else the start of its first attempt) until it was released (its {@code machine-released} event, else the end
 * of the run when the machine has events, else the end of its last attempt). It is <em>busy</em> while at least
 * one attempt runs on it. A lane's utilisation is busy time over available time; the pool's is the sum of busy
 * time over the sum of available time. Provisioning time counts as neither.
 *
 * <p>Immutable and thread-safe; {@link #of} is pure computation, O(n log n) in the number of attempts.
 *
 * @param start    the left edge: the earliest of the run's start, the first event and the first attempt
 * @param end      the right edge: the latest of the run's end, the last event and the last attempt's end
 * @param lanes    one per machine, ordered by when the machine became available, then by id
 * @param failures the {@code provisioning-failed} events, in order
 */
@API(status = API.Status.EXPERIMENTAL)
public record Timeline(Instant start, Instant end, List<Lane> lanes, List<MachineEvent> failures) {

    public Timeline {
        Objects.requireNonNull(start, "start must not be null");
        Objects.requireNonNull(end, "end must not be null");
        lanes = List.copyOf(lanes);
        failures = List.copyOf(failures);
    }

    /**
     * One machine's lane.
     *
     * @param machine  the machine id
     * @param target   the target it served
     * @param from     when it became available
     * @param until    when it stopped being available
     * @param rows     rows needed so that no two bars overlap (at least 1)
     * @param bars     the attempts that ran on it, by start time
     * @param spans    provisioning and reboot spans, by start time
     * @param busy     time during which at least one attempt ran on it
     * @param released the release reason, or {@code null} when no release was recorded
     */
    @API(status = API.Status.EXPERIMENTAL)
    public record Lane(String machine, String target, Instant from, Instant until, int rows, List<Bar> bars,
                       List<Span> spans, Duration busy, String released) {
        public Lane {
            bars = List.copyOf(bars);
            spans = List.copyOf(spans);
        }

        /** Time the machine was available. */
        public Duration available() {
            Duration d = Duration.between(from, until);
            return d.isNegative() ? Duration.ZERO : d;
        }

        /** Busy time over available time, 0 to 1; 0 when it was never available. */
        public double utilisation() {
            long available = available().toMillis();
            return available <= 0 ? 0 : Math.min(1.0, busy.toMillis() / (double) available);
        }
    }

    /**
     * A test attempt on a lane.
     *
     * @param attempt index of the attempt in the list given to {@link #of}
     * @param row     row of the lane, from 0
     */
    @API(status = API.Status.EXPERIMENTAL)
    public record Bar(int attempt, int row) {
    }

    /** Kinds of {@link Span}. */
    @API(status = API.Status.EXPERIMENTAL)
    public enum SpanKind {
        PROVISIONING, REBOOT
    }

    /**
     * Something that kept a machine from running tests.
     *
     * @param kind  provisioning or reboot
     * @param start when it started
     * @param end   when it ended, or {@code null} when no end was recorded (a reboot without
     *              {@code machine-rebooted} event)
     * @param label the rebooting test, or {@code null}
     */
    @API(status = API.Status.EXPERIMENTAL)
    public record Span(SpanKind kind, Instant start, Instant end, String label) {
        public Span {
            Objects.requireNonNull(kind, "kind must not be null");
            Objects.requireNonNull(start, "start must not be null");
        }
    }

    /** Sum of the lanes' busy time. */
    public Duration busy() {
        return lanes.stream().map(Lane::busy).reduce(Duration.ZERO, Duration::plus);
    }

    /** Sum of the lanes' available time. */
    public Duration available() {
        return lanes.stream().map(Lane::available).reduce(Duration.ZERO, Duration::plus);
    }

    /** The pool's utilisation: {@link #busy()} over {@link #available()}, 0 to 1; 0 without machines. */
    public double utilisation() {
        long available = available().toMillis();
        return available <= 0 ? 0 : Math.min(1.0, busy().toMillis() / (double) available);
    }

    /**
     * Lays out a run.
     *
     * @param attempts every attempt (e.g. {@code RunResults.attempts()}); those without machine get no bar
     * @param events   the machine event log, possibly empty
     * @param runStart the run's start from {@code run.json}, or {@code null}
     * @param runEnd   the run's end, or {@code null} (still running, or unknown)
     */
    public static Timeline of(List<TestResult> attempts, List<MachineEvent> events, Instant runStart, Instant runEnd) {
        Objects.requireNonNull(attempts, "attempts must not be null");
        Objects.requireNonNull(events, "events must not be null");
        Instant start = runStart;
        Instant end = runEnd;
        Map<String, LaneBuilder> lanes = new LinkedHashMap<>();
        for (int i = 0; i < attempts.size(); i++) {
            TestResult r = attempts.get(i);
            start = min(start, r.start());
            end = max(end, r.end());
            if (r.machine() != null) {
                lanes.computeIfAbsent(r.machine(), m -> new LaneBuilder(m, r.target())).attempts.add(i);
            }
        }
        List<MachineEvent> failures = new ArrayList<>();
        Map<String, Instant> provisioningStarts = new HashMap<>();
        for (MachineEvent e : events) {
            start = min(start, e.time());
            end = max(end, e.time());
            switch (e.kind()) {
                case PROVISIONING_STARTED -> provisioningStarts.putIfAbsent(e.machine(), e.time());
                case PROVISIONING_FAILED -> {
                    failures.add(e);
                    provisioningStarts.remove(e.machine());
                }
                case MACHINE_READY -> {
                    LaneBuilder lane = lanes.computeIfAbsent(e.machine(), m -> new LaneBuilder(m, e.target()));
                    Instant began = e.took() != null ? e.time().minus(e.took()) : provisioningStarts.get(e.machine());
                    provisioningStarts.remove(e.machine());
                    if (began != null) {
                        start = min(start, began);
                        lane.spans.add(new Span(SpanKind.PROVISIONING, began, e.time(), null));
                    }
                    lane.ready = min(lane.ready, e.time());
                    lane.hasEvents = true;
                }
                case MACHINE_RELEASED -> {
                    LaneBuilder lane = lanes.computeIfAbsent(e.machine(), m -> new LaneBuilder(m, e.target()));
                    lane.released = max(lane.released, e.time());
                    lane.reason = e.detail();
                    lane.hasEvents = true;
                }
                case MACHINE_REBOOTING -> {
                    LaneBuilder lane = lanes.computeIfAbsent(e.machine(), m -> new LaneBuilder(m, e.target()));
                    lane.rebooting.addLast(e);
                    lane.hasEvents = true;
                }
                case MACHINE_REBOOTED -> {
                    LaneBuilder lane = lanes.computeIfAbsent(e.machine(), m -> new LaneBuilder(m, e.target()));
                    MachineEvent began = lane.rebooting.pollFirst();
                    Instant from = began != null ? began.time()
                            : e.took() != null ? e.time().minus(e.took()) : e.time();
                    lane.spans.add(new Span(SpanKind.REBOOT, from, e.time(), e.detail()));
                    lane.hasEvents = true;
                }
            }
        }
        if (start == null) {
            start = Instant.EPOCH;
        }
        if (end == null || end.isBefore(start)) {
            end = start;
        }
        List<Lane> built = new ArrayList<>(lanes.size());
        for (LaneBuilder b : lanes.values()) {
            built.add(b.build(attempts, runEnd, start));
        }
        built.sort(Comparator.comparing(Lane::from).thenComparing(Lane::machine));
        return new Timeline(start, end, built, failures);
    }

    private static Instant min(Instant a, Instant b) {
        return a == null || b.isBefore(a) ? b : a;
    }

    private static Instant max(Instant a, Instant b) {
        return a == null || b.isAfter(a) ? b : a;
    }

    private static final class LaneBuilder {
        final String machine;
        final String target;
        final List<Integer> attempts = new ArrayList<>();
        final List<Span> spans = new ArrayList<>();
        final Deque<MachineEvent> rebooting = new ArrayDeque<>();
        Instant ready;
        Instant released;
        String reason;
        boolean hasEvents;

        LaneBuilder(String machine, String target) {
            this.machine = machine;
            this.target = target;
        }

        Lane build(List<TestResult> all, Instant runEnd, Instant timelineStart) {
            attempts.sort(Comparator.comparing((Integer i) -> all.get(i).start()).thenComparing(i -> all.get(i).end()));
            for (MachineEvent e : rebooting) {
                spans.add(new Span(SpanKind.REBOOT, e.time(), null, e.detail()));
            }
            spans.sort(Comparator.comparing(Span::start));
            // greedy interval partitioning: each bar goes to the first row that is free at its start
            List<Instant> rowEnds = new ArrayList<>();
            List<Bar> bars = new ArrayList<>(attempts.size());
            Duration busy = Duration.ZERO;
            Instant firstStart = null;
            Instant lastEnd = null;
            Instant unionStart = null;
            Instant unionEnd = null;
            for (int i : attempts) {
                TestResult r = all.get(i);
                int row = 0;
                while (row < rowEnds.size() && rowEnds.get(row).isAfter(r.start())) {
                    row++;
                }
                if (row == rowEnds.size()) {
                    rowEnds.add(r.end());
                } else {
                    rowEnds.set(row, r.end());
                }
                bars.add(new Bar(i, row));
                firstStart = min(firstStart, r.start());
                lastEnd = max(lastEnd, r.end());
                if (unionEnd == null || r.start().isAfter(unionEnd)) {
                    if (unionEnd != null) {
                        busy = busy.plus(Duration.between(unionStart, unionEnd));
                    }
                    unionStart = r.start();
                    unionEnd = r.end();
                } else {
                    unionEnd = max(unionEnd, r.end());
                }
            }
            if (unionEnd != null) {
                busy = busy.plus(Duration.between(unionStart, unionEnd));
            }
            Instant from = ready != null ? ready : firstStart != null ? firstStart : timelineStart;
            if (firstStart != null && firstStart.isBefore(from)) {
                from = firstStart;
            }
            Instant until = released != null ? released
                    : hasEvents && runEnd != null ? runEnd
                    : lastEnd != null ? lastEnd : from;
            if (lastEnd != null && lastEnd.isAfter(until)) {
                until = lastEnd;
            }
            if (until.isBefore(from)) {
                until = from;
            }
            return new Lane(machine, target, from, until, Math.max(1, rowEnds.size()), bars, spans, busy, reason);
        }
    }
}
