package dev.corral.fmf;

import dev.corral.CorralException;
import java.nio.file.Path;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * A tree, rule, filter or context that fmf refuses. The message reads {@code FILE:LINE: why} when the file (relative
 * to the tree root where possible) and the 1-based line are known, e.g. {@code tests/main.fmf:12: duplicate key
 * 'summary'}. Every user mistake surfaces as this exception; no other exception type escapes the fmf package for bad
 * input. Immutable and thread-safe.
 */
@API(status = API.Status.EXPERIMENTAL)
public final class FmfException extends CorralException {

    private final transient Path file;
    private final int line;
    private final String reason;

    FmfException(Path file, int line, String reason, Throwable cause) {
        super(format(file, line, reason), cause);
        this.file = file;
        this.line = line;
        this.reason = reason;
    }

    FmfException(Path file, int line, String reason) {
        this(file, line, reason, null);
    }

    FmfException(String reason) {
        this(null, 0, reason, null);
    }

    FmfException(String reason, Throwable cause) {
        this(null, 0, reason, cause);
    }

    /** The file the problem is in, relative to the tree root where possible; empty when not tied to a file. */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /** The 1-based line of the problem, or 0 when unknown. */
    public int line() {
        return line;
    }

    /** The reason alone, without the file and line prefix. */
    public String reason() {
        return reason;
    }

    /** A copy of this exception tied to {@code where} unless it already names a file. */
    FmfException at(Path where, int whereLine) {
        if (file != null || where == null) {
            return this;
        }
        return new FmfException(where, whereLine, reason, getCause());
    }

    private static String format(Path file, int line, String reason) {
        if (file == null) {
            return oneLine(reason);
        }
        String name = file.toString().replace('\\', '/');
        return oneLine(line > 0 ? name + ":" + line + ": " + reason : name + ": " + reason);
    }
}
