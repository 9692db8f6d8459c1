package dev.corral.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.corral.CorralException;
import dev.corral.fmf.Context;
import dev.corral.tmt.Selection;

import picocli.CommandLine.Option;

/** The options that choose what runs: context, filters, test and plan names, environment. */
final class SelectionOptions {

    @Option(names = {"-c", "--context"}, paramLabel = "DIM=V[,V...]",
            description = "FMF context dimension for adjust and when rules (repeatable; a comma lists several values).")
    List<String> context = new ArrayList<>();

    @Option(names = {"-F", "--filter"}, paramLabel = "EXPR",
            description = "fmf filter such as 'tag: smoke & tier: 1' (repeatable; all must pass).")
    List<String> filters = new ArrayList<>();

    @Option(names = {"-t", "--test"}, paramLabel = "REGEX",
            description = "Only tests whose name matches (searched; repeatable, any may match).")
    List<String> tests = new ArrayList<>();

    @Option(names = {"-p", "--plan"}, paramLabel = "REGEX",
            description = "Only plans whose name matches (searched; repeatable).")
    List<String> plans = new ArrayList<>();

    @Option(names = {"-e", "--environment"}, paramLabel = "NAME=VALUE",
            description = "Environment variable for every test, over the plan's (repeatable).")
    List<String> environment = new ArrayList<>();

    /** The context dimensions, parsed. */
    Map<String, List<String>> context() {
        return context.isEmpty() ? Map.of() : Context.parse(context.toArray(String[]::new)).dimensions();
    }

    /** What to select. */
    Selection selection() {
        Map<String, String> env = new LinkedHashMap<>();
        for (String pair : environment) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new CorralException("invalid --environment '" + pair + "': use NAME=VALUE");
            }
            env.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return new Selection(plans, tests, filters, env);
    }
}
