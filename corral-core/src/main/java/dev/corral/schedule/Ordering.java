package dev.corral.schedule;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.apiguardian.api.API;

/**
 * Decides the order in which tests are dispatched and, for static schedules, which machine lane each test is
 * bound to. Implementations are pure functions of their input and thread-safe.
 *
 * <p>Every ordering keeps tmt's {@code order} classes: lower {@code order} first.
 */
@API(status = API.Status.EXPERIMENTAL)
@FunctionalInterface
public interface Ordering {

    /**
     * Places the tests of one target.
     *
     * @param tests    the tests to run, in discovery order, each with its {@link ScheduledTest#expected()}
     * @param machines the most machines the target holds at once
     * @return one placement per test, in the order of {@code tests}
     */
    List<Placement> place(List<ScheduledTest> tests, int machines);

    /**
     * The default dynamic order: tmt {@code order} classes first (lower first); inside a class the longest
     * expected duration first, tests with an unknown duration last; ties keep discovery order. Every test may
     * run on any machine, so the next test goes to the first free slot.
     */
    static Ordering longestFirst() {
        return (tests, machines) -> rank(tests, Comparator
                .comparingInt((ScheduledTest t) -> t.test().order())
                .thenComparing(ScheduledTest::expected, Comparator.nullsLast(Comparator.<Duration>reverseOrder())));
    }

    /** Dynamic dispatch in tmt order: {@code order} classes, then discovery order. */
    static Ordering discovery() {
        return (tests, machines) -> rank(tests, Comparator.comparingInt((ScheduledTest t) -> t.test().order()));
    }

    /**
     * A static split for comparison: tests in tmt order dealt round-robin to {@code machines} lanes up front;
     * each machine runs only its lane, whatever the others do.
     */
    static Ordering staticRoundRobin() {
        return (tests, machines) -> lanes(tests, machines, false);
    }

    /** A static split for comparison: tests in tmt order cut into {@code machines} contiguous chunks. */
    static Ordering staticContiguous() {
        return (tests, machines) -> lanes(tests, machines, true);
    }

    private static List<Placement> rank(List<ScheduledTest> tests, Comparator<ScheduledTest> order) {
        List<Integer> indexes = sorted(tests, order);
        Placement[] out = new Placement[tests.size()];
        for (int r = 0; r < indexes.size(); r++) {
            out[indexes.get(r)] = Placement.anyMachine(r);
        }
        return List.of(out);
    }

    private static List<Placement> lanes(List<ScheduledTest> tests, int machines, boolean contiguous) {
        List<Integer> indexes = sorted(tests, Comparator.comparingInt((ScheduledTest t) -> t.test().order()));
        int n = indexes.size();
        int m = Math.max(1, Math.min(machines, n));
        Placement[] out = new Placement[n];
        for (int r = 0; r < n; r++) {
            int lane = contiguous ? (int) ((long) r * m / n) : r % m;
            out[indexes.get(r)] = new Placement(r, lane);
        }
        return List.of(out);
    }

    private static List<Integer> sorted(List<ScheduledTest> tests, Comparator<ScheduledTest> order) {
        List<Integer> indexes = new ArrayList<>(tests.size());
        for (int i = 0; i < tests.size(); i++) {
            indexes.add(i);
        }
        // List.sort is stable: ties keep discovery order.
        indexes.sort((a, b) -> order.compare(tests.get(a), tests.get(b)));
        return indexes;
    }
}
