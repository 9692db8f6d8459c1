package dev.corral.machine.local;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.corral.RunId;
import dev.corral.machine.HostProcesses;

import org.slf4j.Logger;

/**
 * Kills every process a command started, including the ones that left its process tree.
 *
 * <p>A command started directly runs as the leader of its own session ({@code setsid}); one a {@link Spawner} forks
 * runs in the spawner's session, which holds nothing else. Each carries a unique token in its environment
 * ({@value #TOKEN_VARIABLE}), inherited by every program it starts. A process belongs to the command when it is a
 * descendant of it, is in its session (the spawner excepted) or process group, or carries its token: a daemon that
 * called {@code setsid} and was re-parented to init is still found by its token. Only a process that also cleared its
 * environment escapes, which is documented as a limitation.
 *
 * <p>Killing repeats (SIGKILL, re-scan) until nothing is left, so processes forked during the kill are caught
 * too. The JVM and its ancestors are never touched; zombies are ignored (they are already dead).
 */
final class ProcessReaper {
    /** The environment variable carrying a command's token. */
    static final String TOKEN_VARIABLE = "CORRAL_TEST_TOKEN";

    private static final Path PROC = Path.of("/proc");
    private static final Path STAT = PROC.resolve("stat");
    private static final Path LOADAVG = PROC.resolve("loadavg");
    private static final Path PID_MAX = PROC.resolve("sys/kernel/pid_max");
    private static final Path LAST_PID = PROC.resolve("sys/kernel/ns_last_pid");
    private static final byte[] FORKS = "processes ".getBytes(StandardCharsets.US_ASCII);
    /** Room left in the pid counter's arithmetic ({@link Birth}), for what the counts do not see. */
    private static final long PID_MARGIN = 1000;
    private static final int MAX_ROUNDS = 200;
    /**
     * Processes seen by earlier scans, by pid: reading {@code /proc/<pid>/stat} of every process after every
     * command is the costliest part of a short command's end, and a process older than a command is skipped
     * after one {@code stat} of its entry.
     */
    private static final Map<Long, Seen> SEEN = new ConcurrentHashMap<>();
    /** Room for a whole {@code /proc/<pid>/stat} line (comm is at most 64 bytes, 52 numeric fields). */
    private static final int STAT_BUFFER = 2048;

    private ProcessReaper() {
    }

