package dev.corral.results;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.corral.CorralException;
import dev.corral.RunId;
import dev.corral.json.Json;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;

/**
 * The explicit JSON mapping of {@link TestResult} (one journal line) and of {@link RunInfo} ({@code run.json}).
 * Field names are fixed here and documented in {@link Journal}; no reflection-based binding is used, so renaming a
 * Java component never changes the files. Written and read with the streaming API ({@link Json}). Thread-safe.
 */
final class ResultJson {
    /** Version of the journal line format, written as {@code "v"} on every line. */
    static final int JOURNAL_VERSION = 1;

    private ResultJson() {
    }

    /** A problem with one JSON document; the caller adds the file and line. */
    static final class BadJson extends RuntimeException {
        BadJson(String message) {
            super(message);
        }

        BadJson(String message, Throwable cause) {
            super(message, cause);
        }
    }

    // ---------------------------------------------------------------- TestResult

    /** The result's journal line, without its line end. */
    static byte[] line(TestResult r) {
        try {
            return Json.bytes(json -> write(json, r));
        } catch (JacksonException e) {
            throw new BadJson("cannot serialize: " + e.getOriginalMessage(), e);
        }
    }

    private static void write(JsonGenerator json, TestResult r) {
        json.writeStartObject();
        json.writeNumberProperty("v", JOURNAL_VERSION);
        json.writeStringProperty("name", r.name());
        json.writeStringProperty("target", r.target());
        json.writeNumberProperty("serial-number", r.serialNumber());
        json.writeNumberProperty("attempt", r.attempt());
        json.writeStringProperty("result", r.outcome().tmtName());
        writeOutcome(json, "original-result", r.originalOutcome());
        writeStrings(json, "note", r.notes());
        json.writeStringProperty("start-time", InstantText.of(r.start()));
        json.writeStringProperty("end-time", InstantText.of(r.end()));
        json.writeStringProperty("machine", r.machine());
        json.writeStringProperty("data-path", r.dataPath());
        writeStrings(json, "log", r.logs());
        json.writeArrayPropertyStart("subresult");
        for (SubResult sub : r.subresults()) {
            json.writeStartObject();
            json.writeStringProperty("name", sub.name());
            json.writeStringProperty("result", sub.outcome().tmtName());
            writeOutcome(json, "original-result", sub.originalOutcome());
            writeStrings(json, "note", sub.notes());
            writeStrings(json, "log", sub.logs());
            json.writeStringProperty("start-time", sub.start() == null ? null : InstantText.of(sub.start()));
            json.writeStringProperty("end-time", sub.end() == null ? null : InstantText.of(sub.end()));
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeObjectPropertyStart("context");
        for (Map.Entry<String, List<String>> e : r.context().entrySet()) {
            writeStrings(json, e.getKey(), e.getValue());
        }
        json.writeEndObject();
        json.writeObjectPropertyStart("ids");
        for (Map.Entry<String, String> e : r.ids().entrySet()) {
            json.writeStringProperty(e.getKey(), e.getValue());
        }
        json.writeEndObject();
        json.writeName("extra");
        Json.writeValue(json, r.extra());
        json.writeEndObject();
    }

    /** The result of one journal line, parsed by {@link #parse}. */
    static TestResult testResult(Object document) {
        Map<String, Object> n = object(document);
        Object v = n.get("v");
        if (v != null && (!(v instanceof Integer version) || version > JOURNAL_VERSION)) {
            throw new BadJson("unsupported journal format version " + v + " (this Corral reads up to "
                    + JOURNAL_VERSION + "); use a newer Corral");
        }
        List<SubResult> subs = new ArrayList<>();
        Object subNodes = optional(n, "subresult");
        if (subNodes != null) {
            requireType(subNodes instanceof List<?>, "subresult", "an array");
            for (Object s : (List<?>) subNodes) {
                requireType(s instanceof Map<?, ?>, "subresult", "an array of objects");
                Map<String, Object> sub = object(s);
                subs.add(new SubResult(text(sub, "name"), outcome(sub, "result"),
                        optionalOutcome(sub, "original-result"), stringList(sub, "note"), stringList(sub, "log"),
                        optionalInstant(sub, "start-time"), optionalInstant(sub, "end-time")));
            }
        }
        Map<String, List<String>> context = new LinkedHashMap<>();
        Map<String, Object> ctx = optionalObject(n, "context");
        if (ctx != null) {
            for (String key : ctx.keySet()) {
                context.put(key, stringList(ctx, key));
            }
        }
        Map<String, String> ids = new LinkedHashMap<>();
        Map<String, Object> idNode = optionalObject(n, "ids");
        if (idNode != null) {
            for (String key : idNode.keySet()) {
                ids.put(key, optionalText(idNode, key));
            }
        }
        Map<String, Object> extraNode = optionalObject(n, "extra");
        Map<String, Object> extra = extraNode == null ? new LinkedHashMap<>() : extraNode;
        try {
            return new TestResult(text(n, "name"), text(n, "target"), integer(n, "serial-number"),
                    integer(n, "attempt"), outcome(n, "result"), optionalOutcome(n, "original-result"),
                    stringList(n, "note"), instant(n, "start-time"), instant(n, "end-time"),
                    optionalText(n, "machine"), optionalText(n, "data-path"), stringList(n, "log"), subs, context,
                    ids, extra);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new BadJson(e.getMessage(), e);
        }
    }

    /**
     * Whether reading the result's journal line gives an equal result: true unless an {@code extra} value is of a
     * type JSON does not keep (a long, a float, bytes, a date, ...), which comes back as another type.
     */
    static boolean readsBackEqual(TestResult r) {
        return readsBackEqual((Object) r.extra());
    }

    private static boolean readsBackEqual(Object value) {
        if (value == null || value instanceof String || value instanceof Integer || value instanceof Boolean) {
            return true;
        }
        if (value instanceof Double d) {
            return Double.isFinite(d);
        }
        if (value instanceof List<?> list) {
            return list.stream().allMatch(ResultJson::readsBackEqual);
        }
        if (value instanceof Map<?, ?> map) {
            return map.entrySet().stream().allMatch(e -> e.getKey() instanceof String && readsBackEqual(e.getValue()));
        }
        return false;
    }

    // ---------------------------------------------------------------- RunInfo

    /** Writes {@code run.json}'s object. */
    static void write(JsonGenerator json, RunInfo info) {
        json.writeStartObject();
        json.writeStringProperty("id", info.id().value());
        json.writeStringProperty("status", info.status().jsonName());
        json.writeStringProperty("start-time", InstantText.of(info.start()));
        json.writeStringProperty("end-time", info.end() == null ? null : InstantText.of(info.end()));
        json.writeStringProperty("corral-version", info.corralVersion());
        json.writeObjectPropertyStart("targets");
        for (Map.Entry<String, String> e : info.targets().entrySet()) {
            json.writeStringProperty(e.getKey(), e.getValue());
        }
        json.writeEndObject();
        json.writeObjectPropertyStart("context");
        for (Map.Entry<String, List<String>> e : info.context().entrySet()) {
            writeStrings(json, e.getKey(), e.getValue());
        }
        json.writeEndObject();
        json.writeEndObject();
    }

    /** The run of a {@code run.json} document, parsed by {@link #parse}. */
    static RunInfo runInfo(Object document) {
        requireType(document instanceof Map<?, ?>, "run.json", "an object");
        Map<String, Object> n = object(document);
        Map<String, String> targets = new LinkedHashMap<>();
        Map<String, Object> t = optionalObject(n, "targets");
        if (t != null) {
            for (String key : t.keySet()) {
                targets.put(key, text(t, key));
            }
        }
        Map<String, List<String>> context = new LinkedHashMap<>();
        Map<String, Object> ctx = optionalObject(n, "context");
        if (ctx != null) {
            for (String key : ctx.keySet()) {
                context.put(key, stringList(ctx, key));
            }
        }
        try {
            return new RunInfo(new RunId(text(n, "id")), RunInfo.Status.parse(text(n, "status")),
                    instant(n, "start-time"), optionalInstant(n, "end-time"), targets, context,
                    optionalText(n, "corral-version"));
        } catch (IllegalArgumentException | NullPointerException | CorralException e) {
            throw new BadJson(e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- helpers

    /** The one JSON value of {@code length} bytes at {@code offset}. */
    static Object parse(byte[] bytes, int offset, int length) {
        if (isBlank(bytes, offset, length)) {
            throw new BadJson("empty document");
        }
        try {
            return Json.read(bytes, offset, length);
        } catch (JacksonException e) {
            throw new BadJson("invalid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static boolean isBlank(byte[] bytes, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            byte b = bytes[i];
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    private static void writeOutcome(JsonGenerator json, String field, Outcome o) {
        json.writeStringProperty(field, o == null ? null : o.tmtName());
    }

    private static void writeStrings(JsonGenerator json, String field, List<String> values) {
        json.writeArrayPropertyStart(field);
        for (String value : values) {
            json.writeString(value);
        }
        json.writeEndArray();
    }

    /** The value as an object. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object value) {
        if (!(value instanceof Map<?, ?>)) {
            throw new BadJson("expected a JSON object, found " + Json.typeName(value));
        }
        return (Map<String, Object>) value;
    }

    private static Map<String, Object> optionalObject(Map<String, Object> n, String field) {
        Object v = optional(n, field);
        if (v == null) {
            return null;
        }
        requireType(v instanceof Map<?, ?>, field, "an object");
        return object(v);
    }

    private static Object optional(Map<String, Object> n, String field) {
        return n.get(field);
    }

    private static void requireType(boolean ok, String field, String expected) {
        if (!ok) {
            throw new BadJson("'" + field + "' must be " + expected);
        }
    }

    private static String text(Map<String, Object> n, String field) {
        Object v = optional(n, field);
        if (v == null) {
            throw new BadJson("missing '" + field + "'");
        }
        requireType(v instanceof String, field, "a string");
        return (String) v;
    }

    private static String optionalText(Map<String, Object> n, String field) {
        return optional(n, field) == null ? null : text(n, field);
    }

    private static int integer(Map<String, Object> n, String field) {
        Object v = optional(n, field);
        if (v == null) {
            throw new BadJson("missing '" + field + "'");
        }
        requireType(v instanceof Integer, field, "an integer");
        return (Integer) v;
    }

    private static List<String> stringList(Map<String, Object> n, String field) {
        Object v = optional(n, field);
        if (v == null) {
            return List.of();
        }
        requireType(v instanceof List<?>, field, "an array of strings");
        List<?> values = (List<?>) v;
        List<String> out = new ArrayList<>(values.size());
        for (Object e : values) {
            requireType(e instanceof String, field, "an array of strings");
            out.add((String) e);
        }
        return out;
    }

    private static Outcome outcome(Map<String, Object> n, String field) {
        try {
            return Outcome.parse(text(n, field));
        } catch (CorralException e) {
            throw new BadJson("'" + field + "': " + e.getMessage(), e);
        }
    }

    private static Outcome optionalOutcome(Map<String, Object> n, String field) {
        return optional(n, field) == null ? null : outcome(n, field);
    }

    private static Instant instant(Map<String, Object> n, String field) {
        String s = text(n, field);
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw new BadJson("'" + field + "': invalid timestamp '" + s + "' (expected ISO-8601 UTC)", e);
        }
    }

    private static Instant optionalInstant(Map<String, Object> n, String field) {
        return optional(n, field) == null ? null : instant(n, field);
    }
}
