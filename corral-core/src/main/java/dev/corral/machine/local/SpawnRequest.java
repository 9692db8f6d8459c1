package dev.corral.machine.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.corral.machine.Command;

/**
 * The bash script a {@link Spawner}'s fork sources to become a command: the same process a {@link ProcessBuilder}
 * would start (argv, variables over the JVM's environment, working directory, standard streams), with every value
 * single-quoted, never interpreted. Commands a sourced script cannot reproduce exactly (a variable name bash
 * cannot export or manages itself, a NUL in an argument, a program not found) are not given to the spawner:
 * {@link #render} returns {@code null} and the command is started the direct way, which reports such problems
 * as it always did.
 */
final class SpawnRequest {
    /** Variables bash keeps to itself (read-only, or dynamic): a script cannot hand them to a command. */
    private static final Set<String> BASH_OWN = Set.of("BASHOPTS", "SHELLOPTS", "BASH_VERSINFO", "EUID", "UID", "PPID",
            "BASHPID", "BASH_ARGV0", "BASH_SUBSHELL", "BASH_COMMAND", "BASH_ARGC", "BASH_ARGV", "BASH_LINENO",
            "BASH_SOURCE", "FUNCNAME", "GROUPS", "HISTCMD", "LINENO", "RANDOM", "SRANDOM", "SECONDS",
            "EPOCHSECONDS", "EPOCHREALTIME", "DIRSTACK", "PIPESTATUS", "COMP_WORDBREAKS");

    /** Variables bash acts on when it starts or reads: kept from the spawner, given to the command by the request. */
    static final Set<String> DEFERRED = Set.of("BASH_ENV", "ENV", "TMOUT");

    private SpawnRequest() {
    }

    /**
     * The request for the command, or {@code null} when it must be started directly.
     *
     * @param command    the command
     * @param directory  its working directory, resolved
     * @param jvm        the JVM's environment, which the command inherits
     * @param executable the absolute path of the command's program, or {@code null} when not found
     * @param bash       the spawner's bash: {@code bash SCRIPT ARGS...} with that bash is read by the fork itself
     * @param token      the command's token ({@value ProcessReaper#TOKEN_VARIABLE})
     */
    static String render(Command command, Path directory, Map<String, String> jvm, String executable, String bash,
                         String token) {
        if (executable == null || !Files.isDirectory(directory)) {
            return null;
        }
        for (String arg : command.argv()) {
            if (arg.indexOf('\0') >= 0) {
                return null;
            }
        }
        for (String name : command.env().keySet()) {
            if (!isName(name) || BASH_OWN.contains(name)) {
                return null;
            }
        }
        for (String name : List.of("BASHOPTS", "SHELLOPTS")) {
            if (jvm.containsKey(name)) {
                return null;
            }
        }
        StringBuilder script = new StringBuilder(512);
        if (command.mergeStderr()) {
            script.append("exec 2>&1\n");
        }
        if (command.stdin() == null) {
            script.append("exec </dev/null\n");
        }
        script.append("cd -- ").append(quote(directory.toString())).append(" || exit 127\n");
        // what bash changed or held back in its own environment, as the JVM has it
        restore(script, "OLDPWD", jvm);
        // exec lowers SHLVL by one ("the same level as the shell"): one more than the JVM's comes out right; a JVM
        // without SHLVL gives the command SHLVL=0, the one difference bash leaves
        String level = jvm.get("SHLVL");
        if (level != null && !level.isEmpty() && level.length() <= 9
                && level.chars().allMatch(c -> c >= '0' && c <= '9')) {
            script.append("export SHLVL=").append(Integer.parseInt(level) + 1).append('\n');
        } else {
            restore(script, "SHLVL", jvm);
        }
        for (String name : DEFERRED) {
            restore(script, name, jvm);
        }
        command.env().forEach((name, value) ->
                script.append("export ").append(name).append('=').append(quote(value)).append('\n'));
        script.append("export ").append(ProcessReaper.TOKEN_VARIABLE).append('=').append(quote(token)).append('\n');
        if (sourceable(command, directory, jvm, executable, bash)) {
            // `bash SCRIPT ARGS`, one exec less: the fork (a bash >= 5, to set $0) reads the script itself, as
            // the started bash would: same pid, $0, $BASH, arguments, variables, SHLVL and exit status. One
            // difference is left: bash takes its own name from BASH_ARGV0 too, so a script without #! that this
            // script starts has the script's path as $BASH, unless it is started from a shell that set BASH_ARGV0
            // to $BASH (the test wrapper does)
            List<String> argv = command.argv();
            script.append("if ((BASH_VERSINFO[0] >= 5)); then\n  set --");
            for (String arg : argv.subList(2, argv.size())) {
                script.append(' ').append(quote(arg));
            }
            script.append("\n  BASH_ARGV0=").append(quote(argv.get(1))).append('\n');
            if (level == null) {
                script.append("  export SHLVL=1\n");
            }
            script.append("  unset BASH_EXECUTION_STRING\n  . ").append(quote(argv.get(1))).append("\n  exit\nfi\n");
        }
        script.append("exec -a ").append(quote(command.argv().getFirst())).append(" -- ").append(quote(executable));
        for (String arg : command.argv().subList(1, command.argv().size())) {
            script.append(' ').append(quote(arg));
        }
        return script.append('\n').toString();
    }

    /**
     * Whether the command is {@code bash SCRIPT ARGS...} with the spawner's bash and a script file named with a
     * slash (so {@code .} does not search PATH), without variables that change how bash starts.
     */
    private static boolean sourceable(Command command, Path directory, Map<String, String> jvm, String executable,
                                      String bash) {
        List<String> argv = command.argv();
        if (argv.size() < 2 || !executable.equals(bash) || argv.get(1).startsWith("-") || argv.get(1).indexOf('/') < 0) {
            return false;
        }
        for (String name : List.of("BASH_ENV", "POSIXLY_CORRECT")) {
            if (jvm.containsKey(name) || command.env().containsKey(name)) {
                return false;
            }
        }
        return Files.isRegularFile(directory.resolve(argv.get(1)));
    }

    /** The program a {@link ProcessBuilder} would run: a name with a slash as it is, else found in the JVM's PATH. */
    static String executable(String program, String path) {
        if (program.isEmpty()) {
            return null;
        }
        if (program.indexOf('/') >= 0) {
            return program;
        }
        if (path == null) {
            return null;
        }
        for (String dir : path.split(":")) {
            if (dir.isEmpty() || !dir.startsWith("/")) {
                continue;
            }
            Path candidate = Path.of(dir, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }

    /**
     * Whether bash can export a variable of this name: {@code [A-Za-z_][A-Za-z0-9_]*}. A loop, not a regular
     * expression: every test has some thirty variables, and its first tests run in the interpreter.
     */
    private static boolean isName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean letter = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '_';
            if (!letter && (i == 0 || c < '0' || c > '9')) {
                return false;
            }
        }
        return true;
    }

    private static void restore(StringBuilder script, String name, Map<String, String> jvm) {
        String value = jvm.get(name);
        if (value == null) {
            script.append("unset ").append(name).append('\n');
        } else {
            script.append("export ").append(name).append('=').append(quote(value)).append('\n');
        }
    }

    private static String quote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }
}
