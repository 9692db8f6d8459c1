package dev.corral.machine.ssh;

import java.util.Objects;

import org.apiguardian.api.API;

/**
 * One host of a {@code connect} pool: how to reach it, how many tests it runs at once and whether tests may
 * reboot it.
 *
 * @param target where and how to log in
 * @param slots  tests run at once on the host, at least 1; the slots share one SSH session
 * @param reboot whether tests may reboot the host; needs {@code slots == 1}, since a reboot would kill the tests
 *               of the other slots
 * @param origin where the entry came from, for messages ({@code hosts.yaml:3}, {@code --guest})
 */
@API(status = API.Status.EXPERIMENTAL)
public record HostSpec(SshTarget target, int slots, boolean reboot, String origin) {

    public HostSpec {
        Objects.requireNonNull(target, "target must not be null");
        Objects.requireNonNull(origin, "origin must not be null");
        if (slots < 1) {
            throw new IllegalArgumentException(origin + ": slots must be at least 1, got " + slots);
        }
        if (reboot && slots > 1) {
            throw new IllegalArgumentException(origin + ": reboot: true needs slots: 1 (a reboot would kill the tests"
                    + " running in the other slots)");
        }
    }

    /** One slot, no reboots: what {@code --how connect --guest HOST} gives. */
    public static HostSpec single(SshTarget target) {
        return new HostSpec(target, 1, false, "--guest " + target.host());
    }
}
