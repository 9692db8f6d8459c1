package dev.corral.machine.local;

/** Linux signal numbers and the shell's {@code 128 + n} exit status convention. */
final class Signals {
    private static final String[] NAMES = {
        null, "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2", "PIPE",
        "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ", "VTALRM",
        "PROF", "WINCH", "IO", "PWR", "SYS"};

    private Signals() {
    }

    /**
     * The signal an exit status stands for: {@code 128 + n} with {@code n} a standard signal (1 to 31), as Java and
     * shells report a process killed by a signal; {@code null} for any other status.
     */
    static String fromExitStatus(int status) {
        int n = status - 128;
        return n >= 1 && n < NAMES.length ? NAMES[n] : null;
    }
}
