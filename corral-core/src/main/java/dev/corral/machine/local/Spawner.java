package dev.corral.machine.local;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;

/**
 * The parent of a local machine's commands: one bash per machine, the leader of its own session (no terminal
 * reaches it), that forks each command. Starting a command the direct way costs three program starts ({@code
 * jspawnhelper}, {@code setsid}, bash); a fork of this bash costs none.
 *
 * <p>A command's process is a fork that runs the spawn script ({@link #SPAWN}, without a {@code #!} line, so bash
 * starts it over as a new shell: own {@code $$}, {@code $0}, options and variables) with the command's request
 * ({@link SpawnRequest}) as its argument. It is the leader of its own process group ({@code set -m}), so a test's
 * {@code kill 0} reaches its own processes only. Its stdout and stderr are the spawner's; after the command the
 * spawner writes a marker line with the exit status on both ({@link MarkedStream}). The marker is a random secret
 * the spawner reads from its standard input: no command can know it.
 *
 * <p>The spawner waits for a command with a plain {@code wait}: a command that stops (SIGSTOP) ends there, as killed
 * by that signal, and its processes are killed. {@code wait -f} (bash 5.1) would wait on, but bash 5.2 was seen
 * spinning in it with no child left, never writing the marker.
 *
 * <p>The spawner runs one command at a time. Everything in its session but itself belongs to the command that
 * runs, or ran last: the reaper kills it by session ({@link ProcessReaper#killSession}). A spawner whose JVM died
 * reads end-of-file and exits.
 */
final class Spawner {
    /** The script each command's process runs: its request, sourced. */
    static final String SPAWN = ". \"$1\"\n";
    /**
     * The spawner's program: errors (and job notices) to /dev/null, the commands' stderr kept on 4; the marker;
     * then a request's file name per line (in the spawn script's directory: bash reads a pipe byte by byte, so the
     * line is short), or an empty line for a marker alone.
     */
    private static final String PROGRAM = """
            exec 4>&2 2>/dev/null
            set -m
            IFS= read -r marker || exit 0
            while IFS= read -r request; do
              status=0
              if [ -n "$request" ]; then
                if [ -x "$1" ]; then
                  "$1" "${1%/*}/$request" 2>&4 4>&- </dev/null &
                else
                  bash "$1" "${1%/*}/$request" 2>&4 4>&- </dev/null &
                fi
                wait "$!"
                status=$?
              fi
              printf '%s %s\\n' "$marker" "$status"
              printf '%s\\n' "$marker" >&4
            done
            """;

    /** How often a wait for a command's end looks whether the spawner still lives. */
    private static final long LIFE_CHECK = TimeUnit.MILLISECONDS.toNanos(200);

    final Process process;
    /** The spawner's pid: the session of every command it runs. */
    final long session;
    /** When the spawner started, in clock ticks since boot: its commands' processes are younger. */
    final long startTicks;
    private final OutputStream control;
    private final MarkedStream stdout;
    private final MarkedStream stderr;
    private final AtomicBoolean busy = new AtomicBoolean();
    private volatile boolean broken;

    private Spawner(Process process, long startTicks, byte[] marker, Logger log) {
        this.process = process;
        this.session = process.pid();
        this.startTicks = startTicks;
        this.control = process.getOutputStream();
        this.stdout = new MarkedStream(process.getInputStream(), marker, log);
        this.stderr = new MarkedStream(process.getErrorStream(), marker, log);
    }

