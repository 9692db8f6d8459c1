package dev.corral.report.timeline;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

import org.apiguardian.api.API;

/**
 * One line of {@code machines.jsonl}: something that happened to a machine of the pool.
 *
 * @param kind    what happened
 * @param time    when it was recorded
 * @param target  the target the machine serves
 * @param machine the machine id; for {@link Kind#PROVISIONING_STARTED} and {@link Kind#PROVISIONING_FAILED} the
 *                provisioning slot, which becomes the machine id when the provisioner uses it as such
 * @param detail  the release reason, the failure message (with its attempt number) or the rebooting test's name;
 *                {@code null} when there is none
 * @param took    how long provisioning ({@link Kind#MACHINE_READY}) or a reboot ({@link Kind#MACHINE_REBOOTED})
 *                took; {@code null} for other kinds
 */
@API(status = API.Status.EXPERIMENTAL)
public record MachineEvent(Kind kind, Instant time, String target, String machine, String detail, Duration took) {

    /** The kinds of event, spelled in the file as {@link #jsonName()}. */
    @API(status = API.Status.EXPERIMENTAL)
    public enum Kind {
        PROVISIONING_STARTED, MACHINE_READY, PROVISIONING_FAILED, MACHINE_RELEASED, MACHINE_REBOOTING,
        MACHINE_REBOOTED;

        /** The spelling in the file: {@code provisioning-started}, {@code machine-ready} ... */
        public String jsonName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** The kind spelled {@code name}, or {@code null} when unknown (a later version's event). */
        static Kind parse(String name) {
            for (Kind k : values()) {
                if (k.jsonName().equals(name)) {
                    return k;
                }
            }
            return null;
        }
    }

    public MachineEvent {
        Objects.requireNonNull(kind, "kind must not be null");
        Objects.requireNonNull(time, "time must not be null");
        Objects.requireNonNull(target, "target must not be null");
        Objects.requireNonNull(machine, "machine must not be null");
    }
}
