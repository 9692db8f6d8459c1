package dev.corral.json;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apiguardian.api.API;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.PrettyPrinter;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.util.DefaultPrettyPrinter;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON files of a run (journal lines, {@code run.json}, {@code command.json}, {@code machines.jsonl}) written
 * and read with Jackson's streaming API, without its data binding: building a mapper costs a command about 15 ms
 * (its date format loads the JDK's locale data) and its first serializer about 10 ms more, in a run that lasts
 * well under a second.
 *
 * <p>Values read are plain Java, the types data binding gives for {@code Object}: {@code Map<String, Object>} in
 * document order, {@code List<Object>}, {@link String}, {@link Integer} (or {@link Long}, {@link BigInteger} when
 * larger), {@link Double}, {@link Boolean} and {@code null}. Failures are {@link JacksonException}s; their
 * {@link JacksonException#getOriginalMessage()} says what is wrong without the location Jackson appends.
 * Thread-safe.
 */
@API(status = API.Status.INTERNAL)
public final class Json {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .build();

    private Json() {
    }

    /** Writes one JSON document with a generator. */
    @FunctionalInterface
    public interface Document {
        /** Writes the document's one value. */
        void write(JsonGenerator json);
    }

    /** The document as compact UTF-8 bytes, without a line end. */
    public static byte[] bytes(Document document) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator json = FACTORY.createGenerator(ObjectWriteContext.empty(), out)) {
            document.write(json);
        }
        return out.toByteArray();
    }

    /**
     * Writes the document to {@code out} (left open) indented as Jackson's default pretty printer indents it, the
     * layout of {@code ObjectMapper.writerWithDefaultPrettyPrinter()}.
     */
    public static void writePretty(OutputStream out, Document document) {
        try (JsonGenerator json = FACTORY.createGenerator(Pretty.CONTEXT, out)) {
            document.write(json);
        }
    }

    /**
     * Writes a value: maps with string keys, lists, strings, numbers, booleans and null directly; any other object
     * as Jackson's data binding writes it (a path as its URI, for example).
     */
    public static void writeValue(JsonGenerator json, Object value) {
        switch (value) {
            case null -> json.writeNull();
            case String s -> json.writeString(s);
            case Integer i -> json.writeNumber(i);
            case Long l -> json.writeNumber(l);
            case Double d -> json.writeNumber(d);
            case Boolean b -> json.writeBoolean(b);
            case BigInteger b -> json.writeNumber(b);
            case Map<?, ?> map when map.keySet().stream().allMatch(k -> k instanceof String) -> {
                json.writeStartObject();
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    json.writeName((String) e.getKey());
                    writeValue(json, e.getValue());
                }
                json.writeEndObject();
            }
            case List<?> list -> {
                json.writeStartArray();
                for (Object element : list) {
                    writeValue(json, element);
                }
                json.writeEndArray();
            }
            default -> Binding.MAPPER.writeValue(json, value);
        }
    }

    /** Reads the one JSON value of {@code length} bytes at {@code offset}; {@code null} for the JSON null. */
    public static Object read(byte[] bytes, int offset, int length) {
        try (JsonParser parser = FACTORY.createParser(ObjectReadContext.empty(), bytes, offset, length)) {
            return readDocument(parser);
        }
    }

    /** Reads the one JSON value of a file. */
    public static Object read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        return read(bytes, 0, bytes.length);
    }

    /** A streaming parser of {@code length} bytes at {@code offset}, for documents read token by token. */
    public static JsonParser parser(byte[] bytes, int offset, int length) {
        return FACTORY.createParser(ObjectReadContext.empty(), bytes, offset, length);
    }

    /** The JSON type of a value read by {@link #read}: object, array, string, number, boolean or null. */
    public static String typeName(Object value) {
        return switch (value) {
            case null -> "null";
            case Map<?, ?> m -> "object";
            case List<?> l -> "array";
            case String s -> "string";
            case Number n -> "number";
            case Boolean b -> "boolean";
            default -> value.getClass().getSimpleName();
        };
    }

    private static Object readDocument(JsonParser parser) {
        JsonToken first = parser.nextToken();
        if (first == null) {
            throw new StreamReadException(parser, "No content to map due to end-of-input");
        }
        Object value = readValue(parser, first);
        JsonToken trailing = parser.nextToken();
        if (trailing != null) {
            throw new StreamReadException(parser, "Trailing token (of type " + trailing
                    + ") found after value (bound as " + typeName(value) + ")");
        }
        return value;
    }

    private static Object readValue(JsonParser parser, JsonToken token) {
        return switch (token) {
            case START_OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                    String name = parser.currentName();
                    map.put(name, readValue(parser, parser.nextToken()));
                }
                yield map;
            }
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                JsonToken next;
                while ((next = parser.nextToken()) != JsonToken.END_ARRAY) {
                    list.add(readValue(parser, next));
                }
                yield list;
            }
            case VALUE_STRING -> parser.getString();
            case VALUE_NUMBER_INT -> switch (parser.getNumberType()) {
                case INT -> parser.getIntValue();
                case LONG -> parser.getLongValue();
                default -> parser.getBigIntegerValue();
            };
            case VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new StreamReadException(parser, "Unexpected token " + token);
        };
    }

    /** The pretty printer's context, made when a pretty document is first written. */
    private static final class Pretty {
        static final ObjectWriteContext CONTEXT = new ObjectWriteContext.Base() {
            @Override
            public PrettyPrinter getPrettyPrinter() {
                return new DefaultPrettyPrinter();
            }

            @Override
            public boolean hasPrettyPrinter() {
                return true;
            }
        };
    }

    /** Data binding, built only for a value that is not plain JSON. */
    private static final class Binding {
        static final JsonMapper MAPPER = JsonMapper.builder().disable(StreamWriteFeature.AUTO_CLOSE_TARGET).build();
    }
}
