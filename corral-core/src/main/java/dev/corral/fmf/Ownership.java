package dev.corral.fmf;

import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The containers (maps and lists) one merge may change in place; all others may be shared with other nodes and are
 * copied first. Identity-based; the set is only allocated when a second container is added. Not thread-safe.
 */
final class Ownership {

    private Object first;
    private Map<Object, Boolean> more;

    boolean contains(Object container) {
        return container == first || (more != null && more.containsKey(container));
    }

    void add(Object container) {
        if (first == null) {
            first = container;
            return;
        }
        if (container == first) {
            return;
        }
        if (more == null) {
            more = new IdentityHashMap<>();
        }
        more.put(container, Boolean.TRUE);
    }

    void addAll(Collection<?> containers) {
        for (Object container : containers) {
            add(container);
        }
    }
}
