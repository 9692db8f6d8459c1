package dev.corral.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;

/**
 * The process's standard output as commands see it: a {@link PrintWriter} (flushed on {@code println}) that also
 * lends its byte stream to commands writing large, already encoded output. Not thread-safe beyond what
 * {@link PrintWriter} and {@link PrintStream} guarantee.
 */
final class StandardOutput extends PrintWriter {
    private final PrintStream stream;

    StandardOutput(PrintStream stream) {
        super(stream, true);
        this.stream = stream;
    }

    /** The byte stream under this writer, with the writer's pending text flushed to it first. */
    OutputStream bytes() {
        flush();
        return stream;
    }
}
