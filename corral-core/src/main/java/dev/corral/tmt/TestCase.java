package dev.corral.tmt;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.apiguardian.api.API;

/**
 * A tmt test with every key normalized and defaulted as tmt does. Built from an fmf node by
 * {@code TestNormalizer}; immutable.
 *
 * @param name               fmf node name, e.g. {@code /tests/login}
 * @param summary            one-line summary, or {@code null}
 * @param description        longer description, or {@code null}
 * @param contact            contacts
 * @param component          components
 * @param id                 the tmt {@code id} (UUID), or {@code null}
 * @param link               links
 * @param test               the command, in bash (required for automated tests)
 * @param path               directory to run the test from, relative to the tree root, starting with {@code /}
 *                           (default: directory of the file that defined the test)
 * @param framework          shell or beakerlib
 * @param manual             a manual test (never executed)
 * @param require            required packages, libraries, files
 * @param recommend          recommended packages, libraries, files
 * @param environment        environment variables, values stringified as tmt does
 * @param duration           the time limit (tmt default 5m)
 * @param enabled            whether the test is enabled
 * @param order              the tmt order (default 50); lower runs first
 * @param result             how the outcome is interpreted
 * @param tag                tags
 * @param tier               tier, or {@code null}
 * @param check              checks as dicts ({@code {how: avc, ...}})
 * @param restartOnExitCode  exit codes that restart the test
 * @param restartMaxCount    how many restarts are allowed (default 1)
 * @param restartWithReboot  whether a restart reboots the machine first
 * @param tty                whether the test gets a terminal
 * @param extra              {@code extra-*} keys as written, without the prefix removed
 * @param metadata           the complete node data, for {@code TMT_TEST_METADATA}
 */
@API(status = API.Status.EXPERIMENTAL)
public record TestCase(String name, String summary, String description, List<String> contact, List<String> component,
                       String id, List<Link> link, String test, String path, Framework framework, boolean manual,
                       List<Requirement> require, List<Requirement> recommend, Map<String, String> environment,
                       Duration duration, boolean enabled, int order, ResultInterpretation result, List<String> tag,
                       String tier, List<Map<String, Object>> check, List<Integer> restartOnExitCode,
                       int restartMaxCount, boolean restartWithReboot, boolean tty, Map<String, Object> extra,
                       Map<String, Object> metadata) {

    /** tmt's default test duration. */
    public static final Duration DEFAULT_DURATION = Duration.ofMinutes(5);
    /** tmt's default order. */
    public static final int DEFAULT_ORDER = 50;

    public TestCase {
        Objects.requireNonNull(name, "name must not be null");
        Objects.requireNonNull(path, "path must not be null");
        Objects.requireNonNull(framework, "framework must not be null");
        Objects.requireNonNull(duration, "duration must not be null");
        Objects.requireNonNull(result, "result must not be null");
        contact = List.copyOf(contact);
        component = List.copyOf(component);
        link = List.copyOf(link);
        require = List.copyOf(require);
        recommend = List.copyOf(recommend);
        environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment));
        tag = List.copyOf(tag);
        check = List.copyOf(check);
        restartOnExitCode = List.copyOf(restartOnExitCode);
        extra = Collections.unmodifiableMap(new LinkedHashMap<>(extra));
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** An {@code extra-*} value by its full key (e.g. {@code extra-depends}), or {@code null}. */
    public Object extra(String key) {
        return extra.get(key);
    }

    /** A copy with another environment (plan environment merged by the caller). */
    public TestCase withEnvironment(Map<String, String> newEnvironment) {
        return new TestCase(name, summary, description, contact, component, id, link, test, path, framework, manual,
                require, recommend, newEnvironment, duration, enabled, order, result, tag, tier, check,
                restartOnExitCode, restartMaxCount, restartWithReboot, tty, extra, metadata);
    }
}
