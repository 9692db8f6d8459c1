package dev.corral.results;

import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.corral.CorralException;
import dev.corral.RunId;

import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The explicit JSON mapping of {@link TestResult} (one journal line) and of {@link RunInfo} ({@code run.json}).
 * Field names are fixed here and documented in {@link Journal}; no reflection-based binding is used, so renaming a
 * Java component never changes the files. Thread-safe.
 */
final class ResultJson {
    /** Version of the journal line format, written as {@code "v"} on every line. */
    static final int JOURNAL_VERSION = 1;

    static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .build();

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

    static ObjectNode toJson(TestResult r) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("v", JOURNAL_VERSION);
        n.put("name", r.name());
        n.put("target", r.target());
        n.put("serial-number", r.serialNumber());
        n.put("attempt", r.attempt());
        n.put("result", r.outcome().tmtName());
        putOutcome(n, "original-result", r.originalOutcome());
        n.set("note", strings(r.notes()));
        n.put("start-time", r.start().toString());
        n.put("end-time", r.end().toString());
        n.put("machine", r.machine());
        n.put("data-path", r.dataPath());
        n.set("log", strings(r.logs()));
        ArrayNode subs = n.putArray("subresult");
        for (SubResult s : r.subresults()) {
            ObjectNode sn = subs.addObject();
            sn.put("name", s.name());
            sn.put("result", s.outcome().tmtName());
            putOutcome(sn, "original-result", s.originalOutcome());
            sn.set("note", strings(s.notes()));
            sn.set("log", strings(s.logs()));
            sn.put("start-time", s.start() == null ? null : s.start().toString());
            sn.put("end-time", s.end() == null ? null : s.end().toString());
        }
        ObjectNode context = n.putObject("context");
        r.context().forEach((k, v) -> context.set(k, strings(v)));
        ObjectNode ids = n.putObject("ids");
        r.ids().forEach(ids::put);
        n.set("extra", MAPPER.valueToTree(r.extra()));
        return n;
    }

    static TestResult testResult(JsonNode n) {
        if (!n.isObject()) {
            throw new BadJson("expected a JSON object, found " + n.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        JsonNode v = n.get("v");
        if (v != null && (!v.isInt() || v.intValue() > JOURNAL_VERSION)) {
            throw new BadJson("unsupported journal format version " + v + " (this Corral reads up to "
                    + JOURNAL_VERSION + "); use a newer Corral");
        }
        List<SubResult> subs = new ArrayList<>();
        JsonNode subNodes = optional(n, "subresult");
        if (subNodes != null) {
            requireType(subNodes.isArray(), "subresult", "an array");
            for (JsonNode s : subNodes) {
                requireType(s.isObject(), "subresult", "an array of objects");
                subs.add(new SubResult(text(s, "name"), outcome(s, "result"), optionalOutcome(s, "original-result"),
                        stringList(s, "note"), stringList(s, "log"), optionalInstant(s, "start-time"),
                        optionalInstant(s, "end-time")));
            }
        }
        Map<String, List<String>> context = new LinkedHashMap<>();
        JsonNode ctx = optional(n, "context");
        if (ctx != null) {
            requireType(ctx.isObject(), "context", "an object");
            for (Map.Entry<String, JsonNode> e : ctx.properties()) {
                context.put(e.getKey(), stringList(ctx, e.getKey()));
            }
        }
        Map<String, String> ids = new LinkedHashMap<>();
        JsonNode idNode = optional(n, "ids");
        if (idNode != null) {
            requireType(idNode.isObject(), "ids", "an object");
            for (Map.Entry<String, JsonNode> e : idNode.properties()) {
                ids.put(e.getKey(), optionalText(idNode, e.getKey()));
            }
        }
        Map<String, Object> extra = new LinkedHashMap<>();
        JsonNode extraNode = optional(n, "extra");
        if (extraNode != null) {
            requireType(extraNode.isObject(), "extra", "an object");
            for (Map.Entry<String, JsonNode> e : extraNode.properties()) {
                extra.put(e.getKey(), MAPPER.treeToValue(e.getValue(), Object.class));
            }
        }
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

    static ObjectNode toJson(RunInfo info) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("id", info.id().value());
        n.put("status", info.status().jsonName());
        n.put("start-time", info.start().toString());
        n.put("end-time", info.end() == null ? null : info.end().toString());
        n.put("corral-version", info.corralVersion());
        ObjectNode targets = n.putObject("targets");
        info.targets().forEach(targets::put);
        ObjectNode context = n.putObject("context");
        info.context().forEach((k, v) -> context.set(k, strings(v)));
        return n;
    }

    static RunInfo runInfo(JsonNode n) {
        requireType(n.isObject(), "run.json", "an object");
        Map<String, String> targets = new LinkedHashMap<>();
        JsonNode t = optional(n, "targets");
        if (t != null) {
            requireType(t.isObject(), "targets", "an object");
            for (Map.Entry<String, JsonNode> e : t.properties()) {
                targets.put(e.getKey(), text(t, e.getKey()));
            }
        }
        Map<String, List<String>> context = new LinkedHashMap<>();
        JsonNode ctx = optional(n, "context");
        if (ctx != null) {
            requireType(ctx.isObject(), "context", "an object");
            for (Map.Entry<String, JsonNode> e : ctx.properties()) {
                context.put(e.getKey(), stringList(ctx, e.getKey()));
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

    static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JacksonException e) {
            throw new BadJson("cannot serialize: " + e.getOriginalMessage(), e);
        }
    }

    static JsonNode parse(byte[] bytes, int offset, int length) {
        try {
            JsonNode node = MAPPER.readTree(new ByteArrayInputStream(bytes, offset, length));
            if (node == null || node.isMissingNode()) {
                throw new BadJson("empty document");
            }
            return node;
        } catch (JacksonException e) {
            throw new BadJson("invalid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static void putOutcome(ObjectNode n, String field, Outcome o) {
        n.put(field, o == null ? null : o.tmtName());
    }

    private static ArrayNode strings(List<String> values) {
        ArrayNode a = MAPPER.createArrayNode();
        values.forEach(a::add);
        return a;
    }

    private static JsonNode optional(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v;
    }

    private static void requireType(boolean ok, String field, String expected) {
        if (!ok) {
            throw new BadJson("'" + field + "' must be " + expected);
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = optional(n, field);
        if (v == null) {
            throw new BadJson("missing '" + field + "'");
        }
        requireType(v.isString(), field, "a string");
        return v.stringValue();
    }

    private static String optionalText(JsonNode n, String field) {
        return optional(n, field) == null ? null : text(n, field);
    }

    private static int integer(JsonNode n, String field) {
        JsonNode v = optional(n, field);
        if (v == null) {
            throw new BadJson("missing '" + field + "'");
        }
        requireType(v.isInt(), field, "an integer");
        return v.intValue();
    }

    private static List<String> stringList(JsonNode n, String field) {
        JsonNode v = optional(n, field);
        if (v == null) {
            return List.of();
        }
        requireType(v.isArray(), field, "an array of strings");
        List<String> out = new ArrayList<>(v.size());
        for (JsonNode e : v) {
            requireType(e.isString(), field, "an array of strings");
            out.add(e.stringValue());
        }
        return out;
    }

    private static Outcome outcome(JsonNode n, String field) {
        try {
            return Outcome.parse(text(n, field));
        } catch (CorralException e) {
            throw new BadJson("'" + field + "': " + e.getMessage(), e);
        }
    }

    private static Outcome optionalOutcome(JsonNode n, String field) {
        return optional(n, field) == null ? null : outcome(n, field);
    }

    private static Instant instant(JsonNode n, String field) {
        String s = text(n, field);
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw new BadJson("'" + field + "': invalid timestamp '" + s + "' (expected ISO-8601 UTC)", e);
        }
    }

    private static Instant optionalInstant(JsonNode n, String field) {
        return optional(n, field) == null ? null : instant(n, field);
    }
}
