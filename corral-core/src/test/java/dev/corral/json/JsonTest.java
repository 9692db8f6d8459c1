package dev.corral.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

class JsonTest {
    private static final JsonMapper BINDING = JsonMapper.builder().build();

    /** A value with every plain type, nesting, unicode and characters JSON escapes. */
    private static Map<String, Object> sample() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("z", 1);
        inner.put("a", List.of("x", "日本語 🚀", "quote \" back \\ nul \u0000"));
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("int", 7);
        value.put("long", 12345678901L);
        value.put("big", new BigInteger("123456789012345678901234567890"));
        value.put("double", 0.25);
        value.put("true", true);
        value.put("null", null);
        value.put("empty-list", List.of());
        value.put("empty-map", Map.of());
        value.put("nested", inner);
        return value;
    }

    @Test
    void readsTheTypesDataBindingGivesForObject() {
        byte[] bytes = Json.bytes(json -> Json.writeValue(json, sample()));

        Object read = Json.read(bytes, 0, bytes.length);

        assertThat(read).isEqualTo(BINDING.readValue(bytes, Object.class)).isEqualTo(sample());
        assertThat(List.copyOf(((Map<?, ?>) read).keySet())).isEqualTo(List.copyOf(sample().keySet()));
        assertThat(((Map<?, ?>) read).get("int")).isInstanceOf(Integer.class);
        assertThat(((Map<?, ?>) read).get("long")).isInstanceOf(Long.class);
        assertThat(((Map<?, ?>) read).get("big")).isInstanceOf(BigInteger.class);
        assertThat(((Map<?, ?>) read).get("double")).isInstanceOf(Double.class);
    }

    @Test
    void writesWhatDataBindingWritesCompactAndPretty() {
        Map<String, Object> value = new LinkedHashMap<>(sample());
        value.put("path", Path.of("/var/log"));
        value.put("float", 1.5f);
        value.put("array", new int[] {1, 2});

        byte[] compact = Json.bytes(json -> Json.writeValue(json, value));
        ByteArrayOutputStream pretty = new ByteArrayOutputStream();
        Json.writePretty(pretty, json -> Json.writeValue(json, value));

        assertThat(new String(compact, StandardCharsets.UTF_8)).isEqualTo(BINDING.writeValueAsString(value));
        assertThat(pretty.toString(StandardCharsets.UTF_8))
                .isEqualTo(BINDING.writerWithDefaultPrettyPrinter().writeValueAsString(value));
    }

    @Test
    void readsOneDocumentOfARangeAndRefusesMoreOrNone() {
        byte[] line = "xx{\"a\":[1,2]}yy".getBytes(StandardCharsets.UTF_8);
        assertThat(Json.read(line, 2, 11)).isEqualTo(Map.of("a", List.of(1, 2)));
        assertThat(Json.read("null".getBytes(StandardCharsets.UTF_8), 0, 4)).isNull();

        for (String bad : List.of("{\"a\":1} {}", "", "{\"a\":", "[1,]", "{'a':1}")) {
            byte[] bytes = bad.getBytes(StandardCharsets.UTF_8);
            assertThatThrownBy(() -> Json.read(bytes, 0, bytes.length)).as(bad)
                    .isInstanceOf(JacksonException.class);
        }
    }

    @Test
    void namesTheTypeOfAValue() {
        List<Object> values = new ArrayList<>(Arrays.asList(Map.of(), List.of(), "s", 1, 2.5, true, null));
        assertThat(values.stream().map(Json::typeName))
                .containsExactly("object", "array", "string", "number", "number", "boolean", "null");
    }
}
