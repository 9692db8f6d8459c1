package dev.corral.fmf;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** A mapping read from YAML that remembers the 1-based line of each of its keys. Not thread-safe. */
final class YamlMap extends LinkedHashMap<Object, Object> {

    private final transient Map<Object, Integer> lines = new HashMap<>();

    void putWithLine(Object key, Object value, int line) {
        put(key, value);
        lines.put(key, line);
    }

    /** The 1-based line of {@code key}, or 0 when unknown. */
    int line(Object key) {
        Integer line = lines.get(key);
        return line == null ? 0 : line;
    }
}
