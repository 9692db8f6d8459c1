package dev.corral.fmf;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * fmf's merge of a source mapping into data with the key suffixes {@code +}, {@code +<}, {@code -~}, {@code -},
 * {@code ~}: the reference's order of checks, its in-place updates and its type errors. Stateless.
 */
final class Merger {

    private Merger() {
    }

    /** Thrown for fmf's MergeError; the caller adds the location. */
    static FmfException mergeError(String key, String node, String why) {
        return new FmfException("cannot merge key '" + key + "' in " + node + ": " + why);
    }

    /**
     * Merges {@code source} into {@code data} (which must be owned). Containers not in {@code owned} may be shared
     * with other nodes: they are deep-copied (and the copies owned) before the first change in place, which gives
     * the result of the reference's deep copy of the parent data without copying what is never changed.
     */
    static void mergeSpecial(Map<Object, Object> data, Map<?, ?> source, String node, Ownership owned) {
        List<Map.Entry<?, ?>> entries = new ArrayList<>(source.entrySet());
        for (Map.Entry<?, ?> entry : entries) {
            mergeKey(data, entry.getKey(), entry.getValue(), node, owned);
        }
    }

    /** Like {@link #mergeSpecial} but skipping the adjust control keys of a rule. */
    static void mergeRule(Map<Object, Object> data, Map<?, ?> rule, List<String> control, String node,
            Ownership owned) {
        List<Map.Entry<?, ?>> entries = new ArrayList<>(rule.entrySet());
        for (Map.Entry<?, ?> entry : entries) {
            if (!control.contains(entry.getKey())) {
                mergeKey(data, entry.getKey(), entry.getValue(), node, owned);
            }
        }
    }

    /** A new, empty ownership for {@link #mergeSpecial}. */
    static Ownership ownership() {
        return new Ownership();
    }

    /** A deep copy of {@code value} whose containers are all owned. */
    static Object ownedCopy(Object value, Ownership owned) {
        IdentityHashMap<Object, Object> memo = new IdentityHashMap<>();
        Object copy = PyObjects.deepCopy(value, memo);
        owned.addAll(memo.values());
        return copy;
    }

    @SuppressWarnings("unchecked")
    private static <T> T owned(Map<Object, Object> data, String key, T current, Ownership owned) {
        if (owned.contains(current)) {
            return current;
        }
        T copy = (T) ownedCopy(current, owned);
        data.put(key, copy);
        return copy;
    }

    /** Merges one key of a source mapping into data. */
    static void mergeKey(Map<Object, Object> data, Object rawKey, Object value, String node, Ownership owned) {
        if (!(rawKey instanceof String key)) {
            throw new FmfException("invalid key " + PyObjects.repr(rawKey) + " in " + node
                    + ": keys of fmf data must be strings");
        }
        if (key.endsWith("+")) {
            plus(data, rstrip(key, "+"), value, false, node, owned);
        } else if (key.endsWith("+<")) {
            plus(data, rstrip(key, "+<"), value, true, node, owned);
        } else if (key.endsWith("-~")) {
            minusRegexp(data, rstrip(key, "-~"), value, node, owned);
        } else if (key.endsWith("-")) {
            minus(data, rstrip(key, "-"), value, node, owned);
        } else if (key.endsWith("~")) {
            regexp(data, rstrip(key, "~"), value, node);
        } else {
            data.put(key, value);
        }
    }

    /** The key without its merge suffix, as the reference computes it. */
    static String baseKey(String key) {
        if (key.endsWith("+")) {
            return rstrip(key, "+");
        } else if (key.endsWith("+<")) {
            return rstrip(key, "+<");
        } else if (key.endsWith("-~")) {
            return rstrip(key, "-~");
        } else if (key.endsWith("-")) {
            return rstrip(key, "-");
        } else if (key.endsWith("~")) {
            return rstrip(key, "~");
        }
        return key;
    }

    /** Python's {@code str.rstrip(chars)}. */
    static String rstrip(String text, String chars) {
        int end = text.length();
        while (end > 0 && chars.indexOf(text.charAt(end - 1)) >= 0) {
            end--;
        }
        return text.substring(0, end);
    }

    @SuppressWarnings("unchecked")
    private static void plus(Map<Object, Object> data, String key, Object value, boolean prepend, String node,
            Ownership owned) {
        if (!data.containsKey(key)) {
            data.put(key, value);
            return;
        }
        Object current = data.get(key);
        if (current instanceof List<?> shared && value instanceof Map<?, ?> map) {
            for (Object item : shared) {
                if (!(item instanceof Map)) {
                    throw mergeError(key, node, "item '" + PyObjects.str(item) + "' must be a dictionary");
                }
            }
            List<Object> list = owned(data, key, (List<Object>) shared, owned);
            for (int i = 0; i < list.size(); i++) {
                Object item = list.get(i);
                if (!owned.contains(item)) {
                    item = ownedCopy(item, owned);
                    list.set(i, item);
                }
                mergeSpecial((Map<Object, Object>) item, map, node, owned);
            }
            return;
        }
        if (current instanceof Map<?, ?> map && value instanceof List<?> list) {
            List<Object> result = new ArrayList<>(list.size());
            for (Object item : list) {
                if (!(item instanceof Map<?, ?> itemMap)) {
                    throw mergeError(key, node, "item '" + PyObjects.str(item) + "' must be a dictionary");
                }
                Map<Object, Object> copy = (Map<Object, Object>) ownedCopy(map, owned);
                mergeSpecial(copy, itemMap, node, owned);
                result.add(copy);
            }
            owned.add(result);
            data.put(key, result);
            return;
        }
        if (current instanceof Map<?, ?> map && value instanceof Map<?, ?> other) {
            mergeSpecial(owned(data, key, (Map<Object, Object>) map, owned), other, node, owned);
            return;
        }
        Object result = prepend ? PyObjects.add(value, current) : PyObjects.add(current, value);
        if (result == null) {
            throw mergeError(key, node, prepend ? PyObjects.addError(value, current)
                    : PyObjects.addError(current, value));
        }
        data.put(key, result);
    }

