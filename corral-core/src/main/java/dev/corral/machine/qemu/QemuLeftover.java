package dev.corral.machine.qemu;

import java.nio.file.Path;
import java.util.Objects;

import dev.corral.RunId;

import org.apiguardian.api.API;

/**
 * What a VM of a run left on this host: its QEMU process and/or its private directory.
 *
 * @param run       the run the VM belonged to
 * @param machine   the machine id, such as {@code qemu-3}
 * @param pid       the QEMU process id, or {@code -1} when no process is left
 * @param directory the private directory ({@code <tmp>/corral-<run>-<machine>}), or {@code null} when none is left
 */
@API(status = API.Status.EXPERIMENTAL)
public record QemuLeftover(RunId run, String machine, long pid, Path directory) {
    public QemuLeftover {
        Objects.requireNonNull(run, "run must not be null");
        Objects.requireNonNull(machine, "machine must not be null");
    }

    /** The VM name, {@code corral-<run>-<machine>}. */
    public String name() {
        return VmFiles.name(run, machine);
    }
}
