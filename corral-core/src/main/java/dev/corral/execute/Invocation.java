package dev.corral.execute;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.corral.RunId;
import dev.corral.secret.Secrets;
import dev.corral.tmt.TestCase;

import org.apiguardian.api.API;

/**
 * One attempt of one test on one prepared machine: what {@link TestInvoker#invoke} runs.
 *
 * @param machine         the prepared machine
 * @param test            the test
 * @param serialNumber    tmt's serial number of the test in its plan, at least 1
 * @param attempt         1 for the first attempt, then 2, 3 ... for reruns and requeues
 * @param target          the target the test runs for ({@code default} in single-target runs)
 * @param planEnvironment the run's plan environment, shared by all invocations of the run
 * @param context         the fmf context, for {@code metadata.yaml} and the result
 * @param resultsDir      the local results directory; the attempt's files go below it
 * @param runId           the run's id ({@code TMT_TEST_ITERATION_ID} is {@code <runId>-<serial>}), or {@code null}
 * @param reboots         told about the machine's reboots for this test
 * @param secrets         secret variables the test gets, and names whose values are masked in output, collected
 *                        files and results
 */
@API(status = API.Status.EXPERIMENTAL)
public record Invocation(PreparedMachine machine, TestCase test, int serialNumber, int attempt, String target,
                         PlanEnvironment planEnvironment, Map<String, List<String>> context, Path resultsDir,
                         RunId runId, RebootObserver reboots, Secrets secrets) {

    public Invocation {
        Objects.requireNonNull(machine, "machine must not be null");
        Objects.requireNonNull(test, "test must not be null");
        Objects.requireNonNull(target, "target must not be null");
        Objects.requireNonNull(planEnvironment, "planEnvironment must not be null");
        Objects.requireNonNull(resultsDir, "resultsDir must not be null");
        reboots = reboots == null ? RebootObserver.NONE : reboots;
        secrets = secrets == null ? Secrets.none() : secrets;
        if (serialNumber < 1) {
            throw new IllegalArgumentException("serialNumber must be >= 1, was " + serialNumber);
        }
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be >= 1, was " + attempt);
        }
        Map<String, List<String>> copy = new LinkedHashMap<>();
        Objects.requireNonNull(context, "context must not be null")
                .forEach((k, v) -> copy.put(k, List.copyOf(v)));
        context = Collections.unmodifiableMap(copy);
    }

    /** Starts an invocation of attempt 1 for the {@code default} target, without plan variables or context. */
    public static Builder builder(PreparedMachine machine, TestCase test, int serialNumber, Path resultsDir) {
        return new Builder(machine, test, serialNumber, resultsDir);
    }

    /** Builder for {@link Invocation}; not thread-safe. */
    public static final class Builder {
        private final PreparedMachine machine;
        private final TestCase test;
        private final int serialNumber;
        private final Path resultsDir;
        private int attempt = 1;
        private String target = TestDirectory.DEFAULT_TARGET;
        private PlanEnvironment planEnvironment = PlanEnvironment.empty();
        private final Map<String, List<String>> context = new LinkedHashMap<>();
        private RunId runId;
        private RebootObserver reboots;
        private Secrets secrets = Secrets.none();

        private Builder(PreparedMachine machine, TestCase test, int serialNumber, Path resultsDir) {
            this.machine = machine;
            this.test = test;
            this.serialNumber = serialNumber;
            this.resultsDir = resultsDir;
        }

        /** The attempt number (default 1). */
        public Builder attempt(int number) {
            this.attempt = number;
            return this;
        }

        /** The target (default {@code default}). */
        public Builder target(String name) {
            this.target = name;
            return this;
        }

        /** The run's shared plan environment (default: empty). */
        public Builder planEnvironment(PlanEnvironment environment) {
            this.planEnvironment = environment;
            return this;
        }

        /** The fmf context (default: empty). */
        public Builder context(Map<String, List<String>> dimensions) {
            dimensions.forEach((k, v) -> context.put(k, new ArrayList<>(v)));
            return this;
        }

        /** The run's id. */
        public Builder runId(RunId id) {
            this.runId = id;
            return this;
        }

        /** Told when the machine reboots for the test. */
        public Builder reboots(RebootObserver observer) {
            this.reboots = observer;
            return this;
        }

        /** Secret variables and names (default: none). */
        public Builder secrets(Secrets values) {
            this.secrets = values;
            return this;
        }

        public Invocation build() {
            return new Invocation(machine, test, serialNumber, attempt, target, planEnvironment, context, resultsDir,
                    runId, reboots, secrets);
        }
    }
}
