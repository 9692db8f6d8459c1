package dev.corral.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import dev.corral.fmf.Context;
import dev.corral.fmf.FmfJson;
import dev.corral.fmf.Node;
import dev.corral.fmf.Tree;
import dev.corral.report.console.ConsoleReport;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code corral fmf TREE}: the tree's nodes as the reference fmf sees them, in climb order; with
 * {@code --context}, adjusted (case-insensitively, as tmt does); with {@code --filter}, only nodes with a
 * {@code test} key that pass every filter.
 */
@Command(name = "fmf", mixinStandardHelpOptions = true,
        description = "Show the nodes of an FMF tree (fmf climb order), adjusted and filtered.")
final class FmfCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TREE", defaultValue = ".", description = "Tree root or a directory inside it.")
    Path tree;

    @Option(names = {"-c", "--context"}, paramLabel = "DIM=V[,V...]", description = "Context dimension (repeatable).")
    List<String> context = new ArrayList<>();

    @Option(names = {"-F", "--filter"}, paramLabel = "EXPR", description = "fmf filter (repeatable; all must pass).")
    List<String> filters = new ArrayList<>();

    @Option(names = "--json", description = "Print {\"nodes\":[{\"name\",\"data\"}]} instead of names.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        Tree loaded = Tree.load(tree);
        if (!context.isEmpty()) {
            loaded = loaded.adjust(Context.parse(context.toArray(String[]::new)).caseSensitive(false));
        }
        List<Node> nodes = filters.isEmpty() ? loaded.climb() : loaded.prune(List.of("test"), List.of(), filters);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            FmfJson.write(nodes, out);
            out.println();
        } else {
            nodes.forEach(n -> out.println(ConsoleReport.printable(n.name())));
        }
        out.flush();
        return 0;
    }
}
