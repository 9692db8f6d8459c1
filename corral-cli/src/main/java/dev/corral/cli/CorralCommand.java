package dev.corral.cli;

import java.io.PrintWriter;
import java.util.List;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The root {@code corral} command: wires the subcommands, one class each, and maps failures to exit codes in
 * one place ({@link Failures}).
 *
 * <p>Start-up is part of every command's cost: picocli builds a command's model by reflection, so only the
 * subcommand named on the command line is registered (all of them when none is named, for help and suggestions),
 * and plain {@code fmf} and {@code run} command lines skip picocli altogether ({@link FmfCommand#plain(String...)},
 * {@link RunCommand#plain(String...)}).
 */
@Command(name = "corral",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "Functional testing of operating systems and images: FMF/tmt tests on pools of machines.")
public final class CorralCommand {

    /** The subcommand names, in the order help lists them. */
    private static final List<String> SUBCOMMANDS = List.of("fmf", "ls", "show", "run", "report", "diff", "cleanup",
            "image", "help");

    /**
     * A new subcommand object, or null for an unknown name. A switch, not a map of constructor references: the
     * JDK 25 AOT cache writer crashes on archived lambdas whose classes it cannot archive (those using picocli).
     */
    private static Object subcommand(String name) {
        return switch (name) {
            case "fmf" -> new FmfCommand();
            case "ls" -> new LsCommand();
            case "show" -> new ShowCommand();
            case "run" -> new RunCommand();
            case "report" -> new ReportCommand();
            case "diff" -> new DiffCommand();
            case "cleanup" -> new CleanupCommand();
            case "image" -> new ImageCommand();
            case "help" -> new CommandLine.HelpCommand();
            default -> null;
        };
    }

    /** Runs the command line with the process's standard streams and returns the exit code. */
    public static int execute(String... args) {
        return execute(new StandardOutput(System.out), new PrintWriter(System.err, true), args);
    }

    /** Runs the command line writing to the given streams (tests capture them) and returns the exit code. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        FmfCommand plain = FmfCommand.plain(args);
        if (plain != null) {
            try {
                return plain.run(out);
            } catch (Exception e) {
                return Failures.report(e, err);
            }
        }
        RunCommand run = RunCommand.plain(args);
        if (run != null) {
            try {
                return run.run(out, err);
            } catch (OutOfMemoryError | StackOverflowError e) {
                return Failures.handleError(e, err);
            } catch (Exception e) {
                return Failures.report(e, err);
            }
        }
        CommandLine cli = commandLine(args);
        cli.setOut(out);
        cli.setErr(err);
        try {
            return cli.execute(args);
        } catch (OutOfMemoryError | StackOverflowError e) {
            return Failures.handleError(e, err);
        }
    }

    /**
     * Whether the JVM may halt right after {@code args} ran, skipping {@link System#exit}'s shutdown sequence: true
     * for {@code fmf}, which starts no process or thread that outlives it and registers no shutdown hook. This
     * spares the JDK's exit logging, which starts the logging back end (logback) only to find it quiet.
     */
    static boolean mayHalt(String... args) {
        return args.length > 0 && args[0].equals("fmf");
    }

    /** The configured picocli command line for {@code args}: the named subcommand, or all of them. */
    static CommandLine commandLine(String... args) {
        CommandLine cli = new CommandLine(new CorralCommand());
        Object named = args.length > 0 && !args[0].equals("help") ? subcommand(args[0]) : null;
        if (named != null) {
            cli.addSubcommand(args[0], named);
        } else {
            for (String name : SUBCOMMANDS) {
                cli.addSubcommand(name, subcommand(name));
            }
        }
        Failures failures = new Failures();
        cli.setExecutionExceptionHandler(failures);
        cli.setParameterExceptionHandler(failures);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        return cli;
    }
}
