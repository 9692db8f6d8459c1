package dev.corral.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import dev.corral.CorralException;
import dev.corral.fmf.Context;
import dev.corral.fmf.FmfJson;
import dev.corral.tmt.FmfNode;
import dev.corral.tmt.FmfTrees;
import dev.corral.tmt.TestCase;
import dev.corral.tmt.TestExport;
import dev.corral.tmt.TestNormalizer;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code corral show TREE NAME}: one test with every key normalized and defaulted, as tmt sees it. */
@Command(name = "show", mixinStandardHelpOptions = true,
        description = "Show a test's normalized keys (the test named NAME, or every test whose name matches it).")
final class ShowCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TREE", description = "Tree root or a directory inside it.")
    Path tree;

    @Parameters(index = "1", paramLabel = "NAME", description = "Test name, or a regular expression searched in names.")
    String name;

    @Option(names = {"-c", "--context"}, paramLabel = "DIM=V[,V...]", description = "Context dimension (repeatable).")
    List<String> context = new ArrayList<>();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        FmfTrees fmf = new FmfTrees();
        Map<String, List<String>> dims = context.isEmpty() ? Map.of() : Context.parse(context.toArray(String[]::new)).dimensions();
        List<FmfNode> tests = fmf.load(tree, dims).stream().filter(n -> n.data().containsKey("test")).toList();
        List<FmfNode> chosen = tests.stream().filter(n -> n.name().equals(name)).toList();
        if (chosen.isEmpty()) {
            Pattern pattern = pattern(name);
            chosen = tests.stream().filter(n -> pattern.matcher(n.name()).find()).toList();
        }
        if (chosen.isEmpty()) {
            throw new CorralException("no test matches '" + name + "' in " + fmf.tree(tree).root());
        }
        TestNormalizer normalizer = TestNormalizer.create().withLocator(fmf);
        boolean first = true;
        for (FmfNode node : chosen) {
            TestCase test = normalizer.normalize(node, w -> err.println("warning: " + w));
            if (!first) {
                out.println();
            }
            first = false;
            print(out, TestExport.toMap(test));
        }
        out.flush();
        return 0;
    }

    private static void print(PrintWriter out, Map<String, Object> keys) {
        int width = keys.keySet().stream().mapToInt(String::length).max().orElse(0);
        keys.forEach((key, value) -> {
            if (value == null || value instanceof List<?> l && l.isEmpty() || value instanceof Map<?, ?> m && m.isEmpty()) {
                return;
            }
            String text = value instanceof String s ? s : FmfJson.valueToJson(value);
            String pad = " ".repeat(width - key.length());
            String[] lines = text.strip().split("\n", -1);
            out.println(key + pad + "  " + lines[0]);
            for (int i = 1; i < lines.length; i++) {
                out.println(" ".repeat(width + 2) + lines[i]);
            }
        });
    }

    private static Pattern pattern(String regex) {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new CorralException("invalid test name pattern '" + regex + "': " + e.getDescription());
        }
    }
}
