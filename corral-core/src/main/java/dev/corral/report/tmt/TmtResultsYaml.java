package dev.corral.report.tmt;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.corral.results.AtomicFile;
import dev.corral.results.Outcome;
import dev.corral.results.ResultsDir;
import dev.corral.results.RunResults;
import dev.corral.results.SubResult;
import dev.corral.results.TestResult;

import org.apiguardian.api.API;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.common.NonPrintableStyle;

/**
 * Writes {@code results.yaml} in tmt's format (valid against tmt's {@code results.yaml} JSON schema): a list with
 * the final result of every test, with tmt's keys and formats.
 *
 * <ul>
 *   <li>{@code name}, {@code serial-number}, {@code result}, {@code original-result} (the result itself when not
 *       reinterpreted, as tmt writes it), {@code note}, {@code log} (paths relative to the results directory),
 *       {@code data-path}, {@code context}, {@code ids} (entries with a null value left out: the schema wants
 *       strings), {@code subresult}, {@code check} (always empty);</li>
 *   <li>{@code start-time}/{@code end-time} as tmt writes them: ISO-8601 in UTC with microseconds and
 *       {@code +00:00}; {@code duration} as {@code hh:mm:ss} (hours may exceed 99);</li>
 *   <li>{@code guest: {name: MACHINE}}; in a multi-target run also {@code role: TARGET} (the schema allows no
 *       other key); no {@code guest} for a test that never ran on a machine;</li>
 *   <li>a test that was re-run gets a note {@code "earlier attempts: fail, error"}.</li>
 * </ul>
 * {@code fmf-id} is not written: the schema does not allow it. Strings that a YAML 1.1 reader would take for
 * booleans, numbers or timestamps ({@code no}, {@code on}, {@code 10:00:00}, the timestamps themselves) are
 * quoted, so PyYAML-based tools read the file as tmt does. The text is what snakeyaml-engine writes: written by
 * {@link PortableYaml} when it can, by snakeyaml-engine otherwise. Stateless and thread-safe.
 */
@API(status = API.Status.EXPERIMENTAL)
public final class TmtResultsYaml {
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSxxx").withZone(ZoneOffset.UTC);

    private TmtResultsYaml() {
    }

    /** Writes {@code results.yaml} of a results directory atomically. */
    public static void write(ResultsDir dir, RunResults results) {
        write(dir.resultsYaml(), results);
    }

    /** Writes the YAML to {@code file} atomically. */
    public static void write(Path file, RunResults results) {
        byte[] bytes = render(results).getBytes(StandardCharsets.UTF_8);
        AtomicFile.write(file, bytes);
    }

    /** The YAML document. */
    public static String render(RunResults results) {
        List<Object> data = document(results);
        return data.isEmpty() ? "[]\n" : yaml(data);
    }

    /**
     * The non-empty {@code data} as snakeyaml writes it: by {@link PortableYaml} when it can, without snakeyaml's
     * per-scalar analysis and regular expressions, by snakeyaml otherwise.
     */
    static String yaml(List<Object> data) {
        String yaml = PortableYaml.write(data);
        return yaml != null ? yaml : dump(data);
    }

    /** The list of results' entries that {@link #render} writes. */
    static List<Object> document(RunResults results) {
        Objects.requireNonNull(results, "results must not be null");
        List<Object> data = new ArrayList<>();
        boolean multiTarget = results.targets().size() > 1
                || results.targets().stream().anyMatch(t -> !t.equals(ResultsDir.DEFAULT_TARGET));
        for (TestResult r : results.finals()) {
            data.add(entry(r, results.earlierAttempts(r), multiTarget));
        }
        return data;
    }

    /** {@code data} written by snakeyaml. */
    static String dump(List<Object> data) {
        DumpSettings settings = DumpSettings.builder()
                .setDefaultFlowStyle(FlowStyle.BLOCK)
                .setSplitLines(false)
                .setWidth(Integer.MAX_VALUE)
                .setNonPrintableStyle(NonPrintableStyle.ESCAPE)
                .setDereferenceAliases(true)
                .setSchema(new PortableSchema())
                .build();
        return new Dump(settings).dumpToString(data);
    }

    /** tmt's duration format: {@code hh:mm:ss}, truncated to seconds, negative as zero. */
    public static String duration(Duration d) {
        long s = Math.max(0, d.getSeconds());
        // without String.format: its Formatter costs a run's report ~7 ms to start, and each result writes one
        StringBuilder b = new StringBuilder(8);
        for (long part : new long[] {s / 3600, (s % 3600) / 60, s % 60}) {
            if (!b.isEmpty()) {
                b.append(':');
            }
            if (part < 10) {
                b.append('0');
            }
            b.append(part);
        }
        return b.toString();
    }

    /** tmt's timestamp format: {@code 2026-11-23T18:35:33.123456+00:00}. */
    public static String timestamp(Instant t) {
        return TIMESTAMP.format(t);
    }

    private static Map<String, Object> entry(TestResult r, List<TestResult> earlier, boolean multiTarget) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", r.name());
        m.put("result", r.outcome().tmtName());
        m.put("original-result", (r.originalOutcome() == null ? r.outcome() : r.originalOutcome()).tmtName());
        List<String> notes = new ArrayList<>(r.notes());
        if (!earlier.isEmpty()) {
            notes.add("earlier attempts: " + String.join(", ",
                    earlier.stream().map(a -> a.outcome().tmtName()).toList()));
        }
        m.put("note", notes);
        m.put("log", new ArrayList<>(r.logs()));
        m.put("start-time", timestamp(r.start()));
        m.put("end-time", timestamp(r.end()));
        m.put("duration", duration(r.duration()));
        m.put("serial-number", r.serialNumber());
        Map<String, Object> context = new LinkedHashMap<>();
        r.context().forEach((k, v) -> context.put(k, new ArrayList<>(v)));
        m.put("context", context);
        Map<String, Object> ids = new LinkedHashMap<>();
        r.ids().forEach((k, v) -> {
            if (v != null) {
                ids.put(k, v);
            }
        });
        m.put("ids", ids);
        if (r.machine() != null) {
            Map<String, Object> guest = new LinkedHashMap<>();
            guest.put("name", r.machine());
            if (multiTarget) {
                guest.put("role", r.target());
            }
            m.put("guest", guest);
        }
        List<Object> subs = new ArrayList<>();
        for (SubResult s : r.subresults()) {
            subs.add(subresult(s));
        }
        m.put("subresult", subs);
        m.put("check", new ArrayList<>());
        if (r.dataPath() != null) {
            m.put("data-path", r.dataPath());
        }
        return m;
    }

    private static Map<String, Object> subresult(SubResult s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.name());
        m.put("result", s.outcome().tmtName());
        Outcome original = s.originalOutcome() == null ? s.outcome() : s.originalOutcome();
        m.put("original-result", original.tmtName());
        m.put("note", new ArrayList<>(s.notes()));
        m.put("log", new ArrayList<>(s.logs()));
        if (s.start() != null) {
            m.put("start-time", timestamp(s.start()));
        }
        if (s.end() != null) {
            m.put("end-time", timestamp(s.end()));
        }
        if (s.start() != null && s.end() != null) {
            m.put("duration", duration(Duration.between(s.start(), s.end())));
        }
        m.put("check", new ArrayList<>());
        return m;
    }
}
