package dev.corral;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

import org.apiguardian.api.API;

/**
 * Identity of one run. Every resource a run creates outside the JVM (containers, VMs, overlays, network
 * namespaces, temp dirs) carries it in a label or name, so that {@code corral cleanup} can find the leftovers
 * of a run that was killed.
 *
 * <p>The value is safe in file names, container names and labels: lower-case letters, digits and dashes,
 * e.g. {@code 20261123-183533-k3f9}.
 *
 * @param value the identifier
 */
@API(status = API.Status.EXPERIMENTAL)
public record RunId(String value) {
    private static final Pattern VALID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

    public RunId {
        Objects.requireNonNull(value, "value must not be null");
        if (!VALID.matcher(value).matches()) {
            throw new IllegalArgumentException("invalid run id '" + value + "': expected [a-z0-9-], at most 63 characters");
        }
    }

    /** A new, unique run id made of the current UTC time and a random suffix. */
    public static RunId generate() {
        // uniqueness, not secrecy: SecureRandom's set-up would cost every run ~15 ms
        ThreadLocalRandom random = ThreadLocalRandom.current();
        StringBuilder suffix = new StringBuilder(4);
        for (int i = 0; i < 4; i++) {
            suffix.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        // yyyyMMdd-HHmmss, written by hand: a DateTimeFormatter's first use costs ~2 ms
        LocalDateTime now = LocalDateTime.now(ZoneOffset.UTC);
        String stamp = now.getYear() + twoDigits(now.getMonthValue()) + twoDigits(now.getDayOfMonth()) + "-"
                + twoDigits(now.getHour()) + twoDigits(now.getMinute()) + twoDigits(now.getSecond());
        return new RunId(stamp + "-" + suffix);
    }

    private static String twoDigits(int value) {
        return value < 10 ? "0" + value : Integer.toString(value);
    }

    /** The label key every external resource of a run carries: {@code corral.run}. */
    public static String labelKey() {
        return "corral.run";
    }

    @Override
    public String toString() {
        return value;
    }
}
