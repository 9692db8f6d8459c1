/**
 * Podman containers as machines ({@code --how podman}), driven through the {@code podman} command line only.
 *
 * <p>{@link dev.corral.machine.podman.PodmanProvisioner} starts labelled containers described by a
 * {@link dev.corral.machine.podman.PodmanSpec}; {@link dev.corral.machine.podman.PodmanConnection} runs commands in
 * them with {@code podman exec} (environment on standard input, process tree killed inside the container) and
 * moves files as tar streams; {@link dev.corral.machine.podman.PodmanCleanup} removes the containers of dead runs.
 */
package dev.corral.machine.podman;
