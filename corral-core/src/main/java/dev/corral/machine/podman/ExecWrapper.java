package dev.corral.machine.podman;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The POSIX shell wrapper every command runs under inside a container.
 *
 * <p>Environment variables travel on standard input, never on a command line: the host writes one line per
 * variable ({@code NAME='value'}, single-quoted, newlines spelled {@code '"$nl"'}) and an empty line, and the
 * wrapper {@code eval}s each line before running the command; the bytes after the empty line are the command's
 * own standard input. ({@code podman exec --env NAME=VALUE} would show the value in the host's process list, and
 * {@code --env-file} cannot carry newlines.) If the host side dies before the empty line, the wrapper exits
 * without running anything.
 *
 * <p>The command runs in a new session ({@code setsid}) whose id, which is also its process group, the wrapper
 * prints as the first line of standard output; killing that group from another {@code podman exec} kills the
 * command's whole process tree inside the container. The wrapper itself stays outside the group and exits with
 * the command's status ({@code 128 + n} for signal {@code n}). Every process of the command inherits
 * {@value #TOKEN}, so that {@link #KILL} also finds the daemons that left the session.
 */
final class ExecWrapper {
    /** Exit status of the wrapper when the environment header was cut short (the host client died). */
    static final int HEADER_CUT = 126;

    /** Variable every process of a command inherits, so that daemons that left its session can be found. */
    static final String TOKEN = "CORRAL_EXEC_TOKEN";

    /**
     * Kills a command's process group ({@code $1}) and every process still carrying its token ({@code $2}): a
     * daemon that called {@code setsid} has left the group but not its environment.
     */
    static final String KILL = """
            kill -KILL -"$1" 2>/dev/null
            for f in /proc/[0-9]*/environ; do
              if tr '\\000' '\\n' < "$f" 2>/dev/null | grep -qx "CORRAL_EXEC_TOKEN=$2"; then
                p=${f#/proc/}; kill -KILL "${p%/environ}" 2>/dev/null
              fi
            done
            :
            """;

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    static final String SCRIPT = """
            nl='
            '
            while :; do
              IFS= read -r line || exit %d
              [ -n "$line" ] || break
              eval "export $line"
            done
            [ "$1" = 1 ] && exec 2>&1
            shift
            setsid sh -c 'echo "$$"; exec "$@"' corral-exec "$@"
            """.formatted(HEADER_CUT);

    private ExecWrapper() {
    }

    /** The arguments after {@code podman exec [options] CONTAINER}: the wrapper, then {@code argv} verbatim. */
    static List<String> argv(List<String> argv, boolean mergeStderr) {
        List<String> all = new ArrayList<>(argv.size() + 5);
        all.add("sh");
        all.add("-c");
        all.add(SCRIPT);
        all.add("corral-exec");
        all.add(mergeStderr ? "1" : "0");
        all.addAll(argv);
        return all;
    }

    /**
     * The bytes that precede the command's standard input: the environment, then an empty line.
     *
     * @throws IllegalArgumentException for a name a shell cannot export or a value holding NUL
     */
    static byte[] header(Map<String, String> env) {
        StringBuilder sb = new StringBuilder();
        env.forEach((name, value) -> {
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("environment variable name '" + name
                        + "' cannot be passed into a container: expected letters, digits and '_', not starting with a digit");
            }
            if (value.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("environment variable " + name + " holds a NUL character");
            }
            sb.append(name).append("='")
                    .append(value.replace("'", "'\\''").replace("\n", "'\"$nl\"'"))
                    .append("'\n");
        });
        sb.append('\n');
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