    @SuppressWarnings("unchecked")
    private static void minus(Map<Object, Object> data, String key, Object value, String node, Ownership owned) {
        if (!data.containsKey(key)) {
            return;
        }
        Object current = data.get(key);
        if (PyObjects.isNumber(current) && PyObjects.isNumber(value)) {
            data.put(key, PyObjects.subtract(current, value));
        } else if (current instanceof String text && value instanceof String pattern) {
            data.put(key, PyRegex.compile(pattern).sub("", text));
        } else if (current instanceof List<?> list && value instanceof List<?> remove) {
            List<Object> kept = new ArrayList<>(list.size());
            for (Object item : list) {
                boolean found = false;
                for (Object candidate : remove) {
                    if (PyObjects.equal(item, candidate)) {
                        found = true;
                        break;
                    }
                }
                if (!found) {
                    kept.add(item);
                }
            }
            data.put(key, kept);
        } else if (current instanceof Map<?, ?> shared && value instanceof List<?> remove) {
            Map<Object, Object> map = owned(data, key, (Map<Object, Object>) shared, owned);
            for (Object item : remove) {
                if (!PyObjects.hashable(item)) {
                    throw mergeError(key, node, "unhashable type: '" + PyObjects.typeName(item) + "'");
                }
                Object found = PyObjects.findKey(map, item);
                if (found != PyObjects.MISSING) {
                    map.remove(found);
                }
            }
        } else {
            throw mergeError(key, node, "wrong type");
        }
    }

    private static List<Object> items(Object value, String key, String node) {
        if (value instanceof String s) {
            return List.of(s);
        } else if (value instanceof List<?> list) {
            return new ArrayList<>(list);
        } else if (value instanceof Map<?, ?> map) {
            return new ArrayList<>(map.keySet());
        }
        throw mergeError(key, node, "'" + PyObjects.typeName(value) + "' object is not iterable");
    }

    @SuppressWarnings("unchecked")
    private static void regexp(Map<Object, Object> data, String key, Object value, String node) {
        if (!data.containsKey(key)) {
            return;
        }
        List<String[]> substitutions = new ArrayList<>();
        for (Object item : items(value, key, node)) {
            substitutions.add(splitPatternReplacement(item, key, node));
        }
        for (String[] substitution : substitutions) {
            PyRegex regex = PyRegex.compile(substitution[0]);
            Object current = data.get(key);
            if (current instanceof List<?> list) {
                List<Object> result = new ArrayList<>(list.size());
                for (Object original : list) {
                    if (!(original instanceof String text)) {
                        throw mergeError(key, node, "not a string");
                    }
                    result.add(regex.sub(substitution[1], text));
                }
                data.put(key, result);
            } else if (current instanceof String text) {
                data.put(key, regex.sub(substitution[1], text));
            } else {
                throw mergeError(key, node, "wrong type");
            }
        }
    }

    /** Splits {@code /pattern/replacement/}: the first character is the delimiter. */
    static String[] splitPatternReplacement(Object source, String key, String node) {
        if (!(source instanceof String text) || text.length() < 3) {
            throw mergeError(key, node, "invalid pattern and replacement " + PyObjects.repr(source)
                    + ", use e.g. '/pattern/replacement/'");
        }
        char delimiter = text.charAt(0);
        int middle = text.indexOf(delimiter, 1);
        if (middle < 0 || text.charAt(text.length() - 1) != delimiter || middle == text.length() - 1
                || text.indexOf(delimiter, middle + 1) != text.length() - 1) {
            throw mergeError(key, node, "invalid pattern and replacement " + PyObjects.repr(source)
                    + ", use e.g. '/pattern/replacement/'");
        }
        return new String[] {text.substring(1, middle), text.substring(middle + 1, text.length() - 1)};
    }

    private static boolean anySearch(Object item, List<Object> patterns, String key, String node) {
        String text = PyObjects.str(item);
        for (Object pattern : patterns) {
            if (!(pattern instanceof String p)) {
                throw mergeError(key, node, "first argument must be string or compiled pattern");
            }
            if (PyRegex.compile(p).search(text)) {
                return true;
            }
        }
        return false;
    }

    @SuppressWarnings("unchecked")
    private static void minusRegexp(Map<Object, Object> data, String key, Object value, String node,
            Ownership owned) {
        if (!data.containsKey(key)) {
            return;
        }
        List<Object> patterns = items(value, key, node);
        Object current = data.get(key);
        if (current instanceof List<?> list) {
            List<Object> kept = new ArrayList<>(list.size());
            for (Object item : list) {
                if (!anySearch(item, patterns, key, node)) {
                    kept.add(item);
                }
            }
            data.put(key, kept);
        } else if (current instanceof String text) {
            if (anySearch(text, patterns, key, node)) {
                data.put(key, "");
            }
        } else if (current instanceof Map<?, ?> shared) {
            Map<Object, Object> map = owned(data, key, (Map<Object, Object>) shared, owned);
            for (Iterator<?> keys = new ArrayList<>(map.keySet()).iterator(); keys.hasNext(); ) {
                Object candidate = keys.next();
                if (anySearch(candidate, patterns, key, node)) {
                    map.remove(candidate);
                }
            }
        } else {
            throw mergeError(key, node, "wrong type");
        }
    }
}
