package dev.corral.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.corral.Deadline;
import dev.corral.fmf.FmfJson;
import dev.corral.report.console.ConsoleReport;
import dev.corral.tmt.DiscoveredTest;
import dev.corral.tmt.DiscoveryResult;
import dev.corral.tmt.FmfTrees;
import dev.corral.tmt.TestExport;
import dev.corral.tmt.TreeDiscovery;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code corral ls TREE}: the tests a run would execute, plan by plan, in execution order. */
@Command(name = "ls", mixinStandardHelpOptions = true,
        description = "List the tests a run would execute (discovered through the tree's plans, normalized).")
final class LsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TREE", defaultValue = ".", description = "Tree root or a directory inside it.")
    Path tree;

    @Mixin
    SelectionOptions select;

    @Option(names = "--json", description = "Print every test's normalized keys as a JSON array.")
    boolean json;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<DiscoveryResult> plans = TreeDiscovery.discover(new FmfTrees(), tree, select.context(),
                select.selection(), w -> err.println("warning: " + Failures.oneLine(w)),
                Deadline.after(Duration.ofMinutes(30)));
        if (json) {
            List<Object> tests = new ArrayList<>();
            for (DiscoveryResult plan : plans) {
                for (DiscoveredTest t : plan.tests()) {
                    Map<String, Object> entry = new LinkedHashMap<>();
                    entry.put("plan", plan.plan().name());
                    entry.put("serial-number", t.serialNumber());
                    entry.putAll(TestExport.toMap(t.test()));
                    tests.add(entry);
                }
            }
            out.println(FmfJson.valueToJson(tests));
        } else {
            for (DiscoveryResult plan : plans) {
                if (plans.size() > 1) {
                    out.println(ConsoleReport.printable(plan.plan().name()) + ":");
                }
                String indent = plans.size() > 1 ? "    " : "";
                plan.tests().forEach(t -> out.println(indent + ConsoleReport.printable(t.name())));
            }
        }
        out.flush();
        return 0;
    }
}
