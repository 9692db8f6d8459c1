package dev.corral.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the {@code corral} command line in-process and captures what it printed. */
record Cli(int exit, String out, String err) {

    static Cli run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = CorralCommand.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Cli(exit, out.toString(), err.toString());
    }
}
