package dev.corral.execute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.corral.results.Outcome;
import dev.corral.tmt.ResultInterpretation;

import org.junit.jupiter.api.Test;

/** Parsing tmt's results format and applying {@code result:}; pure logic. */
class ReportedResultsTest {

    @Test
    void entriesWithEveryKey() {
        List<ReportedResults.Entry> entries = ReportedResults.fromYaml("""
                - name: /a
                  result: PASS
                  note: one
                  log: [a.log, b.log]
                  start-time: "2026-01-02T03:04:05.123456+01:00"
                  end-time: "2026-01-02T03:04:06+01:00"
                  duration: "01:02:03.5"
                  ids: {id: x}
                  subresult:
                    - name: /inner
                      result: info
                - name: /b
                """);

        ReportedResults.Entry a = entries.getFirst();
        assertThat(a.outcome()).isEqualTo(Outcome.PASS);
        assertThat(a.notes()).containsExactly("one");
        assertThat(a.logs()).containsExactly("a.log", "b.log");
        assertThat(a.start()).isEqualTo(Instant.parse("2026-01-02T02:04:05.123456Z"));
        assertThat(a.end()).isEqualTo(Instant.parse("2026-01-02T02:04:06Z"));
        assertThat(a.duration()).isEqualTo(Duration.ofSeconds(3723, 500_000_000));
        assertThat(a.ids()).containsEntry("id", "x");
        assertThat(a.subresults()).singleElement().extracting(ReportedResults.Entry::outcome).isEqualTo(Outcome.INFO);
        assertThat(entries.get(1).outcome()).as("tmt's default").isEqualTo(Outcome.PASS);
    }

    @Test
    void invalidDataIsRejectedWithAReason() {
        assertThatThrownBy(() -> ReportedResults.fromYaml("{a: 1}"))
                .hasMessage("expected a list in yaml data, got 'dict'");
        assertThatThrownBy(() -> ReportedResults.fromJson("\"text\""))
                .hasMessage("expected a list in json data, got 'str'");
        assertThatThrownBy(() -> ReportedResults.fromYaml("- 1")).hasMessage("result #1: expected a mapping, got 'integer'");
        assertThatThrownBy(() -> ReportedResults.fromYaml("- name: /x\n  result: pending"))
                .hasMessage("result '/x': invalid result 'pending'");
        assertThatThrownBy(() -> ReportedResults.fromYaml("- name: /x\n  log: {a: b}"))
                .hasMessage("result '/x' log: expected a string or a list of strings");
        assertThatThrownBy(() -> ReportedResults.fromYaml("- [")).hasMessageStartingWith("invalid YAML syntax");
        assertThat(ReportedResults.fromYaml("")).isEmpty();
    }

    @Test
    void interpretationAddsTheOriginalResultNote() {
        Interpretation.Interpreted xfail = Interpretation.apply(ResultInterpretation.XFAIL, Outcome.FAIL,
                List.of("timeout"));
        assertThat(xfail.outcome()).isEqualTo(Outcome.PASS);
        assertThat(xfail.notes()).containsExactly("timeout", "original result: fail");

        Interpretation.Interpreted respect = Interpretation.apply(ResultInterpretation.RESPECT, Outcome.WARN, List.of());
        assertThat(respect.outcome()).isEqualTo(Outcome.WARN);
        assertThat(respect.notes()).isEmpty();

        Interpretation.Interpreted info = Interpretation.apply(ResultInterpretation.INFO, Outcome.ERROR, List.of());
        assertThat(info.outcome()).isEqualTo(Outcome.INFO);
        assertThat(info.notes()).containsExactly("original result: error");
    }

    @Test
    void rebootRequests() {
        assertThat(RebootRequest.parse("{\"command\": \"systemctl reboot\", \"timeout\": \"120\"}"))
                .isEqualTo(new RebootRequest("systemctl reboot", Duration.ofSeconds(120)));
        assertThat(RebootRequest.parse("{\"command\": \"\", \"timeout\": \"\"}")).isEqualTo(new RebootRequest(null, null));
        assertThat(RebootRequest.parse("garbage")).isEqualTo(new RebootRequest(null, null));
    }
}
