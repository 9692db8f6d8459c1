package dev.corral.machine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import org.apiguardian.api.API;
import org.slf4j.Logger;

/** Copies a command's output stream to its sink, for {@link Connection} implementations. */
@API(status = API.Status.INTERNAL)
public final class OutputPump {
    private OutputPump() {
    }

    /**
     * Copies {@code from} to {@code to} until the end of {@code from}, then closes {@code from}. A failing sink is
     * dropped and the rest discarded, so that the command never blocks on a full pipe; its owner sees its own
     * failure. Blocks the calling thread (run it on a virtual thread).
     */
    public static void copy(InputStream from, OutputStream to, Logger log) {
        byte[] buffer = new byte[64 * 1024];
        boolean sinkOk = true;
        try (from) {
            int n;
            while ((n = from.read(buffer)) >= 0) {
                if (sinkOk) {
                    try {
                        to.write(buffer, 0, n);
                    } catch (IOException | RuntimeException e) {
                        sinkOk = false;
                        log.debug("output sink failed, discarding the rest: {}", e.toString());
                    }
                }
            }
            if (sinkOk) {
                to.flush();
            }
        } catch (IOException e) {
            log.debug("reading command output failed: {}", e.toString());
        }
    }
}
