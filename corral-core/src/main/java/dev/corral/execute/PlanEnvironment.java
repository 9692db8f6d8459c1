package dev.corral.execute;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.apiguardian.api.API;

/**
 * The plan-level environment of a run, shared by all its tests on all machines: the plan's own variables
 * ({@code environment} key, {@code --environment} options) and the variables tests appended to the plan
 * environment file ({@code TMT_PLAN_ENVIRONMENT_FILE}). The file's variables are read after each test and seen by
 * every later test; the plan's own variables win over them, as in tmt.
 *
 * <p>Thread-safe. When tests on different machines set the same variable, the test that finished last wins.
 */
@API(status = API.Status.EXPERIMENTAL)
public final class PlanEnvironment {
    private final Map<String, String> plan;
    private final Map<String, String> fromFile = new LinkedHashMap<>();

    /** @param plan the plan's own variables (copied) */
    public PlanEnvironment(Map<String, String> plan) {
        this.plan = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(plan, "plan")));
    }

    /** A plan environment without variables of its own. */
    public static PlanEnvironment empty() {
        return new PlanEnvironment(Map.of());
    }

    /** The variables tests get now: the file's variables overridden by the plan's own. */
    public synchronized Map<String, String> variables() {
        Map<String, String> all = new LinkedHashMap<>(fromFile);
        all.putAll(plan);
        return Collections.unmodifiableMap(all);
    }

    /** Only the variables collected from plan environment files so far. */
    public synchronized Map<String, String> fileVariables() {
        return Map.copyOf(fromFile);
    }

    /** Adds variables read from a plan environment file; later values replace earlier ones. */
    public synchronized void mergeFileVariables(Map<String, String> variables) {
        fromFile.putAll(variables);
    }

    @Override
    public synchronized String toString() {
        return "PlanEnvironment" + plan.keySet() + " + file" + fromFile.keySet();
    }
}
