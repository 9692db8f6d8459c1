package dev.corral.cli;

import java.io.PrintWriter;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The root {@code corral} command: wires the subcommands, one class each, and maps failures to exit codes in
 * one place ({@link Failures}).
 */
@Command(name = "corral",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "Functional testing of operating systems and images: FMF/tmt tests on pools of machines.",
        subcommands = {FmfCommand.class, LsCommand.class, ShowCommand.class, RunCommand.class, ReportCommand.class, DiffCommand.class, CleanupCommand.class, ImageCommand.class,
                CommandLine.HelpCommand.class})
public final class CorralCommand {

    /** Runs the command line with the process's standard streams and returns the exit code. */
    public static int execute(String... args) {
        return execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** Runs the command line writing to the given streams (tests capture them) and returns the exit code. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = commandLine();
        cli.setOut(out);
        cli.setErr(err);
        try {
            return cli.execute(args);
        } catch (OutOfMemoryError | StackOverflowError e) {
            return Failures.handleError(e, err);
        }
    }

    /** The configured picocli command line. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new CorralCommand());
        Failures failures = new Failures();
        cli.setExecutionExceptionHandler(failures);
        cli.setParameterExceptionHandler(failures);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        return cli;
    }
}
