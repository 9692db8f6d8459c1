package dev.corral.cli;

import java.io.PrintWriter;

import dev.corral.CorralException;
import dev.corral.report.console.ConsoleReport;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns failures into one-line messages and exit codes, in one place. User mistakes (bad options, bad trees,
 * bad values) print {@code error: <what and where>} and exit {@value #USAGE}; unexpected bugs print the stack
 * trace and exit {@value #BUG}.
 */
final class Failures implements IExecutionExceptionHandler, IParameterExceptionHandler {
    /** Exit code for user mistakes and refused input (tmt uses 2 for errors). */
    static final int USAGE = 2;
    /** Exit code for internal errors. */
    static final int BUG = 70;
    /** Exit code after SIGINT. */
    static final int INTERRUPTED = 130;

    @Override
    public int handleExecutionException(Exception ex, CommandLine cli, ParseResult parsed) {
        return report(ex, cli.getErr());
    }

    /** Prints what went wrong in {@code ex} to {@code err} and returns the exit code. */
    static int report(Exception ex, PrintWriter err) {
        if (ex instanceof CorralException) {
            err.println("error: " + oneLine(ex.getMessage()));
            return USAGE;
        }
        if (ex instanceof InterruptedException) {
            err.println("error: interrupted");
            return INTERRUPTED;
        }
        err.println("error: internal error, please report it: " + ex);
        ex.printStackTrace(err);
        return BUG;
    }

    /**
     * The virtual machine's own limits, which picocli lets through: too little heap for the input is the user's to
     * fix ({@value #USAGE}); a stack overflow is a bug ({@value #BUG}). One line each, no stack trace.
     */
    static int handleError(VirtualMachineError error, PrintWriter err) {
        if (error instanceof OutOfMemoryError) {
            err.println("error: out of memory (" + oneLine(error.getMessage()) + "): the input is too large for the"
                    + " Java heap; give Corral more, e.g. CORRAL_JAVA_OPTS=-Xmx4g");
            return USAGE;
        }
        err.println("error: internal error, please report it: " + error.getClass().getSimpleName()
                + " (input nested too deeply?)");
        return BUG;
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cli = ex.getCommandLine();
        PrintWriter err = cli.getErr();
        err.println("error: " + oneLine(ex.getMessage()));
        err.println("Try '" + cli.getCommandSpec().qualifiedName() + " --help' for more information.");
        return USAGE;
    }

    /** Messages are shown on one line: newlines become {@code " | "}, other control characters are escaped. */
    static String oneLine(String message) {
        if (message == null || message.isBlank()) {
            return "unknown error";
        }
        return ConsoleReport.printable(message.strip().replace("\r", "").replace("\n", " | "));
    }
}
