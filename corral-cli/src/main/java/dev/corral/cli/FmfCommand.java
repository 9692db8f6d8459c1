package dev.corral.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 *
 * <p>Scripts call this command once per tree, so its start-up matters: {@link #plain(String...)} reads the common
 * command lines without picocli (whose classes the JVM can neither archive nor verify quickly); anything else goes
 * through picocli.
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
        return run(spec.commandLine().getOut());
    }

    /** Runs the command, writing to {@code out}; a {@link StandardOutput} receives the JSON as bytes. */
    int run(PrintWriter out) throws IOException {
        Tree loaded = Tree.load(tree);
        if (!context.isEmpty()) {
            loaded = loaded.adjust(Context.parse(context.toArray(String[]::new)).caseSensitive(false));
        }
        List<Node> nodes = filters.isEmpty() ? loaded.climb() : loaded.prune(List.of("test"), List.of(), filters);
        if (json && out instanceof StandardOutput standard) {
            FmfJson.write(nodes, standard.bytes());
        } else if (json) {
            FmfJson.write(nodes, out);
        } else {
            StringBuilder names = new StringBuilder(nodes.size() * 48);
            for (Node node : nodes) {
                names.append(ConsoleReport.printable(node.name())).append('\n');
            }
            out.print(names);
        }
        out.flush();
        return 0;
    }

    /**
     * The command for {@code args} when they are a plain {@code fmf} command line ({@link PlainCommandLine}), or
     * null: {@code fmf}, at most one TREE, and only {@code --json}, {@code -c}/{@code --context} and
     * {@code -F}/{@code --filter}.
     */
    static FmfCommand plain(String... args) {
        PlainCommandLine line = PlainCommandLine.read(args, "fmf", Set.of("--json"),
                Set.of("-c", "--context", "-F", "--filter"));
        if (line == null || line.operands().size() > 1) {
            return null;
        }
        FmfCommand command = new FmfCommand();
        command.json = line.flags().contains("--json");
        for (Map.Entry<String, String> option : line.options()) {
            List<String> target = switch (option.getKey()) {
                case "-c", "--context" -> command.context;
                default -> command.filters;
            };
            target.add(option.getValue());
        }
        String treeArg = line.operands().isEmpty() ? null : line.operands().getFirst();
        try {
            command.tree = Path.of(treeArg == null ? "." : treeArg);
        } catch (InvalidPathException e) {
            return null;
        }
        return command;
    }
}
