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
    ISOLATED
}
