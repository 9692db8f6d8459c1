package dev.corral.cli;

import picocli.CommandLine.IVersionProvider;

/** Reports the version of the running Corral build. */
final class Version implements IVersionProvider {

    /** The version from the jar manifest, or {@code dev} when run from classes. */
    static String current() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"corral " + current(), "Java " + Runtime.version()};
    }
}
