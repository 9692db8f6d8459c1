package dev.corral.execute;

import java.time.Duration;

import org.apiguardian.api.API;

/**
 * Told when a test's machine reboots ({@code tmt-reboot}, {@code restart-with-reboot}), e.g. to draw the reboot
 * on a timeline. Called from the test's thread; must be quick and must not throw.
 */
@API(status = API.Status.EXPERIMENTAL)
public interface RebootObserver {

    /** Observes nothing. */
    RebootObserver NONE = new RebootObserver() {
    };

    /** The machine is about to reboot. */
    default void rebooting() {
    }

    /** The machine is back after {@code took}. */
    default void rebooted(Duration took) {
    }
}
