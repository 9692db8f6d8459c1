package dev.corral.execute;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.corral.tmt.Framework;
import dev.corral.tmt.ResultInterpretation;
import dev.corral.tmt.TestCase;

/** Small {@link TestCase}s for tests: a name and a script, tmt's defaults for the rest. */
public final class TestCaseBuilder {
    private final String name;
    private final String script;
    private String path = "/";
    private Framework framework = Framework.SHELL;
    private final Map<String, String> environment = new LinkedHashMap<>();
    private Duration duration = TestCase.DEFAULT_DURATION;
    private ResultInterpretation result = ResultInterpretation.RESPECT;
    private final List<Integer> restartOnExitCode = new ArrayList<>();
    private int restartMaxCount = 1;
    private boolean restartWithReboot;
    private boolean tty;
    private String id;
    private final Map<String, Object> extra = new LinkedHashMap<>();
    private final Map<String, Object> metadata = new LinkedHashMap<>();

    private TestCaseBuilder(String name, String script) {
        this.name = name;
        this.script = script;
    }

    /** A shell test named {@code name} running {@code script}. */
    public static TestCaseBuilder test(String name, String script) {
        return new TestCaseBuilder(name, script);
    }

    public TestCaseBuilder path(String value) {
        this.path = value;
        return this;
    }

    public TestCaseBuilder beakerlib() {
        this.framework = Framework.BEAKERLIB;
        return this;
    }

    public TestCaseBuilder env(String variable, String value) {
        environment.put(variable, value);
        return this;
    }

    public TestCaseBuilder duration(Duration value) {
        this.duration = value;
        return this;
    }

    public TestCaseBuilder result(ResultInterpretation value) {
        this.result = value;
        return this;
    }

    public TestCaseBuilder restartOnExitCode(int... codes) {
        for (int code : codes) {
            restartOnExitCode.add(code);
        }
        return this;
    }

    public TestCaseBuilder restartMaxCount(int value) {
        this.restartMaxCount = value;
        return this;
    }

    public TestCaseBuilder restartWithReboot() {
        this.restartWithReboot = true;
        return this;
    }

    public TestCaseBuilder tty() {
        this.tty = true;
        return this;
    }

    public TestCaseBuilder id(String value) {
        this.id = value;
        return this;
    }

    public TestCaseBuilder extra(String key, Object value) {
        extra.put(key, value);
        return this;
    }

    public TestCaseBuilder metadata(String key, Object value) {
        metadata.put(key, value);
        return this;
    }

    public TestCase build() {
        return new TestCase(name, null, null, List.of(), List.of(), id, List.of(), script, path, framework, false,
                List.of(), List.of(), environment, duration, true, TestCase.DEFAULT_ORDER, result, List.of(), null,
                List.of(), restartOnExitCode, restartMaxCount, restartWithReboot, tty, extra, metadata);
    }
}
