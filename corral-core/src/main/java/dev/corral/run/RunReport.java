package dev.corral.run;

import java.util.List;
import java.util.Objects;

import dev.corral.results.ExitCode;
import dev.corral.results.ResultsDir;
import dev.corral.results.RunResults;

import org.apiguardian.api.API;

/**
 * What a finished (or interrupted) {@link Run} left behind: the results directory with its reports, the final
 * results, and the exit code by tmt's convention.
 *
 * @param dir         the results directory
 * @param results     every attempt and the final result of each test
 * @param interrupted whether the run was interrupted (Ctrl-C, SIGTERM, a cancelled thread)
 * @param warnings    discovery warnings (unknown keys, unsupported options)
 */
@API(status = API.Status.EXPERIMENTAL)
public record RunReport(ResultsDir dir, RunResults results, boolean interrupted, List<String> warnings) {

    public RunReport {
        Objects.requireNonNull(dir, "dir must not be null");
        Objects.requireNonNull(results, "results must not be null");
        warnings = List.copyOf(warnings);
    }

    /** tmt's exit code for the final outcomes: 0 all passed, 1 a failure, 2 an error, 3 nothing ran, 4 all skipped. */
    public ExitCode exitCode() {
        return results.exitCode();
    }
}
