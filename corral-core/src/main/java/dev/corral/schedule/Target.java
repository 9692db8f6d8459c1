package dev.corral.schedule;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

import dev.corral.machine.Provisioner;
import dev.corral.tmt.TestCase;

import org.apiguardian.api.API;

/**
 * One pool of a run: a provisioner, how many machines it may hold at once, how many tests run at once on each
 * machine, the tests and the FMF context they were discovered with. A run holds one or more targets (two images,
 * or one image with two contexts); they run concurrently. Immutable; {@code withX} methods return copies.
 *
 * <pre>{@code
 * Target f40 = Target.of("f40", podman, tests).withWorkers(8).withPerMachine(2);
 * }</pre>
 *
 * @param name        short name carried by every result, e.g. {@code f40} (letters, digits, {@code ._-})
 * @param provisioner where machines come from; not closed by the scheduler
 * @param tests       the discovered tests in discovery order (their position is tmt's serial number)
 * @param workers     the most machines held at once (further capped by {@link Provisioner#capacity()})
 * @param perMachine  tests run at once on one machine
 * @param context     the FMF context the tests were discovered with, copied into results
 * @param selection   names of the tests to run, or {@code null} for all ({@code corral run --rerun}); the
 *                    other tests are known for dependency checks, are not run and produce no result
 */
@API(status = API.Status.EXPERIMENTAL)
public record Target(String name, Provisioner provisioner, List<TestCase> tests, int workers, int perMachine,
                     Map<String, List<String>> context, Set<String> selection) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    public Target {
        Objects.requireNonNull(name, "name must not be null");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid target name '" + name + "': expected letters, digits, '.', '_' or '-'");
        }
        Objects.requireNonNull(provisioner, "provisioner must not be null");
        tests = List.copyOf(tests);
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be >= 1, was " + workers);
        }
        if (perMachine < 1) {
            throw new IllegalArgumentException("perMachine must be >= 1, was " + perMachine);
        }
        Map<String, List<String>> copy = new LinkedHashMap<>();
        context.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        context = Collections.unmodifiableMap(copy);
        selection = selection == null ? null : Set.copyOf(selection);
    }

    /** A target with one machine, one test per machine, no context and every test selected. */
    public static Target of(String name, Provisioner provisioner, List<TestCase> tests) {
        return new Target(name, provisioner, tests, 1, 1, Map.of(), null);
    }

    /** A copy that holds at most {@code n} machines at once. */
    public Target withWorkers(int n) {
        return new Target(name, provisioner, tests, n, perMachine, context, selection);
    }

    /** A copy that runs {@code k} tests at once on each machine. */
    public Target withPerMachine(int k) {
        return new Target(name, provisioner, tests, workers, k, context, selection);
    }

    /** A copy with another FMF context. */
    public Target withContext(Map<String, List<String>> newContext) {
        return new Target(name, provisioner, tests, workers, perMachine, newContext, selection);
    }

    /** A copy that runs only the named tests (e.g. the failed ones of an earlier run). */
    public Target withSelection(Set<String> names) {
        return new Target(name, provisioner, tests, workers, perMachine, context, Objects.requireNonNull(names));
    }

    /** Whether the test is to be run. */
    public boolean selects(String testName) {
        return selection == null || selection.contains(testName);
    }
}
