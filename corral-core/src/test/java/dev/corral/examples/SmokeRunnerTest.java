package dev.corral.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.corral.results.ResultsDir;
import dev.corral.results.RunResults;
import dev.corral.results.TestResult;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's Java API example compiles, runs the example tree's smoke tests, and is quoted verbatim. */
class SmokeRunnerTest {
    private static final Path PROJECT = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    @Test
    void runsTheSmokeTestsOfTheExampleTree() throws InterruptedException {
        int exit = SmokeRunner.run(PROJECT.resolve("examples/basic"), tmp);
        assertThat(exit).isZero();
        RunResults results = RunResults.read(ResultsDir.open(tmp.resolve(ResultsDir.LATEST)));
        assertThat(results.finals()).extracting(TestResult::name)
                .containsExactlyInAnyOrder("/tests/smoke", "/tests/environment");
    }

    @Test
    void readmeQuotesTheExampleVerbatim() throws IOException {
        String readme = Files.readString(PROJECT.resolve("README.md"));
        String source = Files.readString(PROJECT.resolve("corral-core/src/test/java/dev/corral/examples/SmokeRunner.java"));
        String body = source.substring(source.indexOf("import java.nio.file.Path;"));
        assertThat(readme).contains(body.strip());
        assertThat(body.lines().count()).isLessThanOrEqualTo(40);
    }
}
