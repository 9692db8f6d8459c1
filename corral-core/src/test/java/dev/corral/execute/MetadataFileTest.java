package dev.corral.execute;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;

import dev.corral.tmt.TestCase;

import org.junit.jupiter.api.Test;

/**
 * {@code metadata.yaml}: {@link PlainYaml} writes byte for byte what snakeyaml writes, or leaves the whole document to
 * snakeyaml, and {@link MetadataFile#render} always writes what snakeyaml writes.
 */
class MetadataFileTest {
    private static final String TYPICAL = """
            test: 'true'
            name: /t00050
            summary: null
            description: null
            author: []
            contact: []
            enabled: true
            order: 50
            link: []
            id: null
            tag: []
            tier: null
            component: []
            path: /
            framework: shell
            manual: false
            tty: false
            require: []
            recommend: []
            environment: {}
            duration: 5m
            result: respect
            where: []
            check: []
            restart-on-exit-code: []
            restart-max-count: 1
            restart-with-reboot: false
            context: {}
            """;

    /** Strings snakeyaml writes plain, or quotes in a way the fast path knows. */
    private static final List<String> SAFE = List.of("shell", "fedora-39", "/t00050", "./x.sh", "5m", "90s", "1h",
            "respect", "b c", "x86_64", "A", "Z9", "/", "_", "a=b", "yes", "No", "on", "true", "null", "false", "1",
            "0", "42", "", "/t0/a-b_c.d", "Tier 1", "a - b", "a  b", "./", "x.", "x-");

    /** Strings snakeyaml may quote, escape or read back as something else. */
    private static final List<String> TRICKY = List.of("null", "Null", "NULL", "nULL", "~", "true", "True", "TRUE",
            "tRUE", "false", "False", "FALSE", "yes", "Yes", "NO", "on", "OFF", "y", "n", "0", "1", "42", "007", "00",
            "-5", "-0", "+5", "1e3", "1E3", "1.5", ".5", "1.", "0x1F", "0o7", "0b1", ".inf", ".Inf", "-.inf", ".nan",
            "-x", "- x", "-", "--", "---", "--- x", "...", "..", ".hidden", "a: b", "a:b", "a:", "a #b", "a#b", "#a",
            " lead", "trail ", " ", "  ", "", "'", "it's", "''", "\"", "a\"b", ":", "#", "{", "}", "{}", "[", "]",
            "[]", ",", "a,b", "?", "? x", "*", "*a", "&", "&a", "!", "!a", "|", ">", "%", "@", "`", "a`b", "é", "日本",
            "aé", "\u2028", "a\u0085b", "\ufeff", "a\tb", "\t", "a\nb", "\n", "a\r\nb", "\u0000", "a\u007fb", "5m",
            "5 m", "05m", "1h", "90s", "2d", "5w", "1h30m", "./x.sh", "./", "/a/b", "/", "/ a", "/t00050", "_x",
            "a=b", "=", "<<", "a b", "a  b", "a - b", "a -b", "x.", "x-", "x_", "a b ", "fedora-39", "1_000", "1:20",
            "True ", "null ", "a\\b", "a~", "~a", "a?", "a!", "a+b", "a;b", "a(b)",
            "word ".repeat(199) + "end", "word ".repeat(200) + "end", "word ".repeat(1000) + "end",
            "k".repeat(100), "k".repeat(101), "k".repeat(127), "k".repeat(128), "k".repeat(129));

    private static final String ALPHABET = "aZ09 -._/=:#'\"!&*?,[]{}|>%@`~\t\né+\\";

    @Test
    void theTypicalDocumentTakesTheFastPathAndIsWhatSnakeyamlWrites() {
        Map<String, Object> document = typical();

        assertThat(PlainYaml.write(document)).isEqualTo(TYPICAL);
        assertThat(MetadataFile.dump(document)).isEqualTo(TYPICAL);
        assertThat(MetadataFile.write(document)).isEqualTo(TYPICAL);

        TestCaseBuilder builder = TestCaseBuilder.test("/t00050", "true");
        document.forEach((key, value) -> {
            if (!key.equals("context")) {
                builder.metadata(key, value);
            }
        });
        assertThat(MetadataFile.render(builder.build(), Map.of())).isEqualTo(TYPICAL);
    }

    @Test
    void listsNestedMappingsAndQuotedStringsTakeTheFastPath() {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("tag", List.of("a", "b c", "1", "5m", "./x.sh", "true", "", -5, 7L));
        document.put("environment", Map.of("A", "1"));
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("distro", List.of("fedora-39"));
        context.put("arch", List.of());
        document.put("context", context);
        document.put("null", Map.of("false", Map.of()));
        String expected = """
                tag:
                - a
                - b c
                - '1'
                - 5m
                - ./x.sh
                - 'true'
                - ''
                - -5
                - 7
                environment:
                  A: '1'
                context:
                  distro:
                  - fedora-39
                  arch: []
                'null':
                  'false': {}
                """;

        assertThat(PlainYaml.write(document)).isEqualTo(expected);
        assertThat(MetadataFile.dump(document)).isEqualTo(expected);
    }

    @Test
    void anythingOutsideTheSubsetIsLeftToSnakeyaml() {
        List<Object> outside = List.of(1.5, (short) 1, List.of(Map.of("k", "v")), List.of(List.of()),
                new LinkedHashSet<>(List.of("a")), Map.of(1, "a"), "True", "a: b", " lead", "a\tb", "é", "007",
                "-x", ".hidden", "word ".repeat(200) + "end");
        for (Object value : outside) {
            Map<String, Object> document = new LinkedHashMap<>(typical());
            document.put("extra", value);

            assertThat(PlainYaml.write(document)).as("%s", value).isNull();
            assertThat(MetadataFile.write(document)).as("%s", value).isEqualTo(MetadataFile.dump(document));
        }
        assertThat(PlainYaml.write(Map.of())).isNull();
    }

