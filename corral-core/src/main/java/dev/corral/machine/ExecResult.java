package dev.corral.machine;

import java.time.Duration;
import java.util.Objects;

import org.apiguardian.api.API;

/**
 * How a command ended.
 *
 * @param exitCode exit status; {@code 128 + n} when killed by signal {@code n}, {@code -1} when unknown
 * @param signal   name of the signal that killed the command (e.g. {@code "KILL"}), or {@code null}
 * @param timedOut whether the deadline expired and the command's process tree was killed
 * @param stdout   captured standard output (empty when a sink was given)
 * @param stderr   captured standard error (empty when a sink was given or merged)
 * @param duration wall time from start to end
 */
@API(status = API.Status.EXPERIMENTAL)
public record ExecResult(int exitCode, String signal, boolean timedOut, String stdout, String stderr, Duration duration) {

    public ExecResult {
        stdout = Objects.requireNonNullElse(stdout, "");
        stderr = Objects.requireNonNullElse(stderr, "");
        Objects.requireNonNull(duration, "duration must not be null");
    }

    /** Whether the command exited with status 0 in time. */
    public boolean succeeded() {
        return exitCode == 0 && !timedOut && signal == null;
    }

    /**
     * Throws a {@link CommandFailedException} naming {@code what} unless the command succeeded.
     *
     * @return this result, for chaining
     */
    public ExecResult orThrow(String what) {
        if (!succeeded()) {
            throw new CommandFailedException(what, this);
        }
        return this;
    }
}
