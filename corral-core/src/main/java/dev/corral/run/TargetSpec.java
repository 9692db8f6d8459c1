package dev.corral.run;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

import dev.corral.machine.ProvisionContext;
import dev.corral.machine.Provisioner;

import org.apiguardian.api.API;

/**
 * One target of a run: where tests run (a provisioner, created once the run knows its id and results
 * directory), how many machines at most, how many tests at once per machine, and the FMF context the tree is
 * adjusted with. Immutable.
 *
 * @param name        the target's name in results ({@code default} for single-target runs);
 *                    letters, digits, {@code . _ -}
 * @param provisioner creates the target's provisioner for the run
 * @param workers     the most machines held at once
 * @param perMachine  tests run at once on one machine
 * @param context     FMF context dimensions for {@code adjust} and {@code when}
 * @param description how the target provisions, for {@code run.json} (e.g. {@code podman localhost/f40})
 */
@API(status = API.Status.EXPERIMENTAL)
public record TargetSpec(String name, Function<ProvisionContext, Provisioner> provisioner, int workers,
                         int perMachine, Map<String, List<String>> context, String description) {

    public TargetSpec {
        Objects.requireNonNull(name, "name must not be null");
        Objects.requireNonNull(provisioner, "provisioner must not be null");
        if (workers < 1 || perMachine < 1) {
            throw new IllegalArgumentException("workers and perMachine must be >= 1, were " + workers + ", " + perMachine);
        }
        Map<String, List<String>> copy = new LinkedHashMap<>();
        Objects.requireNonNull(context, "context must not be null").forEach((k, v) -> copy.put(k, List.copyOf(v)));
        context = Collections.unmodifiableMap(copy);
        description = description == null ? name : description;
    }

    /** A target with {@code workers} machines, one test at a time on each, and no context. */
    public static TargetSpec of(String name, Function<ProvisionContext, Provisioner> provisioner, int workers) {
        return new TargetSpec(name, provisioner, workers, 1, Map.of(), null);
    }

    /** A copy running {@code k} tests at once on each machine. */
    public TargetSpec withPerMachine(int k) {
        return new TargetSpec(name, provisioner, workers, k, context, description);
    }

    /** A copy with this FMF context. */
    public TargetSpec withContext(Map<String, List<String>> dimensions) {
        return new TargetSpec(name, provisioner, workers, perMachine, dimensions, description);
    }

    /** A copy described as {@code text} in {@code run.json}. */
    public TargetSpec withDescription(String text) {
        return new TargetSpec(name, provisioner, workers, perMachine, context, text);
    }
}
