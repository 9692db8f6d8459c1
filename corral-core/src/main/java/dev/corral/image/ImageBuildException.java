package dev.corral.image;

import java.util.List;

import org.apiguardian.api.API;

import dev.corral.CorralException;

/**
 * An image build failed or timed out. The message names the build and the builder's last error; {@link #lastLines()}
 * holds the last lines the builder printed, which usually say what to install or fix.
 */
@API(status = API.Status.EXPERIMENTAL)
public class ImageBuildException extends CorralException {

    private final List<String> lastLines;

    ImageBuildException(String message, List<String> lastLines) {
        super(message);
        this.lastLines = List.copyOf(lastLines);
    }

    ImageBuildException(String message, Throwable cause) {
        super(message, cause);
        this.lastLines = List.of();
    }

    /** The builder's last output lines, oldest first; empty when the builder could not be started. */
    public List<String> lastLines() {
        return lastLines;
    }
}
