package dev.corral.report.tmt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import dev.corral.RunId;
import dev.corral.results.Journal;
import dev.corral.results.Outcome;
import dev.corral.results.ResultsDir;
import dev.corral.results.RunResults;
import dev.corral.results.SubResult;
import dev.corral.results.TestResult;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code results.yaml}: {@link PortableYaml} writes byte for byte what snakeyaml writes with {@link TmtResultsYaml}'s
 * settings under {@link PortableSchema}, or leaves the whole document to snakeyaml, and {@link TmtResultsYaml#render}
 * always writes what snakeyaml writes.
 */
class TmtResultsYamlFastPathTest {
    private static final Instant T0 = Instant.parse("2026-11-24T16:28:28.473016Z");

    private static final String TYPICAL = """
            - name: /t00000
              result: pass
              original-result: pass
              note: []
              log:
              - tests/t00000-1/output.txt
              start-time: '2026-11-24T16:28:28.473016+00:00'
              end-time: '2026-11-24T16:28:28.507764+00:00'
              duration: 00:00:00
              serial-number: 1
              context: {}
              ids: {}
              guest:
                name: local-1
              subresult: []
              check: []
              data-path: tests/t00000-1/data
            """;

    /** Notes the run writes. */
    private static final List<String> NOTES = List.of("timeout", "aborted", "interrupted", "pidfile locking",
            "original result: fail", "test result overridden: fail", "beakerlib: State 'incomplete'",
            "beakerlib: Result/State missing", "no results reported with tmt-report-result",
            "machine local-3 was lost", "skipped: plan aborted", "output incomplete: stream closed",
            "custom test result name should start with '/'");

    /** Strings the writer may quote, escape, leave to snakeyaml or snakeyaml may read back as another type. */
    private static final List<String> TRICKY = tricky();

    /** Characters of numbers, timestamps and durations, to build strings close to them. */
    private static final String NUMBERISH = "0123456789-:._eExobT Z+afinN";

    /** Characters of everything else. */
    private static final String ALPHABET = "aZ09 -._/=:#'\"!&*?,[]{}|>%@`~$<\t\né+\\";

    @Test
    void theTypicalEntryTakesTheFastPathAndIsWhatSnakeyamlWrites() {
        TestResult r = new TestResult("/t00000", "default", 1, 1, Outcome.PASS, null, List.of(), T0,
                T0.plusNanos(34_748_000), "local-1", "tests/t00000-1/data", List.of("tests/t00000-1/output.txt"),
                List.of(), Map.of(), Map.of(), Map.of());
        List<Object> document = TmtResultsYaml.document(RunResults.of(List.of(r)));

        assertThat(PortableYaml.write(document)).isEqualTo(TYPICAL);
        assertThat(TmtResultsYaml.dump(document)).isEqualTo(TYPICAL);
        assertThat(TmtResultsYaml.render(RunResults.of(List.of(r)))).isEqualTo(TYPICAL);
    }

    @Test
    void aTypicalRunTakesTheFastPath() {
        List<TestResult> results = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            results.add(typical("default", i, 1, new Random(i)));
        }
        RunResults run = RunResults.of(results);
        List<Object> document = TmtResultsYaml.document(run);

        String fast = PortableYaml.write(document);

        assertThat(fast).isNotNull().isEqualTo(TmtResultsYaml.dump(document));
        assertThat(TmtResultsYaml.render(run)).isEqualTo(fast);
        assertThat(fast).contains("- 'test result overridden: fail'", "    distro:\n    - fedora-39\n",
                "duration: '10:00:00'", "- name: /setup", "serial-number: 100\n", "    id: 5b1c9f7e-");
        assertThat(TmtSchema.validate(fast)).isEmpty();
    }

    @Test
    void aMultiTargetRunWithRerunsTakesTheFastPath() {
        List<TestResult> results = new ArrayList<>();
        Random random = new Random(7);
        for (int i = 1; i <= 50; i++) {
            for (String target : List.of("fedora-40", "centos-stream-9")) {
                for (int attempt = 1; attempt <= 1 + i % 3; attempt++) {
                    results.add(typical(target, i, attempt, random));
                }
            }
        }
        RunResults run = RunResults.of(results);
        List<Object> document = TmtResultsYaml.document(run);

        String fast = PortableYaml.write(document);

        assertThat(fast).isNotNull().isEqualTo(TmtResultsYaml.dump(document))
                .contains("  - 'earlier attempts: ", "    role: centos-stream-9");
        assertThat(TmtSchema.validate(fast)).isEmpty();
    }

    @Test
    void aRunReadBackFromItsJournalTakesTheFastPath(@TempDir Path parent) {
        ResultsDir dir = ResultsDir.create(parent, RunId.generate());
        try (Journal journal = dir.openJournal()) {
            for (int i = 1; i <= 20; i++) {
                journal.append(typical("default", i, 1, new Random(i)));
            }
        }
        List<Object> document = TmtResultsYaml.document(RunResults.read(dir));

        assertThat(PortableYaml.write(document)).isNotNull().isEqualTo(TmtResultsYaml.dump(document));
    }

    @Test
    void quotesWhatPortableSchemaReadsAsAnotherTypeAndGivesUpWhenUnsure() {
        Map<String, String> written = new LinkedHashMap<>();
        written.put("00:00:00", "00:00:00");
        written.put("09:59:59", "09:59:59");
        written.put("10:00:00", "'10:00:00'");
        written.put("123:01:01", "'123:01:01'");
        written.put("2026-11-24T16:28:28.473016+00:00", "'2026-11-24T16:28:28.473016+00:00'");
        written.put("5b1c9f7e-0000-4000-8000-000000000001", "5b1c9f7e-0000-4000-8000-000000000001");
        written.put("0a1b2c3d-5", "0a1b2c3d-5");
        written.put("42", "'42'");
        written.put("8.6", "'8.6'");
        written.put("no", "'no'");
        written.put("On", "'On'");
        written.put("NULL", "'NULL'");
        written.put("~", "'~'");
        written.put("<<", "'<<'");
        written.put("=", "'='");
        written.put("", "''");
        written.put("fail", "fail");
        written.put("nothing", "nothing");
        written.put(".hidden", ".hidden");
        written.put("$HOME", "$HOME");
        written.put("a: b", "'a: b'");
        written.put("it's", "it's");
        written.put("'x'", "'''x'''");
        written.put("a #b", "'a #b'");
        written.put("a#b", "a#b");
        written.put("-x", null);
        written.put("${HOME}", null);
        written.put("0x1F", null);
        written.put("a\tb", null);
        written.put("é", null);
        written.forEach((value, expected) -> {
            List<Object> document = List.of(Map.of("k", value));

            if (expected == null) {
                assertThat(PortableYaml.write(document)).as(value).isNull();
            } else {
                assertThat(PortableYaml.write(document)).as(value).isEqualTo("- k: " + expected + "\n");
                assertThat(TmtResultsYaml.dump(document)).as(value).isEqualTo("- k: " + expected + "\n");
            }
        });
    }

    @Test
    void anythingOutsideTheSubsetIsLeftToSnakeyaml() {
        List<Object> outside = new ArrayList<>();
        outside.add(null);
        outside.add(true);
        outside.add(1.5);
        outside.add((short) 1);
        outside.add(List.of(List.of("a")));
        outside.add(Map.of(1, "a"));
        outside.add(Map.of("", "a"));
        outside.add(Map.of("k".repeat(101), "a"));
        outside.add(List.of("a\nb"));
        outside.add("ünï");
        outside.add("ctl \u001b[31m");
        outside.add("\u2028");
        outside.add("1e3");
        for (Object value : outside) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", "/a");
            entry.put("extra", value);
            List<Object> document = List.of(entry);

            assertThat(PortableYaml.write(document)).as("%s", value).isNull();
            assertThat(TmtResultsYaml.yaml(document)).as("%s", value).isEqualTo(TmtResultsYaml.dump(document));
        }
        assertThat(PortableYaml.write(List.of())).isNull();
        assertThat(PortableYaml.write(List.of(List.of("a")))).isNull();
    }

    @Test
    void everyTrickyStringAsKeyValueOrItemIsWrittenAsSnakeyamlWritesIt() {
        int fast = 0;
        int total = 0;
        for (String string : TRICKY) {
            List<List<Object>> documents = List.of(List.of(Map.of("k", string)), List.of(Map.of(string, "v")),
                    List.of(Map.of("k", List.of(string, "v"))), List.of(Map.of("k", Map.of(string, List.of(string)))),
                    List.of(string, Map.of("k", List.of(Map.of(string, string), Map.of()))));
            for (List<Object> document : documents) {
                fast += check(document) ? 1 : 0;
                total++;
            }
        }
        assertThat(fast).isBetween(total / 4, total - total / 4);
    }

    @Test
    void randomDocumentsAreWrittenAsSnakeyamlWritesThem() {
        int fast = 0;
        int total = 0;
        for (long seed = 1; seed <= 5; seed++) {
            Random random = new Random(seed);
            for (int i = 0; i < 1000; i++) {
                List<Object> document = new ArrayList<>();
                for (int n = 1 + random.nextInt(3); n > 0; n--) {
                    document.add(random.nextInt(8) == 0 ? value(random, 2) : mapping(random, 0));
                }
                fast += check(document) ? 1 : 0;
                total++;
            }
        }
        assertThat(fast).isBetween(total / 10, total - total / 10);
    }

    @Test
    void stringsCloseToNumbersAndTimestampsAreWrittenAsSnakeyamlWritesThem() {
        Random random = new Random(11);
        int fast = 0;
        int total = 0;
        for (int i = 0; i < 20_000; i++) {
            String value = numberish(random);
            fast += check(List.of(Map.of("k", value))) ? 1 : 0;
            total++;
        }
        assertThat(fast).isBetween(total / 10, total - total / 10);
    }

    @Test
    void randomRunsAreWrittenAsSnakeyamlWritesThemAndMostlyByHand() {
        int fast = 0;
        int total = 0;
        for (long seed = 1; seed <= 3; seed++) {
            Random random = new Random(seed);
            for (int i = 0; i < 300; i++) {
                List<TestResult> results = new ArrayList<>();
                for (int n = 1 + random.nextInt(4); n > 0; n--) {
                    results.add(random.nextInt(8) == 0 ? awkward(random) : typical("default", n, 1, random));
                }
                List<Object> document = TmtResultsYaml.document(RunResults.of(results));
                fast += check(document) ? 1 : 0;
                assertThat(TmtResultsYaml.render(RunResults.of(results))).isEqualTo(TmtResultsYaml.dump(document));
                total++;
            }
        }
        assertThat(fast).isBetween(total / 2, total - total / 10);
    }

    /** Whether the fast path took {@code document}; when it did, what it wrote is what snakeyaml writes. */
    private static boolean check(List<Object> document) {
        String snakeyaml = TmtResultsYaml.dump(document);
        String fast = PortableYaml.write(document);
        if (fast != null) {
            assertThat(fast).as("%s", document).isEqualTo(snakeyaml);
        }
        assertThat(TmtResultsYaml.yaml(document)).as("%s", document).isEqualTo(snakeyaml);
        return fast != null;
    }

    /** A result as the run makes it: passes, failures with notes, subresults, contexts, guests and ids. */
    private static TestResult typical(String target, int serial, int attempt, Random random) {
        Outcome outcome = switch (random.nextInt(10)) {
            case 0, 1 -> Outcome.FAIL;
            case 2 -> Outcome.ERROR;
            case 3 -> Outcome.SKIP;
            default -> Outcome.PASS;
        };
        String name = serial % 10 == 0 ? "/tests/core/login-" + serial : "/t" + (100000 + serial);
        Instant start = T0.plus(Duration.ofSeconds(serial * 7L)).plusNanos(random.nextInt(1_000_000_000));
        Instant end = start.plus(Duration.ofMillis(serial == 100 ? 36_000_000 : random.nextInt(7_200_000)));
        List<String> notes = outcome == Outcome.PASS ? List.of() : List.of(NOTES.get(random.nextInt(NOTES.size())));
        String data = ResultsDir.testPath(target, name, serial, attempt);
        List<SubResult> subs = new ArrayList<>();
        if (serial % 3 == 0) {
            subs.add(new SubResult("/setup", Outcome.PASS, null, List.of(), List.of(data + "/data/setup.log"), start,
                    end));
            subs.add(new SubResult("/check-" + serial, outcome, serial % 2 == 0 ? Outcome.PASS : null, notes,
                    List.of(), null, null));
        }
        Map<String, List<String>> context = new LinkedHashMap<>();
        if (serial % 4 != 0) {
            context.put("distro", List.of("fedora-39"));
            context.put("arch", List.of("x86_64", "aarch64"));
            context.put("trigger", List.of("commit"));
        }
        Map<String, String> ids = new LinkedHashMap<>();
        if (serial % 5 != 0) {
            ids.put("id", "5b1c9f7e-%04x-4%03x-8000-%012x".formatted(serial, random.nextInt(4096), serial * 7919L));
            ids.put("extra-nitrate", serial % 2 == 0 ? "TC#00" + serial : null);
        }
        String machine = outcome == Outcome.SKIP ? null : "local-" + (1 + random.nextInt(8));
        return new TestResult(name, target, serial, attempt, outcome, serial % 7 == 0 ? Outcome.PASS : null, notes,
                start, end, machine, machine == null ? null : data + "/data",
                machine == null ? List.of() : List.of(data + "/output.txt", data + "/journal.txt"), subs, context,
                ids, Map.of());
    }

    /** A result with tricky strings anywhere. */
    private static TestResult awkward(Random random) {
        Map<String, List<String>> context = Map.of(string(random), List.of(string(random), string(random)));
        Map<String, String> ids = Map.of(string(random), string(random));
        SubResult sub = new SubResult(string(random), Outcome.INFO, null, List.of(string(random)),
                List.of(string(random)), null, T0);
        return new TestResult("/" + string(random), "default", 1 + random.nextInt(1000), 1, Outcome.WARN, null,
                List.of(string(random), string(random)), T0, T0.plusSeconds(random.nextInt(100_000)), string(random),
                string(random), List.of(string(random)), List.of(sub), context, ids, Map.of());
    }

    private static Map<String, Object> mapping(Random random, int depth) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int n = 1 + random.nextInt(4); n > 0; n--) {
            map.put(random.nextInt(3) == 0 ? string(random) : "key-" + random.nextInt(5), value(random, depth));
        }
        return map;
    }

    private static Object value(Random random, int depth) {
        return switch (random.nextInt(depth < 2 ? 12 : 8)) {
            case 0, 1, 2 -> string(random);
            case 3 -> random.nextBoolean() ? random.nextInt(2000) - 1000 : random.nextLong();
            case 4 -> List.of();
            case 5 -> Map.of();
            case 6 -> {
                List<Object> items = new ArrayList<>();
                for (int n = 1 + random.nextInt(3); n > 0; n--) {
                    items.add(random.nextInt(4) == 0 ? value(random, 2) : string(random));
                }
                yield items;
            }
            case 7 -> outside(random);
            case 8, 9 -> List.of(mapping(random, depth + 1), mapping(random, depth + 1));
            default -> mapping(random, depth + 1);
        };
    }

    /** Mostly a string, rarely something the fast path leaves to snakeyaml. */
    private static Object outside(Random random) {
        return switch (random.nextInt(12)) {
            case 0 -> random.nextDouble();
            case 1 -> random.nextBoolean();
            case 2 -> List.of(List.of(string(random)));
            default -> string(random);
        };
    }

    private static String string(Random random) {
        int pick = random.nextInt(20);
        if (pick < 10) {
            return TRICKY.get(random.nextInt(TRICKY.size()));
        }
        if (pick < 13) {
            return numberish(random);
        }
        if (pick < 16) {
            return NOTES.get(random.nextInt(NOTES.size()));
        }
        StringBuilder string = new StringBuilder();
        for (int n = random.nextInt(8); n > 0; n--) {
            string.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return string.toString();
    }

    /** A string made of what numbers, timestamps and durations are made of, often starting like them. */
    private static String numberish(Random random) {
        StringBuilder string = new StringBuilder();
        switch (random.nextInt(6)) {
            case 0 -> string.append(random.nextInt(10_000));
            case 1 -> string.append("2026-").append(1 + random.nextInt(12)).append('-').append(random.nextInt(32));
            case 2 -> string.append(random.nextInt(3) == 0 ? "0" : "").append(random.nextInt(200)).append(':')
                    .append(random.nextInt(7)).append(random.nextInt(10)).append(':')
                    .append(random.nextInt(7)).append(random.nextInt(10));
            case 3 -> string.append("+-.".charAt(random.nextInt(3)));
            default -> {
            }
        }
        for (int n = random.nextInt(random.nextBoolean() ? 3 : 12); n > 0; n--) {
            string.append(NUMBERISH.charAt(random.nextInt(NUMBERISH.length())));
        }
        return string.isEmpty() ? "7" : string.toString();
    }

    private static List<String> tricky() {
        List<String> strings = new ArrayList<>(List.of(
                // YAML 1.1 and 1.2 booleans and nulls
                "y", "Y", "n", "N", "yes", "Yes", "YES", "yEs", "no", "No", "NO", "nO", "on", "On", "ON", "oN",
                "off", "Off", "OFF", "oFF", "true", "True", "TRUE", "tRUE", "false", "False", "FALSE", "fALSE",
                "null", "Null", "NULL", "nULL", "~", "<<", "=", "<", "<<<", "==", "~~", "~/x", "=x", "<<x", "yess",
                "onion", "noon", "nil", "none", "None",
                // numbers in every notation
                "0", "1", "42", "-5", "+5", "-0", "007", "00", "08", "09", "0b1", "0b102", "-0b1", "0o7", "0o8",
                "0x1F", "0x1f", "0xG", "-0x1F", "1_000", "1__0", "_1", "1e3", "1E3", "1e+3", "1e-3", "1.5e3", "1.",
                "1.5", ".5", "-.5", "+.5", "1.2.3", "1.5.", "..5", ".inf", ".Inf", ".INF", "-.inf", "+.inf", ".iNf",
                ".nan", ".NaN", ".NAN", "-.nan", "1:20", "1:20:30", "1:20.5", "-1:20", "190:20:30", "1:60", "1:5",
                "1:05", "0:20", "01:20", "00:00:00", "09:59:59", "10:00:00", "99:99:99", "10:60:00", "10:00:60",
                "1.0:2", "12e", "1e", "e3", "0x", "0o", "0b", "8.6", "3.14159", "1,000", "1 000", "5m", "5e-1",
                // timestamps
                "2001-12-14", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5", "2001-12-15T02:59:43.1Z",
                "2001-12-15 2:59:43.10", "2026-11-24T16:28:28.473016+00:00", "2026-11-24T16:28:28.473016-00:00",
                "2026-11-24T16:28:28+00:00", "2026-11-24T16:28:28.473016+00:00x", "2026-1-2", "2026-01-02-03",
                "20261-01-02", "2026-01", "12:30", "12:30:45",
                // dashes, uuids, ids
                "-", "--", "---", "--- x", "-x", "- x", "-5x", "-e", "0a1b2c3d-5",
                "5b1c9f7e-0000-4000-8000-000000000001", "5b1c9f7e-0000-400e-800e-00000000000e", "1e-5-x", "1-2",
                "12-34", "1234-5678", "2e-3e-4", "TC#001", "TC #001", "#1",
                // indicators
                "a: b", "a:b", "a:", ":", ":a", ": a", "a #b", "a#b", "#a", "#", "a # b", "?", "?a", "? a", "a?",
                "'", "it's", "''", "\"", "a\"b", "\"a\"", "{", "}", "{}", "[", "]", "[]", "a[0]", ",", "a,b", "*",
                "*a", "a*", "&", "&a", "!", "!a", "a!", "|", "|a", ">", ">a", "%", "%a", "@", "@a", "`", "`a`",
                "a`b", "...", "..", ".", "... x", "...more", "---more",
                "$", "${HOME}", "${ HOME }", "${A:-b}", "$HOME", "$(x)",
                // spaces, tabs, breaks, controls, unicode
                " lead", "trail ", " ", "  ", "a  b", "a b c", "", "\t", "a\tb", "\ta", "a\t", "\n", "a\nb", "a\n",
                "\na", "a\r\nb", "a\rb", "a \nb", "a\n b", "\u0000", "a\u0007b", "a\u001bb", "a\u007fb",
                "\u0085", "a\u0085b", "\u00a0", "\u2028", "a\u2029b", "\ufeff", "\ufeffa", "é", "aé", "日本",
                "🚀", "ünï 日本 🚀: yes", "\ud800",
                // paths and realistic words
                "/", "/t00050", "/tests/login", "/a b", "/ a", "./x.sh", "./", "../x", "_x", "x_", "x.", "x-",
                "tests/t00000-1/output.txt", "tests/t00000-1/data", "local-1", "fedora-39", "x86_64", "a=b",
                "a\\b", "a~", "a;b", "a(b)", "(a)", "^a", "a|b", "a>b", "earlier attempts: fail, error",
                "test result overridden: fail", "beakerlib: State 'incomplete'"));
        strings.add("word ".repeat(30) + "end");
        strings.add("word ".repeat(3000) + "end");
        strings.add("x".repeat(100_000));
        strings.add("k".repeat(100));
        strings.add("k".repeat(101));
        strings.add("k".repeat(127));
        strings.add("k".repeat(128));
        strings.add("a: b ".repeat(500));
        strings.add("/very/long/path/".repeat(200) + "output.txt");
        return List.copyOf(strings);
    }
}
