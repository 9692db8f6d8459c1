package dev.corral.tmt;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Typed access to the keys of one node, with tmt's coercions; every failure is a one-line
 * {@link DiscoveryException} naming {@code file:line} (when the locator knows it), the node and the key.
 */
final class NodeReader {

    private final String kind;
    private final String nodeName;
    private final Map<String, Object> data;
    private final KeyLocator locator;

    NodeReader(String kind, String nodeName, Map<String, Object> data, KeyLocator locator) {
        this.kind = kind;
        this.nodeName = nodeName;
        this.data = data;
        this.locator = locator;
    }

    String nodeName() {
        return nodeName;
    }

    boolean has(String key) {
        return data.containsKey(key);
    }

    Object raw(String key) {
        return data.get(key);
    }

    /** An error about {@code key} of this node. */
    DiscoveryException error(String key, String message) {
        String where = key == null ? null : locate(key);
        String prefix = where == null ? "" : where + ": ";
        String keyPart = key == null ? "" : " key '" + key + "':";
        return new DiscoveryException(prefix + kind + " " + nodeName + ":" + keyPart + " " + message);
    }

    /** Where {@code key} was written; for an address inside a key ({@code check[0].how}), where the key was. */
    private String locate(String key) {
        String where = locator.locate(nodeName, key);
        if (where == null && !data.containsKey(key)) {
            for (int i = 0; i < key.length(); i++) {
                char c = key.charAt(i);
                if ((c == '.' || c == '[') && data.containsKey(key.substring(0, i))) {
                    return locator.locate(nodeName, key.substring(0, i));
                }
            }
        }
        return where;
    }

    /** {@code key} must be {@code expected}: "... must be a string, got [1, 2] (a list)". */
    DiscoveryException wrongType(String key, Object value, String expected) {
        return error(key, "must be " + expected + ", got " + Coerce.show(value) + " (" + Coerce.typeName(value) + ")");
    }

    /** A text key; scalars are stringified as Python would, lists and mappings are errors. */
    String text(String key) {
        Object value = data.get(key);
        if (value == null) {
            return null;
        }
        if (value instanceof List || value instanceof Map) {
            throw wrongType(key, value, "a string");
        }
        return Coerce.str(value);
    }

    /** A key that must hold a string when set (tmt's {@code normalize_shell_script}, {@code normalize_path}). */
    String strictText(String key) {
        Object value = data.get(key);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String s)) {
            throw wrongType(key, value, "a string");
        }
        return s;
    }

    /** tmt's {@code normalize_string_list}: a string or a list of strings; unset is empty. */
    List<String> stringList(String key) {
        return stringList(key, data.get(key));
    }

    List<String> stringList(String key, Object value) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof String s) {
            return List.of(s);
        }
        if (value instanceof List<?> list) {
            List<String> out = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                if (!(list.get(i) instanceof String s)) {
                    throw wrongType(key + "[" + i + "]", list.get(i), "a string");
                }
                out.add(s);
            }
            return out;
        }
        throw wrongType(key, value, "a string or a list of strings");
    }

    boolean bool(String key, boolean defaultValue) {
        Object value = data.get(key);
        if (value == null) {
            return defaultValue;
        }
        if (!(value instanceof Boolean b)) {
            throw wrongType(key, value, "true or false");
        }
        return b;
    }

    /** Python's {@code int(value)}, with a default when unset. */
    int integer(String key, int defaultValue) {
        Object value = data.get(key);
        return value == null ? defaultValue : toInt(key, value);
    }

    int toInt(String key, Object value) {
        try {
            long n = Coerce.toLong(value);
            if (n < Integer.MIN_VALUE || n > Integer.MAX_VALUE) {
                throw wrongType(key, value, "an integer");
            }
            return (int) n;
        } catch (IllegalArgumentException e) {
            throw wrongType(key, value, "an integer");
        }
    }

    /** tmt's {@code normalize_integer_list}: an integer or a list of integers. */
    List<Integer> integerList(String key) {
        Object value = data.get(key);
        if (value == null) {
            return List.of();
        }
        List<?> items = value instanceof List<?> list ? list : List.of(value);
        List<Integer> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            out.add(toInt(key + "[" + i + "]", items.get(i)));
        }
        return out;
    }

    /**
     * An environment mapping: values stringified as tmt's {@code str()} does ({@code 1} → {@code "1"},
     * {@code true} → {@code "True"}, {@code 1.5} → {@code "1.5"}); nested values are errors.
     */
    Map<String, String> environment(String key) {
        Object value = data.get(key);
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw wrongType(key, value, "a mapping of variable names to values");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String name = Coerce.str(e.getKey());
            Object v = e.getValue();
            if (v instanceof List || v instanceof Map) {
                throw wrongType(key + "." + name, v, "a string, number or boolean");
            }
            String problem = Selection.invalidVariable(name, Coerce.str(v));
            if (problem != null) {
                throw error(key, problem);
            }
            out.put(name, Coerce.str(v));
        }
        return Collections.unmodifiableMap(out);
    }

    /** A mapping, or a list of mappings, as a list (step data: {@code discover}, {@code provision}, ...). */
    List<Map<String, Object>> mappings(String key) {
        Object value = data.get(key);
        if (value == null) {
            return List.of();
        }
        List<?> items = value instanceof List<?> list ? list : List.of(value);
        List<Map<String, Object>> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            Object item = items.get(i);
            if (!(item instanceof Map<?, ?> map)) {
                String address = value instanceof List ? key + "[" + i + "]" : key;
                throw wrongType(address, item, "a mapping or a list of mappings");
            }
            out.add(stringKeys(map));
        }
        return out;
    }

    static Map<String, Object> stringKeys(Map<?, ?> map) {
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(Coerce.str(k), v));
        return out;
    }
}
