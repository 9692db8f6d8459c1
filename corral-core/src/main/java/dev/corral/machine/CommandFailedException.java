package dev.corral.machine;

import dev.corral.CorralException;

import org.apiguardian.api.API;

/** A command that had to succeed did not; the message quotes the end of its error output. */
@API(status = API.Status.EXPERIMENTAL)
public class CommandFailedException extends CorralException {
    private final transient ExecResult result;

    public CommandFailedException(String what, ExecResult result) {
        super(what + " failed (" + describe(result) + ")" + tail(result));
        this.result = result;
    }

    /** The result of the failed command. */
    public ExecResult result() {
        return result;
    }

    private static String describe(ExecResult r) {
        if (r.timedOut()) {
            return "timed out after " + r.duration().toMillis() + " ms";
        }
        return r.signal() != null ? "killed by SIG" + r.signal() : "exit code " + r.exitCode();
    }

    private static String tail(ExecResult r) {
        String text = (r.stderr().isBlank() ? r.stdout() : r.stderr()).strip();
        if (text.isEmpty()) {
            return "";
        }
        String[] lines = text.split("\n");
        StringBuilder sb = new StringBuilder(": ");
        for (int i = Math.max(0, lines.length - 3); i < lines.length; i++) {
            sb.append(i > Math.max(0, lines.length - 3) ? " | " : "").append(lines[i].strip());
        }
        return sb.length() > 500 ? sb.substring(0, 500) + "…" : sb.toString();
    }
}
