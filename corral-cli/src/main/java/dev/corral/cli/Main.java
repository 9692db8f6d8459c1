package dev.corral.cli;

/** Entry point of the {@code corral} command. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        int code = CorralCommand.execute(args);
        if (CorralCommand.mayHalt(args)) {
            System.out.flush();
            System.err.flush();
            Runtime.getRuntime().halt(code);
        }
        System.exit(code);
    }
}
