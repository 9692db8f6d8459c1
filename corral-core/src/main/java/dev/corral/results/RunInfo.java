package dev.corral.results;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import dev.corral.CorralException;
import dev.corral.RunId;

import org.apiguardian.api.API;

/**
 * What {@code run.json} says about a run. Written when the run starts (status {@code running}) and again when it
 * ends (status {@code finished} or {@code interrupted}); a {@code running} file left behind means the run was
 * killed. Immutable.
 *
 * <p>{@code run.json}:
 * <pre>{@code
 * {"id": "20261123-183533-k3f9", "status": "finished",
 *  "start-time": "2026-11-23T18:35:33.123Z", "end-time": "2026-11-23T18:41:02.456Z",
 *  "corral-version": "0.1.0", "targets": {"default": "podman fedora:40"}, "context": {"distro": ["fedora-40"]}}
 * }</pre>
 *
 * @param id            the run id
 * @param status        running, finished or interrupted
 * @param start         when the run started
 * @param end           when it ended, {@code null} while running
 * @param targets       target name to a description of its provisioner, in run order
 * @param context       the FMF context of the run
 * @param corralVersion the Corral version that wrote the directory, or {@code null} when unknown
 */
@API(status = API.Status.EXPERIMENTAL)
public record RunInfo(RunId id, Status status, Instant start, Instant end, Map<String, String> targets,
                      Map<String, List<String>> context, String corralVersion) {

    /** State of a run as recorded in {@code run.json}. */
    @API(status = API.Status.EXPERIMENTAL)
    public enum Status {
        RUNNING, FINISHED, INTERRUPTED;

        /** The spelling in {@code run.json}: {@code running}, {@code finished}, {@code interrupted}. */
        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * Parses a {@link #jsonName()}.
         *
         * @throws CorralException naming the value when it is not a status
         */
        public static Status parse(String value) {
            for (Status s : values()) {
                if (s.jsonName().equals(value)) {
                    return s;
                }
            }
            throw new CorralException("invalid run status '" + value + "': expected running, finished or interrupted");
        }
    }

    public RunInfo {
        Objects.requireNonNull(id, "id must not be null");
        Objects.requireNonNull(status, "status must not be null");
        Objects.requireNonNull(start, "start must not be null");
        targets = Collections.unmodifiableMap(new LinkedHashMap<>(targets));
        Map<String, List<String>> ctx = new LinkedHashMap<>();
        context.forEach((k, v) -> ctx.put(k, List.copyOf(v)));
        context = Collections.unmodifiableMap(ctx);
    }

    /** A run that starts now. */
    public static RunInfo started(RunId id, Map<String, String> targets, Map<String, List<String>> context,
                                  String corralVersion) {
        return new RunInfo(id, Status.RUNNING, Instant.now(), null, targets, context, corralVersion);
    }

    /** A copy that ended now with the given status ({@code FINISHED} or {@code INTERRUPTED}). */
    public RunInfo ended(Status newStatus) {
        return ended(newStatus, Instant.now());
    }

    /** A copy that ended at {@code at} with the given status. */
    public RunInfo ended(Status newStatus, Instant at) {
        Objects.requireNonNull(at, "at must not be null");
        if (newStatus == Status.RUNNING) {
            throw new IllegalArgumentException("an ended run cannot be running");
        }
        return new RunInfo(id, newStatus, start, at, targets, context, corralVersion);
    }
}
