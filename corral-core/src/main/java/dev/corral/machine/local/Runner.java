package dev.corral.machine.local;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A process started ahead of the command it will become: {@code setsid bash}, the leader of its own session,
 * blocked reading one line from its standard input. When a command arrives, its request (a bash script written
 * by {@link RunnerRequest}: redirections, directory, variables, then {@code exec} of the command) is written to
 * the runner's request file and the line is sent; the runner sources the request and replaces itself with the
 * command, keeping its pid, session, pipes and token. Starting the next runner while a command runs takes the
 * process start-up ({@code jspawnhelper}, {@code setsid}, bash) off the command's path.
 *
 * <p>A command {@code bash SCRIPT ARGS...} is not started again: the runner, itself that bash, reads the script
 * (with {@code $0}, arguments, variables and SHLVL as a started bash has them), one process start less per test.
 * The one visible difference is the process's command line in {@code /proc/PID/cmdline}, which stays the runner's.
 *
 * <p>A runner whose JVM dies reads end-of-file and exits.
 */
final class Runner {
    /** Variables bash acts on when it starts or reads: kept from the runner, given to the command by the request. */
    static final Set<String> DEFERRED = Set.of("BASH_ENV", "ENV", "TMOUT");
    /** The runner's whole program: wait for the go, then become the command. */
    private static final String PROGRAM = "IFS= read -r _ || exit 0; . \"$1\"";

    final Process process;
    final ProcessReaper.Birth birth;
    final String token;
    private final Path request;

    private Runner(Process process, ProcessReaper.Birth birth, String token, Path request) {
        this.process = process;
        this.birth = birth;
        this.token = token;
        this.request = request;
    }

    /**
     * Starts a runner.
     *
     * @param setsid  the {@code setsid} program
     * @param bash    the absolute path of bash
     * @param token   the token every process of the runner's command carries
     * @param request the runner's request file, from {@link RequestFiles#take}
     * @param workDir the runner's working directory until its request changes it
     */
    static Runner start(String setsid, String bash, String token, Path request, Path workDir) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(List.of(setsid, "--wait", bash, "-c", PROGRAM, "corral-runner",
                request.toString())).directory(workDir.toFile());
        Map<String, String> environment = builder.environment();
        environment.keySet().removeAll(DEFERRED);
        environment.put(ProcessReaper.TOKEN_VARIABLE, token);
        ProcessReaper.Started started = ProcessReaper.start(builder);
        return new Runner(started.process(), started.birth(), token, request);
    }

    /**
     * Hands the runner its command: writes the request and sends the go. The command's standard input is the
     * runner's pipe ({@link Process#getOutputStream()}) from here on, unless the request redirects it.
     *
     * @throws IOException when the runner is gone or the request cannot be written
     */
    void go(String script) throws IOException {
        RequestFiles.write(request, script.getBytes(StandardCharsets.UTF_8));
        OutputStream stdin = process.getOutputStream();
        stdin.write('\n');
        stdin.flush();
    }

    /** The runner's request file, to {@link RequestFiles#release} once its command ended or it never gets one. */
    Path request() {
        return request;
    }
}
