package dev.corral.tmt;

import java.nio.file.Path;
import java.util.Objects;

import org.apiguardian.api.API;

/**
 * A test selected by {@link Discovery}, ready to be scheduled. Immutable.
 *
 * @param serialNumber tmt's serial number: 1-based, in discovery order, unique within the plan
 * @param phase        the name of the discover phase that found it
 * @param test         the normalized test; its name carries the {@code /<phase>} prefix when the plan has several
 *                     discover phases, and its environment has the plan environment merged in
 * @param treeRoot     the directory the test's {@link TestCase#path() path} is relative to: the plan's tree, a
 *                     subdirectory of it, or a checkout in the git cache
 */
@API(status = API.Status.EXPERIMENTAL)
public record DiscoveredTest(int serialNumber, String phase, TestCase test, Path treeRoot) {

    public DiscoveredTest {
        Objects.requireNonNull(phase, "phase must not be null");
        Objects.requireNonNull(test, "test must not be null");
        Objects.requireNonNull(treeRoot, "treeRoot must not be null");
    }

    /** The test name, as reported in results. */
    public String name() {
        return test.name();
    }
}
