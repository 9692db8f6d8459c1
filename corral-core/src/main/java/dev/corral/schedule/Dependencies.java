package dev.corral.schedule;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.corral.tmt.TestCase;

/**
 * Reads {@code extra-depends} and checks that the dependencies of a target's tests form a DAG of known tests.
 * Pure; runs before anything is provisioned.
 */
final class Dependencies {
    static final String DEPENDS = "extra-depends";
    static final String SAME_MACHINE = "extra-same-machine";

    private Dependencies() {
    }

    /**
     * The dependency names of every test, validated.
     *
     * @throws ScheduleException naming the target, the test and the value for a malformed value, an unknown
     *                           name or a cycle
     */
    static Map<String, List<String>> of(String target, List<TestCase> tests) {
        Map<String, List<String>> deps = new LinkedHashMap<>();
        for (TestCase t : tests) {
            if (deps.containsKey(t.name())) {
                throw new ScheduleException("target " + target + ": test " + t.name() + " is listed twice");
            }
            deps.put(t.name(), parse(target, t));
        }
        for (TestCase t : tests) {
            for (String d : deps.get(t.name())) {
                if (!deps.containsKey(d)) {
                    throw new ScheduleException("target " + target + ": test " + t.name() + ": " + DEPENDS
                            + " names unknown test '" + d + "'");
                }
                if (d.equals(t.name())) {
                    throw new ScheduleException("target " + target + ": test " + t.name() + " depends on itself");
                }
            }
        }
        findCycle(target, deps);
        return deps;
    }

    private static List<String> parse(String target, TestCase t) {
        Object v = t.extra(DEPENDS);
        if (v == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        if (v instanceof String s) {
            out.add(s.strip());
        } else if (v instanceof List<?> list) {
            for (Object o : list) {
                if (!(o instanceof String s) || s.isBlank()) {
                    throw bad(target, t, v);
                }
                if (!out.contains(s.strip())) {
                    out.add(s.strip());
                }
            }
        } else {
            throw bad(target, t, v);
        }
        return List.copyOf(out);
    }

    private static ScheduleException bad(String target, TestCase t, Object v) {
        return new ScheduleException("target " + target + ": test " + t.name() + ": " + DEPENDS
                + " must be a test name or a list of test names, got '" + v + "'");
    }

    /** Iterative DFS (deep chains must not overflow the stack); reports the first cycle found. */
    private static void findCycle(String target, Map<String, List<String>> deps) {
        Map<String, Integer> state = new HashMap<>(); // absent: new, 1: on stack, 2: done
        List<String> path = new ArrayList<>();
        List<Integer> next = new ArrayList<>();
        for (Map.Entry<String, List<String>> root : deps.entrySet()) {
            String start = root.getKey();
            if (root.getValue().isEmpty() || state.containsKey(start)) {
                continue; // a test without dependencies closes no cycle
            }
            path.clear();
            next.clear();
            path.add(start);
            next.add(0);
            state.put(start, 1);
            while (!path.isEmpty()) {
                int top = path.size() - 1;
                String node = path.get(top);
                List<String> edges = deps.get(node);
                int i = next.get(top);
                if (i == edges.size()) {
                    state.put(node, 2);
                    path.remove(top);
                    next.remove(top);
                    continue;
                }
                next.set(top, i + 1);
                String d = edges.get(i);
                Integer s = state.get(d);
                if (s == null) {
                    state.put(d, 1);
                    path.add(d);
                    next.add(0);
                } else if (s == 1) {
                    List<String> cycle = new ArrayList<>(path.subList(path.indexOf(d), path.size()));
                    cycle.add(d);
                    throw new ScheduleException("target " + target + ": dependency cycle: "
                            + String.join(" -> ", cycle) + " (" + DEPENDS + ")");
                }
            }
        }
    }
}
