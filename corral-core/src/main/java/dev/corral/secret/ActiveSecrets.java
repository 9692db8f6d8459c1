package dev.corral.secret;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apiguardian.api.API;

/**
 * The secrets of the runs going on in this JVM, for masking where no run is at hand: the log layout of the
 * command line, error messages printed at the end. A run activates its secrets while it runs; the activation is
 * closed when it ends. Thread-safe.
 *
 * <pre>{@code
 * try (ActiveSecrets.Activation a = ActiveSecrets.activate(secrets)) {
 *     ... every log line formatted through ActiveSecrets.mask(...) now hides the values ...
 * }
 * }</pre>
 */
@API(status = API.Status.EXPERIMENTAL)
public final class ActiveSecrets {
    private static final List<Secrets> ACTIVE = new CopyOnWriteArrayList<>();

    private ActiveSecrets() {
    }

    /** Masks the values of {@code secrets} in {@link #mask} until the activation is closed. */
    public static Activation activate(Secrets secrets) {
        if (secrets.isEmpty()) {
            return () -> { };
        }
        ACTIVE.add(secrets);
        return () -> ACTIVE.remove(secrets);
    }

    /** {@code text} with the values of every active secret masked; {@code null} stays {@code null}. */
    public static String mask(String text) {
        String masked = text;
        for (Secrets s : ACTIVE) {
            masked = s.mask(masked);
        }
        return masked;
    }

    /** An activation; closing it twice is harmless. */
    @FunctionalInterface
    public interface Activation extends AutoCloseable {
        @Override
        void close();
    }
}
