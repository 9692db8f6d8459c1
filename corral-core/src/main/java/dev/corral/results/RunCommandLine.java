package dev.corral.results;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

import org.apiguardian.api.API;

/**
 * How a run was started, recorded in {@code command.json} so that {@code corral run --resume DIR} can continue it
 * without the user repeating the tree and the targets. Secret values are never recorded (the caller masks them).
 *
 * @param directory the working directory relative arguments were given in, absolute
 * @param args      the arguments of the run command, in order
 */
@API(status = API.Status.EXPERIMENTAL)
public record RunCommandLine(Path directory, List<String> args) {
    /** Validates and copies. */
    public RunCommandLine {
        directory = Objects.requireNonNull(directory, "directory must not be null").toAbsolutePath();
        args = List.copyOf(args);
    }
}
