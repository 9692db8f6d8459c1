package dev.corral.execute;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.corral.tmt.Framework;
import dev.corral.tmt.TestCase;

/**
 * The environment a test runs with, in tmt's order of precedence (later wins): the test's {@code environment},
 * the plan environment (plan environment file, then the plan's own variables), the run's secret variables, then
 * the variables tmt itself sets
 * ({@code TMT_*}, reboot and restart counters, beakerlib's variables for beakerlib tests). The machine's own
 * environment is below all of them.
 */
final class TestEnvironment {
    /** The tmt release whose behaviour Corral reproduces; tests see it as {@code TMT_VERSION}. */
    static final String TMT_VERSION = "1.60.0";

    private final Invocation invocation;
    private final String invocationDir;
    private final int reboots;
    private final int restarts;

    TestEnvironment(Invocation invocation, String invocationDir, int reboots, int restarts) {
        this.invocation = invocation;
        this.invocationDir = invocationDir;
        this.reboots = reboots;
        this.restarts = restarts;
    }

    Map<String, String> variables() {
        TestCase test = invocation.test();
        PreparedMachine machine = invocation.machine();
        String data = invocationDir + "/data";
        Map<String, String> env = new LinkedHashMap<>(test.environment());
        env.putAll(invocation.planEnvironment().variables());
        env.putAll(invocation.secrets().variables());

        env.put("TMT_VERSION", TMT_VERSION);
        env.put("TMT_TREE", machine.treeDir());
        env.put("TMT_PLAN_DATA", machine.planDataDir());
        env.put("TMT_PLAN_ENVIRONMENT_FILE", machine.planEnvironmentFile());
        env.put("TMT_PLAN_SOURCE_SCRIPT", machine.planSourceScript());

        env.put("TMT_TEST_NAME", test.name());
        env.put("TMT_TEST_SERIAL_NUMBER", Integer.toString(invocation.serialNumber()));
        if (invocation.runId() != null) {
            env.put("TMT_TEST_ITERATION_ID", invocation.runId().value() + "-" + invocation.serialNumber());
        }
        env.put("TMT_TEST_INVOCATION_PATH", invocationDir);
        env.put("TMT_TEST_DATA", data);
        env.put("TMT_TEST_METADATA", invocationDir + "/metadata.yaml");
        env.put("TMT_TEST_SUBMITTED_FILES", invocationDir + "/" + ResultExtractor.SUBMITTED_FILES);
        // one pidfile per test, so that tests can run side by side on one machine
        env.put("TMT_TEST_PIDFILE_ROOT", invocationDir);
        env.put("TMT_TEST_PIDFILE", invocationDir + "/tmt-test.pid");
        env.put("TMT_TEST_PIDFILE_LOCK", invocationDir + "/tmt-test.pid.lock");
        env.put("TMT_RESTRAINT_COMPATIBLE", "0");

        env.put("TMT_REBOOT_REQUEST", data + "/reboot-request");
        String rebootCount = Integer.toString(reboots);
        env.put("TMT_REBOOT_COUNT", rebootCount);
        env.put("REBOOTCOUNT", rebootCount);
        env.put("RSTRNT_REBOOTCOUNT", rebootCount);
        env.put("TMT_TEST_RESTART_COUNT", Integer.toString(restarts));

        if (test.framework() == Framework.BEAKERLIB) {
            env.put("BEAKERLIB_DIR", invocationDir);
            env.put("BEAKERLIB_COMMAND_SUBMIT_LOG", machine.scriptsDir() + "/tmt-file-submit");
            env.put("BEAKERLIB_COMMAND_REPORT_RESULT", machine.scriptsDir() + "/rhts-report-result");
            env.put("TESTID", Integer.toString(invocation.serialNumber()));
        }
        return env;
    }
}
