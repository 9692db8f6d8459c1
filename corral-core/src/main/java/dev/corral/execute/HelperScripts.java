package dev.corral.execute;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The commands a test can call, installed on every machine: tmt's helpers and their restraint / rhts aliases.
 * They are Corral's own bash scripts (classpath resources) with tmt's command lines.
 */
final class HelperScripts {

    /** A script and the other names it is installed under. */
    record Script(String name, List<String> aliases) {
    }

    static final List<Script> ALL = List.of(
            new Script("tmt-report-result", List.of("rstrnt-report-result", "rhts-report-result")),
            new Script("tmt-file-submit", List.of("rstrnt-report-log", "rhts-submit-log", "rhts_submit_log")),
            new Script("tmt-abort", List.of("rstrnt-abort", "rhts-abort")),
            new Script("tmt-reboot", List.of("rstrnt-reboot", "rhts-reboot")),
            new Script("tmt-reboot-core", List.of()));

    /** The test wrapper run for every test (not on the test's PATH). */
    static final String WRAPPER = "test-wrapper.sh";

    private HelperScripts() {
    }

    static byte[] script(String name) {
        return resource("scripts/" + name);
    }

    static byte[] wrapper() {
        return resource(WRAPPER);
    }

    private static byte[] resource(String name) {
        try (InputStream in = HelperScripts.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " missing from the Corral jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read resource " + name, e);
        }
    }
}
