package dev.corral.outcomes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.nio.file.Path;

import dev.corral.machine.local.LocalProvisioner;
import dev.corral.results.Outcome;
import dev.corral.results.TestResult;
import dev.corral.run.Run;
import dev.corral.run.RunReport;
import dev.corral.run.TargetSpec;
import dev.corral.tmt.Selection;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code result: custom} test through a whole {@link Run}: each entry of its {@code results.yaml} is a result
 * of its own in the journal and the reports, as in tmt, and a failed entry makes {@code rerunFailedOf} run its
 * test again.
 */
class CustomResultsRunTest {

    @TempDir
    Path tmp;

    @Test
    void customEntriesAreResultsOfTheirOwnAndAFailedEntryRerunsItsTest() throws Exception {
        Path tree = Path.of(CustomResultsRunTest.class.getResource("/outcomes/tree").toURI());
        RunReport first = run(tree, Run.builder().resultsDir(tmp.resolve("first")));

        assertThat(first.results().finals()).extracting(TestResult::name, TestResult::outcome).containsExactlyInAnyOrder(
                tuple("/tests/pass", Outcome.PASS),
                tuple("/tests/custom", Outcome.PASS),
                tuple("/tests/custom/sub/passing", Outcome.PASS),
                tuple("/tests/custom/sub/failing", Outcome.FAIL));
        assertThat(first.results().last("default", "/tests/custom/sub/passing").orElseThrow().notes())
                .containsExactly("first", "second");
        assertThat(first.dir().resultsYaml()).content().contains("name: /tests/custom/sub/failing");
        assertThat(first.exitCode().code()).isEqualTo(1);

        RunReport rerun = run(tree, Run.builder().resultsDir(tmp.resolve("rerun")).rerunFailedOf(first.dir().path()));

        assertThat(rerun.results().finals()).extracting(TestResult::name).containsExactlyInAnyOrder(
                "/tests/custom", "/tests/custom/sub/passing", "/tests/custom/sub/failing");
    }

    private RunReport run(Path tree, Run.Builder builder) throws InterruptedException {
        return builder.tree(tree)
                .selection(Selection.all().withNames("^/tests/custom$", "^/tests/pass$"))
                .target(TargetSpec.of("default", ctx -> new LocalProvisioner(ctx, 1), 1))
                .resultsRoot(tmp)
                .build()
                .execute();
    }
}
