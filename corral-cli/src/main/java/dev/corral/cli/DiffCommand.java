package dev.corral.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import dev.corral.report.diff.RunDiff;
import dev.corral.results.ResultsDir;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code corral diff OLD NEW}: what changed between two runs. Exits 1 when a test newly fails, so a pipeline can
 * gate on regressions.
 */
@Command(name = "diff", mixinStandardHelpOptions = true,
        description = "Compare two results directories: newly failing, newly passing, still failing, new and removed"
                + " tests, biggest duration changes. Exits 1 when a test newly fails.")
final class DiffCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "OLD", description = "The earlier results directory.")
    Path older;

    @Parameters(index = "1", paramLabel = "NEW", description = "The later results directory.")
    Path newer;

    @Option(names = "--json", description = "Print the comparison as JSON.")
    boolean json;

    @Override
    public Integer call() {
        RunDiff diff = RunDiff.compare(ResultsDir.open(older), ResultsDir.open(newer));
        PrintWriter out = spec.commandLine().getOut();
        out.println(json ? diff.toJson() : diff.toText());
        out.flush();
        return diff.hasRegressions() ? 1 : 0;
    }
}