    /**
     * Starts a spawner.
     *
     * @param setsid  the {@code setsid} program
     * @param bash    the absolute path of bash
     * @param spawn   the spawn script, executable ({@link #SPAWN})
     * @param workDir the spawner's working directory (each request changes its command's)
     */
    static Spawner start(String setsid, String bash, Path spawn, Path workDir, Logger log) throws IOException {
        // $0 is bash's own absolute path: bash names itself ($BASH) after it in every command's new shell. A name
        // without a slash would be looked up in PATH, then taken from the user's login shell (getpwuid).
        ProcessBuilder builder = new ProcessBuilder(List.of(setsid, "--wait", bash, "-c", PROGRAM, bash,
                spawn.toString())).directory(workDir.toFile());
        Map<String, String> environment = builder.environment();
        environment.keySet().removeAll(SpawnRequest.DEFERRED);
        ProcessReaper.Started started = ProcessReaper.start(builder);
        byte[] marker = newMarker();
        Spawner spawner = new Spawner(started.process(), started.birth().startTicks(), marker, log);
        String name = "spawner-" + spawner.session;
        spawner.stdout.start(name + "-out");
        spawner.stderr.start(name + "-err");
        try {
            spawner.send(new String(marker, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            started.process().destroyForcibly();
            throw e;
        }
        return spawner;
    }

    /** 128 random bits, hex: never in a command's output unless it read the spawner's memory. */
    private static byte[] newMarker() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        byte[] bits = new byte[16];
        random.nextBytes(bits);
        return ("corral-" + HexFormat.of().formatHex(bits)).getBytes(StandardCharsets.US_ASCII);
    }

    /** Takes the spawner for one command; {@code false} when another command runs on it or it is unusable. */
    boolean tryAcquire() {
        return !broken && process.isAlive() && busy.compareAndSet(false, true);
    }

    /** Gives the spawner back after its command's end marker was read on both streams. */
    void release() {
        busy.set(false);
    }

    /** Whether the spawner can no longer be used: its streams are out of step, or it died. */
    boolean isBroken() {
        return broken || !process.isAlive();
    }

    /** Marks the spawner unusable and kills it (its commands' processes are the reaper's). */
    void discard() {
        broken = true;
        process.destroyForcibly();
    }

    /**
     * Starts a command: its output goes to the sinks until the end markers.
     *
     * @param request the command's request file, in the spawn script's directory
     * @throws IOException when the spawner is gone
     */
    void run(Path request, OutputStream out, OutputStream err) throws IOException {
        stdout.sendTo(out);
        stderr.sendTo(err);
        send(request.getFileName().toString());
    }

    /** Asks for the markers alone: what the last command's processes wrote before they were killed goes first. */
    void sync(OutputStream out, OutputStream err) throws IOException {
        stdout.sendTo(out);
        stderr.sendTo(err);
        send("");
    }

    /**
     * Waits for the end of the command's standard output.
     *
     * @return its exit status, {@link MarkedStream#CLOSED} when the spawner died, {@code null} when the time passed
     */
    Integer awaitStatus(long nanos) throws InterruptedException {
        return awaitEnd(stdout, nanos);
    }

    /**
     * Waits for the end of the command's standard error (it follows that of its output); {@code false} when the time
     * passed first or the spawner died.
     */
    boolean awaitStderrEnd(long nanos) throws InterruptedException {
        Integer end = awaitEnd(stderr, nanos);
        return end != null && end != MarkedStream.CLOSED;
    }

    /**
     * Waits for an end marker, looking every {@link #LIFE_CHECK} whether the spawner still lives: a spawner killed
     * under a command writes no marker, and the processes it leaves may keep its pipes open (no end of file). The
     * JDK learns of its exit at once; its streams' end waits for our reading threads.
     */
    private Integer awaitEnd(MarkedStream stream, long nanos) throws InterruptedException {
        long until = System.nanoTime() + nanos;
        while (true) {
            long left = until - System.nanoTime();
            Integer end = stream.awaitEnd(Math.max(0, Math.min(left, LIFE_CHECK)));
            if (end != null) {
                return end;
            }
            if (!process.isAlive()) {
                broken = true;
                end = stream.awaitEnd(0);
                return end != null ? end : MarkedStream.CLOSED;
            }
            if (left <= 0) {
                return null;
            }
        }
    }

    private void send(String line) throws IOException {
        control.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        control.flush();
    }
}
