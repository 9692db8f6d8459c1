package dev.corral.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;

import dev.corral.Deadline;
import dev.corral.cleanup.Cleanup;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code corral cleanup}: removes what killed runs left behind (containers, VMs and their files, test processes).
 * Runs that are still alive are never touched, unless {@code --all} says so.
 */
@Command(name = "cleanup", mixinStandardHelpOptions = true,
        description = "Remove containers, VMs, overlays and processes left behind by runs that were killed.")
final class CleanupCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--all", description = "Also remove the resources of runs that are still running.")
    boolean all;

    @Option(names = {"-n", "--dry-run"}, description = "Only list what would be removed.")
    boolean dryRun;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Cleanup cleanup = Cleanup.standard();
        Deadline deadline = Deadline.after(Duration.ofMinutes(10));
        Cleanup.Report report = all ? cleanup.everything(dryRun, deadline) : cleanup.deadRuns(dryRun, deadline);
        String verb = dryRun ? "would remove " : "removed ";
        report.removed().forEach(r -> out.println(verb + r));
        if (report.removed().isEmpty()) {
            out.println("nothing to clean up");
        }
        report.failed().forEach(f -> err.println("error: " + f));
        out.flush();
        err.flush();
        return report.failed().isEmpty() ? 0 : 2;
    }
}
