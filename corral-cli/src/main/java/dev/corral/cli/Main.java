package dev.corral.cli;

/** Entry point of the {@code corral} command. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(CorralCommand.execute(args));
    }
}
