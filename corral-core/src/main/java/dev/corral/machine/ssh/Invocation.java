package dev.corral.machine.ssh;

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
 * @param stdin  standard input (read to its end on another thread, not closed), or {@code null} for none
 * @param stdout sink, or {@code null} to capture
 * @param stderr sink, or {@code null} to capture
 * @param merge  whether standard error goes to the stdout sink
 * @param what   description for messages and logs (never holds environment values)
 */
record Invocation(List<String> argv, Map<String, String> env, String cwd, InputStream stdin, OutputStream stdout,
                  OutputStream stderr, boolean merge, String what) {

    static Invocation of(Command command) {
        byte[] input = command.stdin();
        return new Invocation(command.argv(), command.env(), command.cwd(),
                input == null ? null : new java.io.ByteArrayInputStream(input), command.stdout(), command.stderr(),
                command.mergeStderr(), command.toString());
    }

    /** A command with the given argument vector, streams and no environment. */
    static Invocation of(List<String> argv, InputStream stdin, OutputStream stdout, String what) {
        return new Invocation(argv, Map.of(), null, stdin, stdout, null, false, what);
    }
}
