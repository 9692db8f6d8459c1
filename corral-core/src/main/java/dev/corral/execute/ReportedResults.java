package dev.corral.execute;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.corral.CorralException;
import dev.corral.results.Outcome;

import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Results a test wrote itself, in tmt's results format: the entries {@code tmt-report-result} appends to
 * {@code tmt-report-results.yaml}, or a {@code result: custom} test's {@code results.yaml} / {@code results.json}.
 * Parsing is strict where tmt is strict (a list of mappings, known outcomes) and lenient where tmt is lenient
 * (unknown keys are ignored, a missing {@code result} means {@code pass}).
 */
final class ReportedResults {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern HMS = Pattern.compile("(\\d+):(\\d{1,2}):(\\d{1,2})(?:\\.(\\d+))?");

    /**
     * One reported result.
     *
     * @param name       the name as reported, e.g. {@code /phase-setup} or {@code /} (the test itself)
     * @param outcome    the reported outcome
     * @param notes      notes
     * @param logs       logs as written: paths relative to the test's data directory
     * @param start      when it started, or {@code null}
     * @param end        when it ended, or {@code null}
     * @param duration   how long it took, or {@code null}
     * @param ids        identifiers ({@code ids:}), may be empty
     * @param subresults nested results ({@code subresult:})
     */
    record Entry(String name, Outcome outcome, List<String> notes, List<String> logs, Instant start, Instant end,
                 Duration duration, Map<String, String> ids, List<Entry> subresults) {
    }

    /** The results file is not in tmt's results format; the message says why. */
    static final class InvalidResults extends CorralException {
        InvalidResults(String message) {
            super(message);
        }
    }

    private ReportedResults() {
    }

    /** Parses a YAML results file ({@code tmt-report-results.yaml}, {@code results.yaml}). */
    static List<Entry> fromYaml(String text) {
        Object data;
        try {
            data = new Load(LoadSettings.builder().setLabel("results").build()).loadFromString(text);
        } catch (YamlEngineException e) {
            throw new InvalidResults("invalid YAML syntax: " + oneLine(e.getMessage()));
        }
        return entries(data, "yaml");
    }

    /** Parses a JSON results file ({@code results.json}). */
    static List<Entry> fromJson(String text) {
        Object data;
        try {
            data = JSON.readValue(text, Object.class);
        } catch (JacksonException e) {
            throw new InvalidResults("invalid JSON syntax: " + oneLine(e.getOriginalMessage()));
        }
        return entries(data, "json");
    }

    private static List<Entry> entries(Object data, String format) {
        if (data == null) {
            return List.of();
        }
        if (!(data instanceof List<?> list)) {
            throw new InvalidResults("expected a list in " + format + " data, got '" + typeName(data) + "'");
        }
        List<Entry> entries = new ArrayList<>(list.size());
        int index = 0;
        for (Object item : list) {
            index++;
            entries.add(entry(item, "result #" + index));
        }
        return entries;
    }

    private static Entry entry(Object item, String where) {
        if (!(item instanceof Map<?, ?> map)) {
            throw new InvalidResults(where + ": expected a mapping, got '" + typeName(item) + "'");
        }
        Object name = map.get("name");
        if (!(name instanceof String text) || text.isEmpty()) {
            throw new InvalidResults(where + ": 'name' must be a non-empty string");
        }
        String label = "result '" + text + "'";
        Outcome outcome = outcome(map.get("result"), label);
        List<Entry> subresults = new ArrayList<>();
        if (map.get("subresult") instanceof List<?> subs) {
            int index = 0;
            for (Object sub : subs) {
                subresults.add(entry(sub, label + " subresult #" + (++index)));
            }
        }
        return new Entry(text, outcome, strings(map.get("note"), label + " note"),
                strings(map.get("log"), label + " log"), time(map.get("start-time")), time(map.get("end-time")),
                duration(map.get("duration")), ids(map.get("ids")), List.copyOf(subresults));
    }

    private static Outcome outcome(Object value, String label) {
        if (value == null) {
            return Outcome.PASS;
        }
        String text = value.toString().strip().toLowerCase(java.util.Locale.ROOT);
        for (Outcome outcome : Outcome.values()) {
            if (outcome != Outcome.PENDING && outcome.tmtName().equals(text)) {
                return outcome;
            }
        }
        throw new InvalidResults(label + ": invalid result '" + value + "'");
    }

    private static List<String> strings(Object value, String label) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof Collection<?> items) {
            List<String> strings = new ArrayList<>(items.size());
            for (Object item : items) {
                if (item == null || item instanceof Map || item instanceof Collection) {
                    throw new InvalidResults(label + ": expected strings, got '" + typeName(item) + "'");
                }
                strings.add(item.toString());
            }
            return strings;
        }
        if (value instanceof Map) {
            throw new InvalidResults(label + ": expected a string or a list of strings");
        }
        return List.of(value.toString());
    }

    private static Map<String, String> ids(Object value) {
        Map<String, String> ids = new LinkedHashMap<>();
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                if (k != null && v != null) {
                    ids.put(k.toString(), v.toString());
                }
            });
        }
        return ids;
    }

    static Instant time(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof java.util.Date date) {
            return date.toInstant();
        }
        String text = value.toString().strip();
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException ignored) {
                return null;
            }
        }
    }

    /** tmt writes durations as {@code hh:mm:ss}; plain seconds are accepted too. */
    static Duration duration(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Number number) {
            return Duration.ofMillis(Math.round(number.doubleValue() * 1000));
        }
        Matcher m = HMS.matcher(value.toString().strip());
        if (!m.matches()) {
            return null;
        }
        Duration d = Duration.ofHours(Long.parseLong(m.group(1))).plusMinutes(Long.parseLong(m.group(2)))
                .plusSeconds(Long.parseLong(m.group(3)));
        if (m.group(4) != null) {
            String fraction = (m.group(4) + "000000000").substring(0, 9);
            d = d.plusNanos(Long.parseLong(fraction));
        }
        return d;
    }

    private static String typeName(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Map) {
            return "dict";
        }
        if (value instanceof List) {
            return "list";
        }
        if (value instanceof String) {
            return "str";
        }
        return value.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
    }

    private static String oneLine(String message) {
        String text = message == null ? "unknown error" : message.strip().replaceAll("\\s*\\n\\s*", " ");
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }
}
