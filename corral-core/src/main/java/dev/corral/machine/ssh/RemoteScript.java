package dev.corral.machine.ssh;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The tiny POSIX shell wrapper every command runs under, and the header it reads from standard input.
 *
 * <p>The remote command line is fixed: {@code exec /bin/sh -c SCRIPT SCRIPT TOKEN}. It carries no argument, no
 * directory and no environment value, so nothing a caller passes appears on a command line or in {@code ps}. The
 * wrapper
 * <ol>
 *   <li>makes sure it leads its own process group (OpenSSH's sshd already calls {@code setsid} for every session;
 *       other servers get {@code setsid} here), so that the whole tree can be killed with {@code kill -9 -PGID};
 *   <li>prints {@code TOKEN PID} on standard output, which the client strips and keeps to kill the group later;
 *   <li>exports {@value #TOKEN_VARIABLE}{@code =TOKEN}, inherited by everything the command starts, so that
 *       {@link #KILL} also finds daemons that left the process group ({@code setsid});
 *   <li>reads the header from standard input: items {@code C} (directory), {@code E<name>} (environment variable)
 *       and {@code A} (argument), each followed by one or more {@code +<line>} lines holding the value (lines
 *       joined with newlines), then a line {@code .};
 *   <li>{@code exec}s the argument vector, whose standard input is what follows the header.
 * </ol>
 * The shell's {@code read} consumes a pipe one byte at a time, so the command's standard input starts exactly
 * after the header. A truncated header exits with status 125 without running anything.
 *
 * <p>Stateless and thread-safe.
 */
final class RemoteScript {
    /** Exit status of the wrapper when it cannot start the command (bad header, missing directory). */
    static final int WRAPPER_FAILED = 125;

    /** The environment variable every process of a command inherits, holding the command's token. */
    static final String TOKEN_VARIABLE = "CORRAL_SSH_TOKEN";

    /**
     * Kills a command: its process group ({@code $1}) and every process of the login still carrying its token
     * ({@code $2}) in its environment, twice (catching what forked meanwhile). {@code grep -z} reads each
     * {@code /proc/PID/environ} as NUL-separated lines in one process.
     */
    static final String KILL = String.join("\n",
            "for __corral_round in 1 2; do",
            "kill -9 -\"$1\" 2>/dev/null",
            "for __corral_f in $(grep -lsxz \"" + "CORRAL_SSH_TOKEN" + "=$2\" /proc/[0-9]*/environ 2>/dev/null); do",
            "__corral_p=${__corral_f#/proc/}; kill -9 \"${__corral_p%/environ}\" 2>/dev/null",
            "done",
            "done",
            "echo done");

    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final String RESERVED_PREFIX = "__corral_";

    static final String SCRIPT = String.join("\n",
            "kill -0 -$$ 2>/dev/null || exec setsid /bin/sh -c \"$0\" \"$0\" \"$@\"",
            "echo \"$1 $$\"",
            "export " + "CORRAL_SSH_TOKEN" + "=\"$1\"",
            "set --",
            "__corral_f= __corral_k= __corral_t= __corral_v= __corral_o=",
            "while IFS= read -r __corral_l; do",
            "case $__corral_l in +*) if [ \"$__corral_f\" ]; then __corral_v=${__corral_l#+}; __corral_f=;"
                    + " else __corral_v=\"$__corral_v",
            "${__corral_l#+}\"; fi; continue;; esac",
            "case $__corral_t in E) export \"$__corral_k=$__corral_v\";; A) set -- \"$@\" \"$__corral_v\";;"
                    + " C) cd \"$__corral_v\" || exit " + WRAPPER_FAILED + ";; esac",
            "case $__corral_l in .) __corral_o=1; break;; E*) __corral_t=E; __corral_k=${__corral_l#E};;"
                    + " A) __corral_t=A;; C) __corral_t=C;; *) exit " + WRAPPER_FAILED + ";; esac",
            "__corral_f=1",
            "done",
            "[ \"$__corral_o\" ] || exit " + WRAPPER_FAILED,
            "unset __corral_f __corral_k __corral_t __corral_v __corral_o __corral_l",
            "exec \"$@\"");

    private RemoteScript() {
    }

    /** The command line sent in the exec request; {@code token} is echoed back with the process id. */
    static String commandLine(String token) {
        String script = quote(SCRIPT);
        return "exec /bin/sh -c " + script + " " + script + " " + quote(token);
    }

    /** The header that precedes the command's standard input. */
    static byte[] header(List<String> argv, Map<String, String> env, String cwd) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        if (cwd != null) {
            item(out, "C", cwd);
        }
        env.forEach((name, value) -> {
            checkEnvName(name);
            item(out, "E" + name, value);
        });
        for (String arg : argv) {
            item(out, "A", arg);
        }
        out.writeBytes(".\n".getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    /**
     * Quotes one word for a POSIX shell: single quotes, with embedded single quotes as {@code '\''}. Any string
     * without NUL comes back verbatim from the shell.
     */
    static String quote(String word) {
        checkNoNul(word, "a shell word");
        return "'" + word.replace("'", "'\\''") + "'";
    }

    private static void item(ByteArrayOutputStream out, String head, String value) {
        checkNoNul(value, head.startsWith("E") ? "the value of " + head.substring(1) : "an argument or directory");
        out.writeBytes((head + "\n").getBytes(StandardCharsets.UTF_8));
        for (String line : value.split("\n", -1)) {
            out.writeBytes(("+" + line + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void checkEnvName(String name) {
        if (!ENV_NAME.matcher(name).matches() || name.startsWith(RESERVED_PREFIX)) {
            throw new IllegalArgumentException("invalid environment variable name '" + name
                    + "': expected [A-Za-z_][A-Za-z0-9_]*, not starting with " + RESERVED_PREFIX);
        }
    }

    private static void checkNoNul(String s, String what) {
        if (s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(what + " contains a NUL character, which cannot be passed to a process");
        }
    }
}
