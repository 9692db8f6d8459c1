package dev.corral.schedule;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.corral.tmt.Framework;
import dev.corral.tmt.ResultInterpretation;
import dev.corral.tmt.TestCase;

/** Builds {@link TestCase}s for scheduler tests: only the keys the scheduler reads. */
final class TestCases {
    private final String name;
    private int order = TestCase.DEFAULT_ORDER;
    private Duration duration;
    private final List<String> tags = new ArrayList<>();
    private final Map<String, Object> extra = new LinkedHashMap<>();

    private TestCases(String name) {
        this.name = name;
    }

    static TestCases test(String name) {
        return new TestCases(name);
    }

    static List<TestCase> named(String... names) {
        List<TestCase> out = new ArrayList<>();
        for (String n : names) {
            out.add(test(n).build());
        }
        return out;
    }

    TestCases order(int o) {
        this.order = o;
        return this;
    }

    TestCases duration(Duration d) {
        this.duration = d;
        return this;
    }

    TestCases tag(String t) {
        tags.add(t);
        return this;
    }

    TestCases extra(String key, Object value) {
        extra.put(key, value);
        return this;
    }

    TestCases dependsOn(String... names) {
        return extra("extra-depends", List.of(names));
    }

    TestCase build() {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("test", "true");
        if (duration != null) {
            metadata.put("duration", duration.toSeconds() + "s");
        }
        metadata.putAll(extra);
        return new TestCase(name, null, null, List.of(), List.of(), null, List.of(), "true", "/", Framework.SHELL,
                false, List.of(), List.of(), Map.of(), duration == null ? TestCase.DEFAULT_DURATION : duration, true,
                order, ResultInterpretation.RESPECT, tags, null, List.of(), List.of(), 1, false, false, extra,
                metadata);
    }
}
