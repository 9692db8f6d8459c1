package dev.corral.machine.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;

import dev.corral.machine.Command;

/**
 * One command to run through the wrapper: like {@link Command} but with a streaming standard input, as file
 * transfers need.
 *
 * @param argv   program and arguments
 * @param env    environment variables
 * @param cwd    directory, or {@code null}
 * @param stdin  standard input (written on another thread), or {@code null} for none
 * @param stdout sink, or {@code null} to capture
 * @param stderr sink, or {@code null} to capture
 * @param merge  whether standard error goes to the stdout sink
 * @param what   description for messages and logs (never holds environment values)
 */
record Invocation(List<String> argv, Map<String, String> env, String cwd, Input stdin, OutputStream stdout,
                  OutputStream stderr, boolean merge, String what) {

    /** What a command reads: written to the channel by the feeding thread (which then sends EOF). */
    @FunctionalInterface
    interface Input {
        /** Writes the input; an exception ends it (the command sees EOF). */
        void writeTo(OutputStream channel) throws IOException;

        /** An input stream's bytes, read to its end (the stream is not closed). */
        static Input of(InputStream in) {
            return in::transferTo;
        }
    }

    static Invocation of(Command command) {
        byte[] input = command.stdin();
        return new Invocation(command.argv(), command.env(), command.cwd(), input == null ? null : out -> out.write(input),
                command.stdout(), command.stderr(), command.mergeStderr(), command.toString());
    }

    /** A command with the given argument vector, streams and no environment. */
    static Invocation of(List<String> argv, Input stdin, OutputStream stdout, String what) {
        return new Invocation(argv, Map.of(), null, stdin, stdout, null, false, what);
    }
}
