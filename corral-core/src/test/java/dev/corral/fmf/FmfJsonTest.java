package dev.corral.fmf;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** The JSON writer: valid, escaped, ordered, Python-like numbers. */
class FmfJsonTest {

    @Test
    void valuesAreWrittenLikePythonJson() {
        Map<Object, Object> map = new LinkedHashMap<>();
        map.put("z", 1L);
        map.put("a", Arrays.asList("q\"uote\\", "\n\t\u0001\u2028", null, true, 1.5, 1e16, 1e-5, 100.0));
        map.put(1L, "int key");
        map.put(true, "bool key");
        map.put(null, "none key");
        map.put("date", new Timestamp(LocalDate.of(2024, 1, 2)));
        map.put("time", new Timestamp(LocalDateTime.of(2024, 1, 2, 10, 11, 0, 500_000_000)));
        map.put("nan", Double.NaN);
        map.put("emoji", "😀");
        String json = FmfJson.valueToJson(map);
        assertThat(json).isEqualTo("{\"z\":1,\"a\":[\"q\\\"uote\\\\\",\"\\n\\t\\u0001\\u2028\",null,true,1.5,"
                + "1e+16,1e-05,100.0],\"1\":\"int key\",\"true\":\"bool key\",\"null\":\"none key\","
                + "\"date\":\"2024-01-02\",\"time\":\"2024-01-02T10:11:00.500000\",\"nan\":\"NaN\","
                + "\"emoji\":\"😀\"}");
        JsonNode parsed = new ObjectMapper().readTree(json);
        assertThat(parsed.get("a").get(1).asString()).isEqualTo("\n\t\u0001\u2028");
    }

    @Test
    void textIsUtf8WithLoneSurrogatesEscaped() {
        String long1 = "x".repeat(5000) + "é€😀" + "\"".repeat(300);
        String json = FmfJson.valueToJson(List.of("é", "€", "😀", "a\ud800b", "\udc00", long1, "\u007f"));
        assertThat(json).isEqualTo("[\"é\",\"€\",\"😀\",\"a\\ud800b\",\"\\udc00\",\"" + "x".repeat(5000) + "é€😀"
                + "\\\"".repeat(300) + "\",\"\\u007f\"]");
        JsonNode parsed = new ObjectMapper().readTree(json);
        assertThat(parsed.get(5).asString()).isEqualTo(long1);
    }

    @Test
    void nodesDocument(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve(".fmf"));
        Files.writeString(dir.resolve(".fmf/version"), "1");
        Files.writeString(dir.resolve("main.fmf"), "/b: {test: b}\n/a: {test: a, n: 1}\n");
        Files.writeString(dir.resolve("é.fmf"), "test: 😀 €\n");
        List<Node> nodes = Tree.load(dir).climb();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        FmfJson.write(nodes, out);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(
                "{\"nodes\":[{\"name\":\"/a\",\"data\":{\"test\":\"a\",\"n\":1}},"
                + "{\"name\":\"/b\",\"data\":{\"test\":\"b\"}},"
                + "{\"name\":\"/é\",\"data\":{\"test\":\"😀 €\"}}]}\n");
        assertThat(FmfJson.toJson(nodes)).isEqualTo(out.toString(StandardCharsets.UTF_8));
    }
}
