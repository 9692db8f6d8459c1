package dev.corral.machine.ssh;

import java.util.List;

/** Signal names as sshd reports them ({@code "TERM"}) and their Linux numbers, for {@code 128 + n} exit codes. */
final class Signals {
    private static final List<String> LINUX = List.of("", "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE",
            "KILL", "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN",
            "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS");

    private Signals() {
    }

    /** The signal's name without {@code SIG} (OpenSSH may append {@code @openssh.com} to unusual ones). */
    static String normalize(String name) {
        String n = name.strip();
        int at = n.indexOf('@');
        if (at >= 0) {
            n = n.substring(0, at);
        }
        return n.startsWith("SIG") ? n.substring(3) : n;
    }

    /** The shell-style exit code of a process killed by the signal: 128 + its number, or -1 when unknown. */
    static int exitCode(String name) {
        int number = LINUX.indexOf(normalize(name));
        return number > 0 ? 128 + number : -1;
    }
}
