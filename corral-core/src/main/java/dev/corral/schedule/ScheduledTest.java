package dev.corral.schedule;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.corral.tmt.TestCase;

import org.apiguardian.api.API;

/**
 * One test as the scheduler hands it to a {@link TestRunner}: the test, the target it runs for and what the
 * scheduler knows about it. Immutable.
 *
 * @param target       the target's name, copied into every {@link dev.corral.results.TestResult}
 * @param test         the normalized tmt test
 * @param serialNumber tmt's serial number of the test in its target (1-based, discovery order)
 * @param context      the FMF context of the target
 * @param expected     the expected duration the order was based on, or {@code null} when unknown
 */
@API(status = API.Status.EXPERIMENTAL)
public record ScheduledTest(String target, TestCase test, int serialNumber, Map<String, List<String>> context,
                            Duration expected) {

    public ScheduledTest {
        Objects.requireNonNull(target, "target must not be null");
        Objects.requireNonNull(test, "test must not be null");
        if (serialNumber < 1) {
            throw new IllegalArgumentException("serialNumber must be >= 1, was " + serialNumber);
        }
        context = Collections.unmodifiableMap(new LinkedHashMap<>(context));
    }

    /** The test's name, e.g. {@code /tests/login}. */
    public String name() {
        return test.name();
    }
}
