package dev.corral.tmt;

import org.apiguardian.api.API;

/** How a test's outcome is read: from its exit code ({@code shell}) or from beakerlib's journal. */
@API(status = API.Status.EXPERIMENTAL)
public enum Framework {
    SHELL, BEAKERLIB
}
