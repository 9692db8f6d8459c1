package dev.corral.results;

import static dev.corral.results.Outcome.ERROR;
import static dev.corral.results.Outcome.FAIL;
import static dev.corral.results.Outcome.INFO;
import static dev.corral.results.Outcome.PASS;
import static dev.corral.results.Outcome.PENDING;
import static dev.corral.results.Outcome.SKIP;
import static dev.corral.results.Outcome.WARN;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class ExitCodeTest {

    @Test
    void followsTmtsRulesInTmtsOrder() {
        assertThat(ExitCode.of(List.of())).isEqualTo(ExitCode.NO_RESULTS);
        assertThat(ExitCode.of(List.of(PASS, PASS))).isEqualTo(ExitCode.PASSED);
        assertThat(ExitCode.of(List.of(PASS, INFO))).isEqualTo(ExitCode.PASSED);
        assertThat(ExitCode.of(List.of(INFO))).isEqualTo(ExitCode.PASSED);
        assertThat(ExitCode.of(List.of(PASS, SKIP))).isEqualTo(ExitCode.PASSED);
        assertThat(ExitCode.of(List.of(SKIP, SKIP))).isEqualTo(ExitCode.ALL_SKIPPED);
        assertThat(ExitCode.of(List.of(SKIP, FAIL))).isEqualTo(ExitCode.FAILED);
        assertThat(ExitCode.of(List.of(PASS, WARN))).isEqualTo(ExitCode.FAILED);
        assertThat(ExitCode.of(List.of(FAIL, ERROR, PASS))).isEqualTo(ExitCode.ERROR);
        assertThat(ExitCode.of(List.of(SKIP, ERROR))).isEqualTo(ExitCode.ERROR);
        assertThat(ExitCode.of(List.of(PASS, PENDING))).isEqualTo(ExitCode.ERROR);
    }

    @Test
    void codesAreTmts() {
        assertThat(List.of(ExitCode.PASSED, ExitCode.FAILED, ExitCode.ERROR, ExitCode.NO_RESULTS, ExitCode.ALL_SKIPPED))
                .extracting(ExitCode::code).containsExactly(0, 1, 2, 3, 4);
    }
}
