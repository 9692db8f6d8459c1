package dev.corral.machine;

import org.apiguardian.api.API;

/** Optional things a {@link Machine} can do. */
@API(status = API.Status.EXPERIMENTAL)
public enum Capability {
    /** The machine can be rebooted ({@link Machine#reboot}), as tests using {@code tmt-reboot} need. */
    REBOOT,
    /** Tests run as root. */
    ROOT,
    /** The machine is a whole system (container with init or VM), not a process slot on the host. */
    ISOLATED,
    /**
     * The machine's files are this host's files at the same paths (a local process slot): a test's directory on
     * the machine can be its results directory, and nothing has to be copied back.
     */
    HOST_FILES
}
