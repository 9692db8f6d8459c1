package dev.corral.tmt;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.apiguardian.api.API;

/**
 * One fmf node as plain data, the input of {@link TestNormalizer}, {@link PlanNormalizer} and {@link Discovery}.
 * An adapter from the fmf engine's node type is a single constructor call.
 *
 * <p>Values in {@code data} are what a YAML loader produces: {@code String}, {@code Long}, {@code BigInteger},
 * {@code Double}, {@code Boolean}, {@code null}, {@code List}, {@code Map} and timestamps ({@code java.time}
 * types or {@code java.util.Date}). Immutable (the map is copied, nested values are not).
 *
 * @param name      node name, e.g. {@code /tests/login}
 * @param data      the node's data after inheritance and {@code adjust}, in key order
 * @param definedIn directory of the file that defined the node, relative to the tree root ({@code ""}, {@code "/"}
 *                  or {@code "."} for the root itself; a leading {@code /} is allowed)
 */
@API(status = API.Status.EXPERIMENTAL)
public record FmfNode(String name, Map<String, Object> data, String definedIn) {

    public FmfNode {
        Objects.requireNonNull(name, "name must not be null");
        Objects.requireNonNull(data, "data must not be null");
        definedIn = definedIn == null ? "" : definedIn;
        data = Collections.unmodifiableMap(new LinkedHashMap<>(data));
    }

    /** The directory of the defining file as tmt writes test paths: {@code /} or {@code /tests/login}. */
    public String rootedDirectory() {
        return Coerce.rootedPath(definedIn);
    }
}
