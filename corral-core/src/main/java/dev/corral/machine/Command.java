package dev.corral.machine;

import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.apiguardian.api.API;

/**
 * A command to run on a {@link Connection}: an argument vector (never a shell string), extra environment
 * variables, an optional working directory and optional standard input.
 *
 * <p>Output goes to the given sinks as it is produced; a {@code null} sink means the output is captured into the
 * {@link ExecResult} (capped at {@link #CAPTURE_LIMIT} bytes, the rest dropped). Sinks are written from another
 * thread than the caller's and are not closed by the connection.
 *
 * <p>Environment values are passed so that they never appear on a remote command line or in a process list
 * ({@link #secretEnv()} names the ones that must not be logged either).
 *
 * <pre>{@code
 * Command cmd = Command.builder("bash", "-c", "echo $GREETING")
 *         .env("GREETING", "hello")
 *         .cwd("/var/tmp")
 *         .build();
 * ExecResult r = connection.exec(cmd, Deadline.after(Duration.ofMinutes(1)));
 * }</pre>
 *
 * @param argv         program and arguments, not empty
 * @param env          extra environment variables, in order
 * @param secretEnv    names in {@code env} whose values must never be logged
 * @param cwd          working directory on the machine, or {@code null} for the connection's default
 * @param stdin        bytes fed to standard input (then closed), or {@code null} for an empty stdin
 * @param stdout       sink for standard output, or {@code null} to capture
 * @param stderr       sink for standard error, or {@code null} to capture
 * @param mergeStderr  whether standard error goes to the stdout sink (like {@code 2>&1})
 */
@API(status = API.Status.EXPERIMENTAL)
public record Command(List<String> argv, Map<String, String> env, Set<String> secretEnv, String cwd, byte[] stdin,
                      OutputStream stdout, OutputStream stderr, boolean mergeStderr) {

    /** Bytes of stdout/stderr kept in an {@link ExecResult} when no sink is given. */
    public static final int CAPTURE_LIMIT = 1 << 20;

    public Command {
        Objects.requireNonNull(argv, "argv must not be null");
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("argv must not be empty");
        }
        argv = List.copyOf(argv);
        env = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(env, "env must not be null")));
        secretEnv = Set.copyOf(Objects.requireNonNull(secretEnv, "secretEnv must not be null"));
        stdin = stdin == null ? null : stdin.clone();
    }

    /** Starts a builder for the given program and arguments. */
    public static Builder builder(String... argv) {
        return new Builder(List.of(argv));
    }

    /** Starts a builder for the given program and arguments. */
    public static Builder builder(List<String> argv) {
        return new Builder(argv);
    }

    /** A command with no environment, default directory, captured output. */
    public static Command of(String... argv) {
        return builder(argv).build();
    }

    @Override
    public byte[] stdin() {
        return stdin == null ? null : stdin.clone();
    }

    /** The command for messages and logs users read: argv joined, quoted, and the directory; no environment. */
    @Override
    public String toString() {
        return "'" + String.join(" ", argv) + "'" + (cwd == null ? "" : " in " + cwd);
    }

    /** Builder for {@link Command}; not thread-safe. */
    public static final class Builder {
        private final List<String> argv;
        private final Map<String, String> env = new LinkedHashMap<>();
        private final java.util.HashSet<String> secretEnv = new java.util.HashSet<>();
        private String cwd;
        private byte[] stdin;
        private OutputStream stdout;
        private OutputStream stderr;
        private boolean mergeStderr;

        private Builder(List<String> argv) {
            this.argv = new ArrayList<>(Objects.requireNonNull(argv, "argv must not be null"));
        }

        /** Adds (or replaces) one environment variable. */
        public Builder env(String name, String value) {
            env.put(Objects.requireNonNull(name, "name must not be null"), Objects.requireNonNull(value, "value of " + name + " must not be null"));
            return this;
        }

        /** Adds (or replaces) environment variables, in the map's order. */
        public Builder env(Map<String, String> variables) {
            variables.forEach(this::env);
            return this;
        }

        /** Adds an environment variable whose value must never be logged. */
        public Builder secretEnv(String name, String value) {
            env(name, value);
            secretEnv.add(name);
            return this;
        }

        /** Working directory on the machine. */
        public Builder cwd(String directory) {
            this.cwd = directory;
            return this;
        }

        /** Bytes fed to standard input. */
        public Builder stdin(byte[] input) {
            this.stdin = input;
            return this;
        }

        /** Sink for standard output. */
        public Builder stdout(OutputStream sink) {
            this.stdout = sink;
            return this;
        }

        /** Sink for standard error. */
        public Builder stderr(OutputStream sink) {
            this.stderr = sink;
            return this;
        }

        /** Sends standard error to the standard output sink. */
        public Builder mergeStderr() {
            this.mergeStderr = true;
            return this;
        }

        /** The command. */
        public Command build() {
            return new Command(argv, env, secretEnv, cwd, stdin, stdout, stderr, mergeStderr);
        }
    }
}
