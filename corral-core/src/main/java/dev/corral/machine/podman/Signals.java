package dev.corral.machine.podman;

/** Linux signal names and the {@code 128 + n} exit status that podman, shells and Java report for signal {@code n}. */
final class Signals {
    private static final String[] NAMES = {
        null, "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2", "PIPE",
        "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ", "VTALRM",
        "PROF", "WINCH", "IO", "PWR", "SYS"};

    private Signals() {
    }

    /** The signal an exit status stands for ({@code 128 + n}, n from 1 to 31), or {@code null}. */
    static String fromExitStatus(int status) {
        int n = status - 128;
        return n >= 1 && n < NAMES.length ? NAMES[n] : null;
    }
}