    @Test
    void everyTrickyStringAsKeyValueOrItemIsWrittenAsSnakeyamlWritesIt() {
        int fast = 0;
        for (String string : TRICKY) {
            List<Map<String, Object>> documents = List.of(Map.of("k", string), Map.of(string, "v"),
                    Map.of("k", List.of(string, "v")), Map.of("k", Map.of(string, List.of(string))));
            for (Map<String, Object> document : documents) {
                fast += check(document) ? 1 : 0;
            }
        }
        assertThat(fast).isGreaterThan(100);
    }

    @Test
    void randomDocumentsAreWrittenAsSnakeyamlWritesThem() {
        int fast = 0;
        int total = 0;
        for (long seed = 1; seed <= 5; seed++) {
            Random random = new Random(seed);
            for (int i = 0; i < 2000; i++) {
                fast += check(mapping(random, 0)) ? 1 : 0;
                total++;
            }
        }
        assertThat(fast).isBetween(total / 10, total - total / 10);
    }

    @Test
    void renderWritesWhatSnakeyamlWrites() {
        Random random = new Random(42);
        for (int i = 0; i < 1000; i++) {
            Map<String, Object> metadata = mapping(random, 0);
            Map<String, List<String>> context = new LinkedHashMap<>();
            for (int n = random.nextInt(3); n > 0; n--) {
                context.put(key(random), List.of(string(random)));
            }
            TestCaseBuilder builder = TestCaseBuilder.test("/t" + i, "true");
            metadata.forEach(builder::metadata);
            TestCase test = builder.build();
            Map<String, Object> expected = new LinkedHashMap<>(test.metadata());
            expected.put("context", context);

            assertThat(MetadataFile.render(test, context)).isEqualTo(MetadataFile.dump(expected));
        }
    }

    /** Whether the fast path took {@code document}; when it did, what it wrote is what snakeyaml writes. */
    private static boolean check(Map<String, Object> document) {
        String snakeyaml = MetadataFile.dump(document);
        String fast = PlainYaml.write(document);
        if (fast != null) {
            assertThat(fast).as("%s", document).isEqualTo(snakeyaml);
        }
        assertThat(MetadataFile.write(document)).as("%s", document).isEqualTo(snakeyaml);
        return fast != null;
    }

    private static Map<String, Object> typical() {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("test", "true");
        document.put("name", "/t00050");
        document.put("summary", null);
        document.put("description", null);
        document.put("author", List.of());
        document.put("contact", List.of());
        document.put("enabled", true);
        document.put("order", 50);
        document.put("link", List.of());
        document.put("id", null);
        document.put("tag", List.of());
        document.put("tier", null);
        document.put("component", List.of());
        document.put("path", "/");
        document.put("framework", "shell");
        document.put("manual", false);
        document.put("tty", false);
        document.put("require", List.of());
        document.put("recommend", List.of());
        document.put("environment", Map.of());
        document.put("duration", "5m");
        document.put("result", "respect");
        document.put("where", List.of());
        document.put("check", List.of());
        document.put("restart-on-exit-code", List.of());
        document.put("restart-max-count", 1);
        document.put("restart-with-reboot", false);
        document.put("context", Map.of());
        return document;
    }

    private static Map<String, Object> mapping(Random random, int depth) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int n = 1 + random.nextInt(4); n > 0; n--) {
            map.put(key(random), value(random, depth));
        }
        return map;
    }

    private static Object value(Random random, int depth) {
        return switch (random.nextInt(depth < 3 ? 14 : 10)) {
            case 0, 1, 2, 3 -> string(random);
            case 4, 5 -> scalar(random);
            case 6 -> List.of();
            case 7 -> {
                List<Object> items = new ArrayList<>();
                for (int n = 1 + random.nextInt(3); n > 0; n--) {
                    items.add(scalar(random));
                }
                yield items;
            }
            case 8 -> Map.of();
            case 9 -> outside(random, depth);
            default -> mapping(random, depth + 1);
        };
    }

    private static Object scalar(Random random) {
        return switch (random.nextInt(8)) {
            case 0 -> null;
            case 1 -> random.nextBoolean();
            case 2 -> random.nextInt(200) - 100;
            case 3 -> random.nextInt();
            case 4 -> random.nextLong();
            default -> string(random);
        };
    }

    /** Rarely, something the fast path leaves to snakeyaml. */
    private static Object outside(Random random, int depth) {
        if (random.nextInt(4) != 0) {
            return scalar(random);
        }
        return switch (random.nextInt(5)) {
            case 0 -> random.nextDouble();
            case 1 -> List.of(mapping(random, depth + 1));
            case 2 -> List.of(List.of(string(random)));
            case 3 -> Map.of(random.nextInt(10), string(random));
            default -> new LinkedHashSet<>(List.of(string(random), string(random)));
        };
    }

    private static String key(Random random) {
        return random.nextInt(3) == 0 ? string(random) : SAFE.get(random.nextInt(SAFE.size()));
    }

    private static String string(Random random) {
        int pick = random.nextInt(20);
        if (pick < 12) {
            return SAFE.get(random.nextInt(SAFE.size()));
        }
        if (pick < 16) {
            return TRICKY.get(random.nextInt(TRICKY.size()));
        }
        StringBuilder string = new StringBuilder();
        for (int n = random.nextInt(6); n > 0; n--) {
            string.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return string.toString();
    }
}