    /**
     * Kills the command's process (if still running) and everything it started, then waits briefly for the
     * command's own process to be reaped. Never throws; leaves the interrupt flag as it found it.
     *
     * @param root  the command's process, the leader of its session
     * @param birth when the command's process started ({@link #start}); older processes cannot belong to it
     * @param token the command's token
     * @return how many processes were signalled
     */
    static int kill(Process root, Birth birth, String token, Logger log) {
        boolean interrupted = Thread.interrupted();
        try {
            return killAll(root, new Scope(root.pid(), root.pid(), root.pid(), birth, token), log);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Kills every process of a {@link Spawner}'s session but the spawner, and every process carrying the token:
     * the command the spawner runs, or ran last, and everything it started. Never throws; leaves the interrupt flag
     * as it found it.
     *
     * @param session  the spawner's pid, the leader of the session
     * @param pidFloor the host's last pid before the command started ({@link #lastPid}): its processes have
     *                 greater ones, as long as the counter did not come round
     * @param birth    the host's counts before the command started ({@link #birthNow})
     * @param token    the command's token
     * @return how many processes were signalled
     */
    static int killSession(long session, long pidFloor, Birth birth, String token, Logger log) {
        boolean interrupted = Thread.interrupted();
        try {
            return killAll(null, new Scope(session, -1, pidFloor, birth, token), log);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * What belongs to a command: the processes of a session or a process group, or carrying the token, started
     * after the birth. The leader of the session is never in it (a command's own process is killed, and awaited,
     * by itself; a spawner is not the command's). Processes with pids up to {@code pidFloor} are older, while the
     * birth says so.
     */
    private record Scope(long session, long group, long pidFloor, Birth birth, String token) {
    }

    /**
     * When a command's process was born, as far as telling the processes it started from older ones needs.
     *
     * <p>Pids grow until they wrap around at {@code pid_max}. While the host has made too few tasks since the
     * command's process started for its pid counter to have come round again, every process newer than the command
     * has a greater pid, and the scan after the command looks at those alone (a handful) instead of every process
     * on the host (a desktop has a thousand: ~3 ms per test). To come round, the counter must hand out every free
     * pid above the command's; at most the tasks alive before it started can be in the way.
     *
     * @param startTicks  when the process started, in clock ticks since boot; -1 when unknown
     * @param forksBefore tasks the host had made just before ({@code processes} in {@code /proc/stat}); -1 when
     *                    unknown
     * @param tasksBefore tasks alive just before ({@code /proc/loadavg}); -1 when unknown
     */
    record Birth(long startTicks, long forksBefore, long tasksBefore) {
        /** Whether no pid can have been handed out twice since a process {@code pid} with this birth started. */
        boolean newerProcessesHaveGreaterPids(long pid) {
            if (forksBefore < 0 || tasksBefore < 0) {
                return false;
            }
            long forks = forks();
            byte[] max = readAll(PID_MAX);
            long pidMax = max == null ? -1 : number(max, 0);
            return forks >= forksBefore && pidMax > 0
                    && (forks - forksBefore) + tasksBefore + PID_MARGIN < pidMax - pid;
        }
    }

    /** A command's process, just started, and its {@link Birth}. */
    record Started(Process process, Birth birth) {
    }

    /**
     * Starts a command's process: the host's counts are taken just before it starts, its start time just after
     * ({@link Birth}).
     */
    static Started start(ProcessBuilder builder) throws IOException {
        long forks = forks();
        long tasks = tasks();
        Process process = HostProcesses.start(builder);
        return new Started(process, new Birth(startTicks(process.pid()), forks, tasks));
    }

    /**
     * The host's counts now, for a command about to start in a process that started at {@code startTicks} or
     * before it (a {@link Spawner}'s fork).
     */
    static Birth birthNow(long startTicks) {
        return new Birth(startTicks, forks(), tasks());
    }

    /**
     * The pid the host handed out last ({@code ns_last_pid}), or -1: while the counter does not come round
     * ({@link Birth#newerProcessesHaveGreaterPids}), every process started later has a greater pid.
     */
    static long lastPid() {
        byte[] last = readAll(LAST_PID);
        return last == null ? -1 : number(last, 0);
    }

    /** Tasks alive on the host ({@code /proc/loadavg}), or -1. */
    private static long tasks() {
        byte[] loadavg = readAll(LOADAVG);
        int slash = loadavg == null ? -1 : indexOf(loadavg, (byte) '/', 0);
        return slash < 0 ? -1 : number(loadavg, slash + 1);
    }

    /** Tasks the host has made since it booted, or -1. */
    private static long forks() {
        byte[] stat = readAll(STAT);
        int at = 0;
        while (stat != null && at < stat.length) {
            if (startsWith(stat, at, FORKS)) {
                return number(stat, at + FORKS.length);
            }
            int newline = indexOf(stat, (byte) '\n', at);
            if (newline < 0) {
                break;
            }
            at = newline + 1;
        }
        return -1;
    }

    /**
     * A small file of {@code /proc}, whole, or {@code null}. Read with {@link FileInputStream#readAllBytes}, whose
     * first read asks for a buffer's worth: a sysctl file such as {@code pid_max} answers a read at an offset with
     * its end, so {@link Files#readAllBytes} (which reads one byte first, as the file's size is 0) sees only its
     * first digit.
     */
    private static byte[] readAll(Path file) {
        try (FileInputStream in = new FileInputStream(file.toFile())) {
            return in.readAllBytes();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The decimal number at {@code from} (up to the first non-digit), or -1 when there is none. */
    private static long number(byte[] bytes, int from) {
        int end = from;
        while (end < bytes.length && bytes[end] >= '0' && bytes[end] <= '9') {
            end++;
        }
        return parseLong(bytes, from, end);
    }

    private static boolean startsWith(byte[] bytes, int at, byte[] prefix) {
        return bytes.length - at >= prefix.length && Arrays.equals(bytes, at, at + prefix.length, prefix, 0, prefix.length);
    }

    private static int indexOf(byte[] bytes, byte b, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** The start of every token of a run's commands: {@code <run id>.}, so a whole run can be found. */
    static String tokenPrefix(RunId run) {
        return run.value() + ".";
    }

    /**
     * The runs that have processes here: run ids found in {@value #TOKEN_VARIABLE} of live processes (not this
     * JVM or its ancestors).
     */
    static Map<RunId, Set<Long>> processesByRun() {
        byte[] marker = (TOKEN_VARIABLE + "=").getBytes(StandardCharsets.UTF_8);
        Set<Long> untouchable = untouchable();
        Map<RunId, Set<Long>> runs = new HashMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC)) {
            for (Path entry : entries) {
                long pid = pid(entry.getFileName().toString());
                if (pid < 0 || untouchable.contains(pid) || isZombieOrGone(pid)) {
                    continue;
                }
                String run = tokenRun(entry, marker);
                if (run != null) {
                    try {
                        runs.computeIfAbsent(new RunId(run), r -> new HashSet<>()).add(pid);
                    } catch (IllegalArgumentException notOurs) {
                        // a token that is not a run id: not a Corral process of a known run
                    }
                }
            }
        } catch (IOException e) {
            // no /proc: nothing to find
        }
        return runs;
    }

    /** Kills processes by pid (SIGKILL), skipping this JVM and its ancestors; returns how many were signalled. */
    static int kill(Set<Long> pids) {
        Set<Long> untouchable = untouchable();
        List<ProcessHandle> doomed = new ArrayList<>();
        for (long pid : pids) {
            if (!untouchable.contains(pid)) {
                ProcessHandle.of(pid).ifPresent(doomed::add);
            }
        }
        return HostProcesses.killAndAwait(doomed, Duration.ofSeconds(5));
    }

    /** The run id in a process's token ({@code CORRAL_TEST_TOKEN=<run>.<uuid>}), or {@code null}. */
    private static String tokenRun(Path procEntry, byte[] marker) {
        byte[] environ;
        try {
            environ = Files.readAllBytes(procEntry.resolve("environ"));
        } catch (IOException | RuntimeException e) {
            return null;
        }
        int start = 0;
        for (int i = 0; i <= environ.length; i++) {
            if (i == environ.length || environ[i] == 0) {
                if (i - start > marker.length && Arrays.equals(environ, start, start + marker.length, marker, 0, marker.length)) {
                    String value = new String(environ, start + marker.length, i - start - marker.length, StandardCharsets.UTF_8);
                    int dot = value.indexOf('.');
                    return dot > 0 ? value.substring(0, dot) : null;
                }
                start = i + 1;
            }
        }
        return null;
    }

    private static int killAll(Process root, Scope scope, Logger log) {
        byte[] needle = (TOKEN_VARIABLE + "=" + scope.token()).getBytes(StandardCharsets.UTF_8);
        long session = scope.session();
        // this JVM and its ancestors, found (a read of each one's stat) only when there is something to kill
        Set<Long> untouchable = null;
        int signalled = 0;
        Set<Long> descendants = new HashSet<>();
        if (root != null && root.isAlive()) {
            // children are only known as such while their parent lives
            root.descendants().forEach(h -> descendants.add(h.pid()));
            root.destroyForcibly();
            signalled++;
        }
        for (int round = 0; round < MAX_ROUNDS; round++) {
            Set<Long> targets = new LinkedHashSet<>(descendants);
            descendants.clear();
            targets.addAll(scan(scope, needle));
            targets.remove(session);
            targets.removeIf(ProcessReaper::isZombieOrGone);
            if (targets.isEmpty()) {
                break;
            }
            if (untouchable == null) {
                untouchable = untouchable();
            }
            targets.removeAll(untouchable);
            if (targets.isEmpty()) {
                break;
            }
            for (long pid : targets) {
                Optional<ProcessHandle> handle = ProcessHandle.of(pid);
                if (handle.isPresent() && handle.get().destroyForcibly()) {
                    signalled++;
                }
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(round < 10 ? 1 : 10));
            if (round == MAX_ROUNDS - 1) {
                log.warn("processes of session {} survived {} rounds of SIGKILL: {}", session, MAX_ROUNDS, targets);
            }
        }
        try {
            if (root != null && !root.waitFor(10, TimeUnit.SECONDS)) {
                log.warn("process {} did not exit 10 s after SIGKILL", session);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return signalled;
    }

    /** Processes of the command's session or process group, or carrying its token. */
    private static Set<Long> scan(Scope scope, byte[] needle) {
        Birth birth = scope.birth();
        Set<Long> found = new HashSet<>();
        String[] names = PROC.toFile().list();
        if (names == null) {
            return found; // /proc is always there on Linux; without it only the descendants are found
        }
        long notBefore = birth.startTicks();
        boolean newerOnly = scope.pidFloor() > 0 && birth.newerProcessesHaveGreaterPids(scope.pidFloor());
        long[] listed = new long[names.length];
        int count = 0;
        for (String name : names) {
            long pid = pid(name);
            if (pid < 0) {
                continue;
            }
            listed[count++] = pid;
            if (newerOnly && pid <= scope.pidFloor()) {
                continue;
            }
            Path entry = PROC.resolve(name);
            Object identity = identity(entry);
            Seen seen = SEEN.get(pid);
            if (seen != null && identity != null && seen.identity().equals(identity) && seen.startTicks() < notBefore) {
                // the same process as in an earlier scan, older than the command: cannot belong to it
                continue;
            }
            long[] ids = sessionAndGroup(entry);
            if (ids == null) {
                SEEN.remove(pid);
                continue;
            }
            if (identity != null) {
                SEEN.put(pid, new Seen(identity, ids[2]));
            }
            if (ids[2] < notBefore) {
                continue;
            }
            if (ids[0] == scope.session() || ids[1] == scope.group() || environContains(entry, needle)) {
                found.add(pid);
            }
        }
        // forget processes that are gone (a concurrent scan's newer entries may go too: only a cache miss)
        long[] live = Arrays.copyOf(listed, count);
        Arrays.sort(live);
        SEEN.keySet().removeIf(pid -> Arrays.binarySearch(live, pid) < 0);
        return found;
    }

    /**
     * The identity of a process's {@code /proc} entry (its inode: a process that reuses a pid gets a new one), or
     * {@code null} when gone.
     */
    private static Object identity(Path procEntry) {
        try {
            return Files.readAttributes(procEntry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** A process seen by a scan: the identity of its {@code /proc} entry and when it started. */
    private record Seen(Object identity, long startTicks) {
    }

    /** {session, process group, start time} of a live process, {@code null} when gone or a zombie. */
    private static long[] sessionAndGroup(Path procEntry) {
        // read and parsed without Strings: this runs for every process on the host after every command
        byte[] stat = new byte[STAT_BUFFER];
        int length = readStat(procEntry, stat);
        if (length <= 0) {
            return null;
        }
        // pid (comm) state ppid pgrp session ...; comm may hold spaces and parentheses
        int close = length - 1;
        while (close >= 0 && stat[close] != ')') {
            close--;
        }
        int at = close + 2;
        if (close < 0 || at >= length) {
            return null;
        }
        byte state = stat[at];
        if (state == 'Z' || state == 'X') {
            return null;
        }
        long[] ids = new long[3];
        // fields after the comm, from 0: state, ppid, pgrp (2), session (3), ..., starttime (19)
        int field = 0;
        int i = at;
        while (i < length && field <= 19) {
            int end = i;
            while (end < length && stat[end] != ' ' && stat[end] != '\n') {
                end++;
            }
            if (field == 2 || field == 3 || field == 19) {
                long value = parseLong(stat, i, end);
                if (value < 0) {
                    return null;
                }
                ids[field == 2 ? 1 : field == 3 ? 0 : 2] = value;
            }
            field++;
            i = end + 1;
        }
        return field > 19 ? ids : null;
    }

    /** A non-negative decimal number, or -1. */
    private static long parseLong(byte[] bytes, int from, int to) {
        if (from >= to) {
            return -1;
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            int digit = bytes[i] - '0';
            if (digit < 0 || digit > 9) {
                return -1;
            }
            value = value * 10 + digit;
        }
        return value;
    }

    /** When a process started, in clock ticks since boot; -1 when it is gone. */
    static long startTicks(long pid) {
        long[] ids = sessionAndGroup(PROC.resolve(Long.toString(pid)));
        return ids == null ? -1 : ids[2];
    }

    private static boolean isZombieOrGone(long pid) {
        return sessionAndGroup(PROC.resolve(Long.toString(pid))) == null;
    }

    /** Reads {@code /proc/<pid>/stat} into {@code buffer} in one read; its length, or -1 when unreadable. */
    private static int readStat(Path procEntry, byte[] buffer) {
        try (FileInputStream in = new FileInputStream(procEntry.resolve("stat").toString())) {
            int length = 0;
            int n;
            // the kernel hands the whole line to the first read; no read for the end of the file after its newline
            while (length < buffer.length && (length == 0 || buffer[length - 1] != '\n')
                    && (n = in.read(buffer, length, buffer.length - length)) > 0) {
                length += n;
            }
            return length;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static boolean environContains(Path procEntry, byte[] needle) {
        byte[] environ;
        try {
            environ = Files.readAllBytes(procEntry.resolve("environ"));
        } catch (IOException | RuntimeException e) {
            return false;
        }
        outer:
        for (int i = 0; i <= environ.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (environ[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** This JVM and its ancestors. */
    private static Set<Long> untouchable() {
        Set<Long> pids = new HashSet<>();
        Optional<ProcessHandle> handle = Optional.of(ProcessHandle.current());
        while (handle.isPresent()) {
            pids.add(handle.get().pid());
            handle = handle.get().parent();
        }
        return pids;
    }

    /** How many processes the scans remember (tests: gone ones must be forgotten). */
    static int remembered() {
        return SEEN.size();
    }

    /** The pid a {@code /proc} entry's name is, or -1 when it is not a number. */
    private static long pid(String name) {
        if (name.isEmpty() || name.length() > 18) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
