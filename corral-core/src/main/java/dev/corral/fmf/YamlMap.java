package dev.corral.fmf;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Objects;

/** A mapping read from YAML that remembers the 1-based line of each of its keys. Not thread-safe. */
final class YamlMap extends LinkedHashMap<Object, Object> {

    private transient Object[] lineKeys = new Object[4];
    private transient int[] lineNumbers = new int[4];
    private transient int lineCount;

    void putWithLine(Object key, Object value, int line) {
        put(key, value);
        if (lineCount == lineKeys.length) {
            lineKeys = Arrays.copyOf(lineKeys, lineCount * 2);
            lineNumbers = Arrays.copyOf(lineNumbers, lineCount * 2);
        }
        lineKeys[lineCount] = key;
        lineNumbers[lineCount++] = line;
    }

    /** The 1-based line of {@code key}, or 0 when unknown (the last one recorded wins). */
    int line(Object key) {
        for (int i = lineCount - 1; i >= 0; i--) {
            if (Objects.equals(lineKeys[i], key)) {
                return lineNumbers[i];
            }
        }
        return 0;
    }
}
