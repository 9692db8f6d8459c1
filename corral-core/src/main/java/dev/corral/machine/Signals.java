package dev.corral.machine;

import java.util.List;

import org.apiguardian.api.API;

/**
 * Linux signal names and the {@code 128 + n} exit status that shells, Java, podman and sshd report for a process
 * killed by signal {@code n}. Names are given without {@code SIG}: {@code TERM}, {@code KILL}.
 */
@API(status = API.Status.INTERNAL)
public final class Signals {
    private static final List<String> NAMES = List.of("", "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE",
            "KILL", "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN",
            "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS");

    private Signals() {
    }

    /** The signal an exit status stands for ({@code 128 + n}, n from 1 to 31), or {@code null}. */
    public static String fromExitStatus(int status) {
        int n = status - 128;
        return n >= 1 && n < NAMES.size() ? NAMES.get(n) : null;
    }

    /** The signal's name without {@code SIG} (OpenSSH may append {@code @openssh.com} to unusual ones). */
    public static String normalize(String name) {
        String n = name.strip();
        int at = n.indexOf('@');
        if (at >= 0) {
            n = n.substring(0, at);
        }
        return n.startsWith("SIG") ? n.substring(3) : n;
    }

    /** The exit status of a process killed by the signal: 128 + its number, or -1 when unknown. */
    public static int exitStatus(String name) {
        int number = NAMES.indexOf(normalize(name));
        return number > 0 ? 128 + number : -1;
    }
}
