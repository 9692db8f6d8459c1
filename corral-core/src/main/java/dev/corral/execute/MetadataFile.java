package dev.corral.execute;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.corral.tmt.TestCase;

import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;

/**
 * The test's {@code metadata.yaml} ({@code TMT_TEST_METADATA}): the test's fmf data plus the fmf context, as tmt
 * exports it. Tests built without fmf data get their normalized keys instead.
 */
final class MetadataFile {
    private MetadataFile() {
    }

    static String render(TestCase test, Map<String, List<String>> context) {
        Map<String, Object> data = new LinkedHashMap<>();
        if (test.metadata().isEmpty()) {
            data.put("name", test.name());
            putIfPresent(data, "summary", test.summary());
            putIfPresent(data, "id", test.id());
            data.put("test", test.test());
            data.put("path", test.path());
            data.put("framework", test.framework().name().toLowerCase(java.util.Locale.ROOT));
            data.put("duration", format(test.duration()));
            data.put("environment", test.environment());
            data.put("result", test.result().name().toLowerCase(java.util.Locale.ROOT));
            data.put("tag", test.tag());
        } else {
            data.putAll(test.metadata());
        }
        data.put("context", context);
        return write(data);
    }

    /** {@code data} as snakeyaml writes it: by {@link PlainYaml} when it can, by snakeyaml otherwise. */
    static String write(Map<String, Object> data) {
        String yaml = PlainYaml.write(data);
        return yaml != null ? yaml : dump(data);
    }

    /** {@code data} written by snakeyaml. */
    static String dump(Map<String, Object> data) {
        return new Dump(Snakeyaml.SETTINGS).dumpToString(plain(data));
    }

    /** snakeyaml's settings, made on first use: most runs' documents never reach snakeyaml ({@link PlainYaml}). */
    private static final class Snakeyaml {
        static final DumpSettings SETTINGS = DumpSettings.builder()
                .setDefaultFlowStyle(FlowStyle.BLOCK)
                .setWidth(4096)
                .build();
    }

    private static void putIfPresent(Map<String, Object> data, String key, Object value) {
        if (value != null) {
            data.put(key, value);
        }
    }

    /** A duration as tmt writes it: {@code 5m}, {@code 1h}, {@code 90s}. */
    static String format(Duration duration) {
        long seconds = duration.toSeconds();
        return seconds % 3600 == 0 ? seconds / 3600 + "h" : seconds % 60 == 0 ? seconds / 60 + "m" : seconds + "s";
    }

    /** Only maps, lists, strings, numbers, booleans and nulls; anything else as its string form. */
    private static Object plain(Object value) {
        if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean) {
            return value;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(String.valueOf(k), plain(v)));
            return copy;
        }
        if (value instanceof Collection<?> items) {
            List<Object> copy = new ArrayList<>(items.size());
            items.forEach(item -> copy.add(plain(item)));
            return copy;
        }
        return value.toString();
    }
}
