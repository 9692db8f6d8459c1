package dev.corral.report.tmt;

import static dev.corral.results.ResultFixtures.result;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.networknt.schema.Error;

import dev.corral.RunId;
import dev.corral.results.Journal;
import dev.corral.results.Outcome;
import dev.corral.results.ResultFixtures;
import dev.corral.results.ResultsDir;
import dev.corral.results.RunResults;
import dev.corral.results.SubResult;
import dev.corral.results.TestResult;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

class TmtResultsYamlTest {
    private static List<Error> validate(String yaml) {
        return TmtSchema.validate(yaml);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> load(String yaml) {
        return (List<Map<String, Object>>) new Load(LoadSettings.builder().build()).loadFromString(yaml);
    }

    private static TestResult full() {
        Map<String, String> ids = new LinkedHashMap<>();
        ids.put("id", "5b1c9f7e-0000-4000-8000-000000000001");
        ids.put("extra-nitrate", null);
        SubResult sub = new SubResult("/phase-setup", Outcome.FAIL, Outcome.PASS, List.of("phase note"),
                List.of("tests/tests/login-3/data/phase.log"), Instant.parse("2026-11-23T18:35:33Z"),
                Instant.parse("2026-11-23T18:35:34.5Z"));
        SubResult bare = new SubResult("/phase-cleanup", Outcome.PASS, null, List.of(), List.of(), null, null);
        return new TestResult("/tests/login", "default", 3, 1, Outcome.FAIL, Outcome.PASS,
                List.of("test result overridden: fail", "original test result: pass"),
                Instant.parse("2026-11-23T18:35:33.123456789Z"), Instant.parse("2026-11-23T20:40:38.9Z"), "local-1",
                "tests/tests/login-3", List.of("tests/tests/login-3/output.txt"), List.of(sub, bare),
                Map.of("distro", List.of("fedora-40"), "arch", List.of("x86_64")), ids,
                Map.of("reboot-count", 1));
    }

    @Test
    void writesTmtKeysAndFormats() {
        String yaml = TmtResultsYaml.render(RunResults.of(List.of(full())));

        assertThat(validate(yaml)).isEmpty();
        Map<String, Object> r = load(yaml).getFirst();
        assertThat(r).containsEntry("name", "/tests/login")
                .containsEntry("serial-number", 3)
                .containsEntry("result", "fail")
                .containsEntry("original-result", "pass")
                .containsEntry("note", List.of("test result overridden: fail", "original test result: pass"))
                .containsEntry("log", List.of("tests/tests/login-3/output.txt"))
                .containsEntry("start-time", "2026-11-23T18:35:33.123456+00:00")
                .containsEntry("end-time", "2026-11-23T20:40:38.900000+00:00")
                .containsEntry("duration", "02:05:05")
                .containsEntry("data-path", "tests/tests/login-3")
                .containsEntry("guest", Map.of("name", "local-1"))
                .containsEntry("ids", Map.of("id", "5b1c9f7e-0000-4000-8000-000000000001"))
                .containsEntry("check", List.of())
                .containsKey("context")
                .doesNotContainKey("fmf-id");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> subs = (List<Map<String, Object>>) r.get("subresult");
        assertThat(subs.getFirst()).containsEntry("name", "/phase-setup").containsEntry("result", "fail")
                .containsEntry("original-result", "pass").containsEntry("duration", "00:00:01")
                .containsEntry("start-time", "2026-11-23T18:35:33.000000+00:00");
        assertThat(subs.get(1)).containsEntry("original-result", "pass").doesNotContainKey("start-time");
        assertThat(yaml).doesNotContain("&id", "*id"); // no YAML anchors/aliases
    }

    @Test
    void formatsDurationsAndTimestampsLikeTmt() {
        assertThat(TmtResultsYaml.duration(Duration.ofMillis(999))).isEqualTo("00:00:00");
        assertThat(TmtResultsYaml.duration(Duration.ofSeconds(59 * 60 + 59))).isEqualTo("00:59:59");
        assertThat(TmtResultsYaml.duration(Duration.ofHours(123).plusSeconds(61))).isEqualTo("123:01:01");
        assertThat(TmtResultsYaml.duration(Duration.ofSeconds(-5))).isEqualTo("00:00:00");
        assertThat(TmtResultsYaml.timestamp(Instant.parse("2026-01-02T03:04:05Z")))
                .isEqualTo("2026-01-02T03:04:05.000000+00:00");
    }

    @Test
    void everyOutcomeAndAwkwardTextStayValid() {
        List<TestResult> results = new java.util.ArrayList<>();
        int serial = 1;
        for (Outcome o : Outcome.values()) {
            results.add(result("/tests/" + o.tmtName(), serial++, o));
        }
        TestResult awkward = ResultFixtures.withNotes(result("/tests/ünï 日本 🚀: yes", serial++, Outcome.WARN),
                List.of("no", "null", "~", "'quoted' \"double\"", "ctl \u0000\u0001\u001b[31m\u007f", "multi\nline\n",
                        "x".repeat(100_000), "- dash", "key: value", "# hash", "\u2028 separator"));
        TestResult unran = new TestResult("/tests/never", "default", serial, 1, Outcome.SKIP, null, List.of("skipped"),
                ResultFixtures.T0, ResultFixtures.T0, null, null, List.of(), List.of(), Map.of(), Map.of(), Map.of());
        results.add(awkward);
        results.add(unran);

        String yaml = TmtResultsYaml.render(RunResults.of(results));

        assertThat(validate(yaml)).isEmpty();
        List<Map<String, Object>> loaded = load(yaml);
        assertThat(loaded).hasSize(results.size());
        assertThat(loaded.get(results.size() - 2)).containsEntry("name", "/tests/ünï 日本 🚀: yes")
                .containsEntry("note", awkward.notes());
        assertThat(loaded.getLast()).doesNotContainKey("guest").doesNotContainKey("data-path");
        assertThat(loaded).extracting(m -> m.get("result"))
                .containsExactly("pass", "fail", "info", "warn", "error", "skip", "pending", "warn", "skip");
    }

    @Test
    void writesFinalAttemptsWithANoteAboutEarlierOnesAndGuestRolesForTargets() {
        Duration d = Duration.ofSeconds(3);
        List<TestResult> attempts = List.of(
                result("f40", "/a", 1, 1, Outcome.FAIL, d),
                result("f40", "/a", 1, 2, Outcome.ERROR, d),
                result("f40", "/a", 1, 3, Outcome.PASS, d),
                result("c9s", "/a", 1, 1, Outcome.PASS, d));

        String yaml = TmtResultsYaml.render(RunResults.of(attempts));

        assertThat(validate(yaml)).isEmpty();
        List<Map<String, Object>> loaded = load(yaml);
        assertThat(loaded).hasSize(2);
        assertThat(loaded.getFirst()).containsEntry("result", "pass")
                .containsEntry("note", List.of("earlier attempts: fail, error"))
                .containsEntry("guest", Map.of("name", "local-2", "role", "f40"))
                .containsEntry("data-path", "tests/f40/a-1-attempt3");
        assertThat(loaded.get(1)).containsEntry("guest", Map.of("name", "local-2", "role", "c9s"))
                .containsEntry("note", List.of());
    }

    @Test
    void quotesStringsThatYaml11ReadersWouldTakeForOtherTypes() {
        List<String> notes = List.of("no", "On", "y", "10:00:00", "0x1F", "1_000", "2001-12-14", "<<", "~", "plain text",
                "False", "NULL", "n", ".5", "-7", "+1", "=", "rhel-9");
        TestResult r = ResultFixtures.withNotes(result("default", "/a", 1, 1, Outcome.PASS, Duration.ofHours(10)), notes);

        String yaml = TmtResultsYaml.render(RunResults.of(List.of(r)));

        assertThat(yaml).contains("- 'no'", "- 'On'", "- 'y'", "- '10:00:00'", "- '0x1F'", "- '1_000'",
                "- '2001-12-14'", "- '<<'", "- '~'", "- plain text", "- 'False'", "- 'NULL'", "- 'n'", "- '.5'",
                "- '-7'", "- '+1'", "- '='", "- rhel-9", "duration: '10:00:00'",
                "start-time: '2026-11-23T18:36:34.123456+00:00'", "serial-number: 1");
        assertThat(load(yaml).getFirst()).containsEntry("note", notes);
        assertThat(validate(yaml)).isEmpty();
    }

    @Test
    void usesTmtsBlockLayout() {
        String yaml = TmtResultsYaml.render(RunResults.of(List.of(result("/tests/a", 1, Outcome.PASS))));
        assertThat(yaml).startsWith("- name: /tests/a\n  result: pass\n  original-result: pass\n  note: []\n  log:\n  - ");
    }

    @Test
    void anEmptyRunIsAnEmptyList() {
        String yaml = TmtResultsYaml.render(RunResults.of(List.of()));
        assertThat(yaml).isEqualTo("[]\n");
        assertThat(validate(yaml)).isEmpty();
    }

    @Test
    void theSchemaRejectsWhatTmtWouldReject() {
        // guards the validator set-up itself: a broken document must produce errors
        assertThat(validate("- name: no-slash\n  result: great\n  duration: 1:2:3\n  bogus: 1\n")).hasSizeGreaterThanOrEqualTo(4);
    }

    @Test
    void writesResultsYamlOfADirectoryFromItsJournal(@TempDir Path parent) throws IOException {
        ResultsDir dir = ResultsDir.create(parent, RunId.generate());
        try (Journal journal = dir.openJournal()) {
            journal.append(full());
        }
        TmtResultsYaml.write(dir, RunResults.read(dir));

        String yaml = Files.readString(dir.resultsYaml(), StandardCharsets.UTF_8);
        assertThat(validate(yaml)).isEmpty();
        assertThat(load(yaml)).extracting(m -> m.get("name")).containsExactly("/tests/login");
    }
}
