package dev.corral.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

/** Runs the {@code corral} command line in-process and captures what it printed. */
record Cli(int exit, String out, String err) {

    static Cli run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = CorralCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Cli(exit, out.toString(), err.toString());
    }

    /**
     * Like {@link #run}, and what reached the process's own standard streams meanwhile (log lines, stray prints) is
     * appended to {@link #out} and {@link #err}, as a user would see it on the terminal. Not for parallel tests.
     */
    static synchronized Cli runWithStandardStreams(String... args) {
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        ByteArrayOutputStream strayOut = new ByteArrayOutputStream();
        ByteArrayOutputStream strayErr = new ByteArrayOutputStream();
        Cli r;
        try {
            System.setOut(new PrintStream(strayOut, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(strayErr, true, StandardCharsets.UTF_8));
            r = run(args);
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
        }
        return new Cli(r.exit(), r.out() + strayOut.toString(StandardCharsets.UTF_8),
                r.err() + strayErr.toString(StandardCharsets.UTF_8));
    }
}
