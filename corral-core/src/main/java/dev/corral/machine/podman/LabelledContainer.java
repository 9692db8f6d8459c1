package dev.corral.machine.podman;

import java.util.Objects;

import dev.corral.RunId;

import org.apiguardian.api.API;

/**
 * A container that carries Corral's {@code corral.run} label, as {@link PodmanCleanup} lists it.
 *
 * @param id      podman's full container id
 * @param name    the container's name, such as {@code corral-20261123-183533-k3f9-2}
 * @param run     the run the container belongs to
 * @param machine the machine id from the {@code corral.machine} label, or {@code null} when absent
 * @param state   podman's state, such as {@code running} or {@code exited}
 */
@API(status = API.Status.EXPERIMENTAL)
public record LabelledContainer(String id, String name, RunId run, String machine, String state) {
    public LabelledContainer {
        Objects.requireNonNull(id, "id must not be null");
        Objects.requireNonNull(name, "name must not be null");
        Objects.requireNonNull(run, "run must not be null");
        Objects.requireNonNull(state, "state must not be null");
    }
}
