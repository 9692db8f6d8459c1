package dev.corral.examples;

import java.nio.file.Path;

import dev.corral.machine.local.LocalProvisioner;
import dev.corral.results.TestResult;
import dev.corral.run.Run;
import dev.corral.run.RunReport;
import dev.corral.run.TargetSpec;
import dev.corral.schedule.RunListener;
import dev.corral.tmt.Selection;

/** A runner of your own: the smoke tests of a tree on four local slots, each result printed as it arrives. */
public final class SmokeRunner {

    public static void main(String[] args) throws InterruptedException {
        System.exit(run(Path.of(args.length > 0 ? args[0] : "."), Path.of("corral-results")));
    }

    static int run(Path tree, Path resultsRoot) throws InterruptedException {
        RunReport report = Run.builder()
                .tree(tree)
                .selection(Selection.all().withFilters("tag: smoke"))
                .target(TargetSpec.of("default", machines -> new LocalProvisioner(machines, 4), 4))
                .resultsRoot(resultsRoot)
                .listener(new RunListener() {
                    @Override
                    public void testFinished(TestResult r) {
                        System.out.printf("%-5s %s on %s%n", r.outcome().tmtName(), r.name(), r.machine());
                    }
                })
                .build()
                .execute();
        System.out.println("reports in " + report.dir().path());
        return report.exitCode().code();
    }
}
