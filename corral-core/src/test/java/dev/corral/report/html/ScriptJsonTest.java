package dev.corral.report.html;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ScriptJsonTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final List<String> HOSTILE = List.of(
            "</script><script>alert(1)</script>",
            "</SCRIPT >",
            "<!--<script>",
            "-->",
            "<![CDATA[ ]]>",
            "a\u2028b\u2029c",
            "nul\u0000 cr\r lf\n crlf\r\n tab\t bell\u0007 esc\u001b del\u007f c1\u0085\u009f",
            "quote\" backslash\\ slash/",
            "&amp; &lt; <img src=x onerror=alert(1)>",
            "lone high \ud800 lone low \udc00 pair \ud83d\ude00 reversed \udc00\ud800",
            "bom \ufeff nonchar \uffff",
            "");

    @Test
    void hostileStringsCannotEndTheScriptElementAndRoundTrip() {
        for (String s : HOSTILE) {
            String quoted = ScriptJson.quote(s);
            assertThat(quoted).doesNotContain("<", ">", "&", "\u2028", "\u2029");
            assertThat(quoted.chars()).noneMatch(c -> c < 0x20 || (c >= 0x7f && c <= 0x9f));
            assertThat(new String(quoted.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))
                    .as("no unpaired surrogate, so valid UTF-8").isEqualTo(quoted);
            JsonNode parsed = JSON.readTree(quoted);
            assertThat(parsed.stringValue()).as("round trip of %s", s).isEqualTo(s);
        }
    }

    @Test
    void escapesAreTheDocumentedOnes() {
        assertThat(ScriptJson.quote("</script>")).isEqualTo("\"\\u003c/script\\u003e\"");
        assertThat(ScriptJson.quote("a&b")).isEqualTo("\"a\\u0026b\"");
        assertThat(ScriptJson.quote("\u2028\u2029")).isEqualTo("\"\\u2028\\u2029\"");
        assertThat(ScriptJson.quote("\n\r\t\b\f\u0000")).isEqualTo("\"\\n\\r\\t\\b\\f\\u0000\"");
        assertThat(ScriptJson.quote("é ü 日本 \ud83d\ude00")).isEqualTo("\"é ü 日本 \ud83d\ude00\"");
        assertThat(ScriptJson.quote("x\ud800")).isEqualTo("\"x\\ud800\"");
    }

    @Test
    void randomStringsRoundTrip() {
        Random rnd = new Random(1);
        for (int i = 0; i < 2000; i++) {
            char[] chars = new char[rnd.nextInt(40)];
            for (int k = 0; k < chars.length; k++) {
                String special = "<>&\"\\/\u2028\u2029\r\n";
                chars[k] = rnd.nextInt(4) == 0 ? special.charAt(rnd.nextInt(special.length()))
                        : (char) rnd.nextInt(0x10000);
            }
            String s = new String(chars);
            String quoted = ScriptJson.quote(s);
            assertThat(quoted).doesNotContain("<", ">", "&", "\u2028", "\u2029");
            assertThat(JSON.readTree(quoted).stringValue()).isEqualTo(s);
        }
    }

    @Test
    void writesNestedStructuresWithCommasInTheRightPlaces() throws Exception {
        StringWriter out = new StringWriter();
        ScriptJson j = new ScriptJson(out);
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("reboot-count", 2);
        extra.put("ratio", 0.5);
        extra.put("list", List.of("a", 1, true));
        extra.put("nested", Map.of("k", "</script>"));
        extra.put("none", null);
        Object deep = List.of();
        for (int i = 0; i < 40; i++) {
            deep = List.of(deep);
        }
        j.beginObject().member("a", "x").member("n", 3).name("empty").beginArray().endArray()
                .name("obj").beginObject().endObject().name("extra").any(extra).name("deep").any(deep)
                .name("nan").value(Double.NaN).name("nul").value((Long) null).endObject();
        JsonNode n = JSON.readTree(out.toString());
        assertThat(n.path("a").stringValue()).isEqualTo("x");
        assertThat(n.path("n").intValue()).isEqualTo(3);
        assertThat(n.path("empty").isArray()).isTrue();
        assertThat(n.path("extra").path("reboot-count").intValue()).isEqualTo(2);
        assertThat(n.path("extra").path("ratio").doubleValue()).isEqualTo(0.5);
        assertThat(n.path("extra").path("list").toString()).isEqualTo("[\"a\",1,true]");
        assertThat(n.path("extra").path("nested").path("k").stringValue()).isEqualTo("</script>");
        assertThat(n.path("extra").path("none").isNull()).isTrue();
        assertThat(n.path("nan").isNull()).isTrue();
        assertThat(n.path("nul").isNull()).isTrue();
        assertThat(out.toString()).doesNotContain("</");
    }
}
