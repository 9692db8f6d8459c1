package dev.corral.fmf;

import java.util.AbstractList;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import java.util.Set;

/**
 * Deep read-only views of the mutable maps and lists a tree keeps internally: nested maps and lists are wrapped on
 * access, nothing is copied. Views are safe to share once the tree is complete.
 */
final class ReadOnly {

    private ReadOnly() {
    }

    static Object view(Object value) {
        if (value instanceof MapView || value instanceof ListView) {
            return value;
        }
        if (value instanceof Map<?, ?> map) {
            return new MapView<>(map);
        }
        if (value instanceof List<?> list) {
            return new ListView(list);
        }
        return value;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> data(Map<String, Object> data) {
        return (Map<String, Object>) (Map<?, ?>) new MapView<>(data);
    }

    /** The mutable object behind a view, or the value itself. */
    static Object unwrap(Object value) {
        if (value instanceof MapView<?> view) {
            return view.map;
        }
        if (value instanceof ListView view) {
            return view.list;
        }
        return value;
    }

    private static final class MapView<K> extends AbstractMap<K, Object> {
        private final Map<K, ?> map;

        MapView(Map<K, ?> map) {
            this.map = map;
        }

        @Override
        public int size() {
            return map.size();
        }

        @Override
        public boolean containsKey(Object key) {
            return map.containsKey(key);
        }

        @Override
        public Object get(Object key) {
            return view(map.get(key));
        }

        @Override
        public Set<Entry<K, Object>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public Iterator<Entry<K, Object>> iterator() {
                    Iterator<? extends Entry<K, ?>> entries = map.entrySet().iterator();
                    return new Iterator<>() {
                        @Override
                        public boolean hasNext() {
                            return entries.hasNext();
                        }

                        @Override
                        public Entry<K, Object> next() {
                            Entry<K, ?> entry = entries.next();
                            return new SimpleImmutableEntry<>(entry.getKey(), view(entry.getValue()));
                        }
                    };
                }

                @Override
                public int size() {
                    return map.size();
                }
            };
        }

        @Override
        public Set<K> keySet() {
            return java.util.Collections.unmodifiableSet(map.keySet());
        }
    }

    private static final class ListView extends AbstractList<Object> implements RandomAccess {
        private final List<?> list;

        ListView(List<?> list) {
            this.list = list;
        }

        @Override
        public Object get(int index) {
            return view(list.get(index));
        }

        @Override
        public int size() {
            return list.size();
        }
    }
}
