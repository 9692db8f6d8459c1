package dev.corral.tmt;

import org.apiguardian.api.API;

/**
 * Tells where a key of a node was written, so that errors can name {@code file:line}. Supplied by the fmf engine;
 * must be thread-safe if the caller normalizes in parallel.
 */
@API(status = API.Status.EXPERIMENTAL)
@FunctionalInterface
public interface KeyLocator {

    /** A locator that never knows. */
    KeyLocator NONE = (node, key) -> null;

    /**
     * Where {@code key} of node {@code nodeName} was defined.
     *
     * @return {@code FILE:LINE} (or just {@code FILE}), or {@code null} when unknown
     */
    String locate(String nodeName, String key);
}
