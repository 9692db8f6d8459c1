package dev.corral.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.corral.files.FileTrees;

/**
 * The training workloads for the JVM's start-up caches ({@code bin/corral} runs them once per build with
 * {@code -XX:AOTCacheOutput} or {@code -XX:ArchiveClassesAtExit}): writes a synthetic tree in a temporary
 * directory and runs commands on it in this JVM, output discarded, so that the classes and method profiles of
 * those paths end up in the cache. Workload {@code fmf} runs only {@code corral fmf}: a JDK 25 AOT cache loads
 * every class it holds at start-up, and the classes of {@code run} would cost {@code fmf} more than the cache
 * saves it. Workload {@code all} adds {@code ls}, {@code show}, {@code run}, help and version. Failures are
 * ignored: a cache is an optimisation. Not part of the command line.
 */
final class Training {
    private static final int AREAS = 4;
    private static final int SUITES = 5;
    private static final int TESTS = 40;

    private Training() {
    }

    /** Runs workload {@code fmf} or {@code all} (the default). */
    public static void main(String[] args) throws IOException {
        Path work = Files.createTempDirectory("corral-training");
        try {
            run(work, args.length == 0 || !args[0].equals("fmf"));
        } finally {
            FileTrees.deleteQuietly(work);
        }
        System.exit(0);
    }

    /** Writes the trees under {@code work} and runs the commands ({@code all} or fmf's); returns the exit codes. */
    static List<Integer> run(Path work, boolean all) throws IOException {
        Path tree = work.resolve("tree");
        writeTree(tree);
        Path small = work.resolve("small");
        writeSmallTree(small);
        String root = tree.toString();
        List<String[]> commands = new ArrayList<>(List.of(
                new String[] {"fmf", root, "--json", "--context", "distro=fedora-40", "--context", "arch=x86_64"},
                new String[] {"fmf", root, "--json", "-c", "distro=rhel-9.4", "-c", "arch=aarch64"},
                new String[] {"fmf", root, "--json"},
                new String[] {"fmf", root, "-F", "tag: smoke", "-F", "tier: 1|2"},
                new String[] {"fmf", root, "--json", "--context", "distro=fedora-40", "--context", "arch=x86_64"}));
        List<String[]> others = List.of(
                new String[] {"fmf", "--json", "--", small.toString()},
                new String[] {"ls", small.toString()},
                new String[] {"ls", small.toString(), "--json"},
                new String[] {"show", small.toString(), "/tests/one"},
                new String[] {"run", small.toString(), "--results", work.resolve("results").toString()},
                new String[] {"--version"},
                new String[] {"--help"});
        if (all) {
            commands.addAll(others);
        }
        List<Integer> codes = new ArrayList<>();
        for (String[] command : commands) {
            StandardOutput out = new StandardOutput(new PrintStream(OutputStream.nullOutputStream(), false,
                    StandardCharsets.UTF_8));
            PrintWriter err = new PrintWriter(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
            codes.add(CorralCommand.execute(out, err, command));
        }
        return codes;
    }

    /** A tree shaped like tmt repositories: one directory per test, inheritance, merges, adjust rules. */
    private static void writeTree(Path root) throws IOException {
        write(root.resolve(".fmf/version"), "1\n");
        write(root.resolve("main.fmf"), """
                contact: QE Team <qe@example.org>
                component: [kernel]
                duration: 10m
                tier: 2
                tag: [base]
                environment:
                    LANG: C.UTF-8
                adjust:
                  - when: distro == fedora
                    environment+:
                        PKG_MANAGER: dnf
                  - when: distro < fedora-38 or distro == centos-stream-8
                    enabled: false
                    because: too old
                """);
        write(root.resolve("plans/main.fmf"), "discover:\n    how: fmf\nexecute:\n    how: tmt\n");
        for (int a = 0; a < AREAS; a++) {
            Path area = root.resolve("area" + a);
            write(area.resolve("main.fmf"), "component+: [area%d]\ntag+: [area%d]\nrequire: [make, gcc]\n"
                    .formatted(a, a));
            for (int s = 0; s < SUITES; s++) {
                Path suite = area.resolve("suite" + s);
                write(suite.resolve("main.fmf"), """
                        summary: Suite %d of area %d
                        tier: %d
                        adjust:
                            when: arch != x86_64
                            tag+: [non-x86]
                            continue: false
                        """.formatted(s, a, s % 4));
                for (int t = 0; t < TESTS; t++) {
                    StringBuilder text = new StringBuilder("summary: \"Test %d: suite %d\"\ntest: ./runtest.sh --case %d\n"
                            .formatted(t, s, t));
                    if (t % 3 == 0) {
                        text.append("tag+: [smoke]\n");
                    }
                    if (t % 7 == 0) {
                        text.append("environment+:\n    CASE_%d: '%d'\n".formatted(t, t));
                    }
                    if (t % 11 == 0) {
                        text.append("adjust:\n  - when: distro ~= rhel-9 and arch == x86_64\n    duration: 1h\n"
                                + "  - when: initiator == human\n    enabled: false\n");
                    }
                    if (t % 13 == 0) {
                        text.append("description: |\n    Checks case ").append(t).append(".\n    # not a comment\n"
                                + "link:\n  - verifies: https://example.org/issue/1\nenabled: true\norder: 60\n");
                    }
                    if (t == 5) {
                        text.append("check: &check [avc, dmesg]\nresult: respect\n/variant:\n    check: *check\n");
                    }
                    write(suite.resolve("test-" + t).resolve("main.fmf"), text.toString());
                }
            }
        }
    }

    /** A few quick tests and a plan, for {@code ls}, {@code show} and {@code run}. */
    private static void writeSmallTree(Path root) throws IOException {
        write(root.resolve(".fmf/version"), "1\n");
        write(root.resolve("plans/main.fmf"), "discover:\n    how: fmf\nexecute:\n    how: tmt\n"
                + "environment:\n    GREETING: hello\n");
        write(root.resolve("tests/main.fmf"), "duration: 1m\ntag: [base]\n/one:\n  test: echo one\n  tag+: [smoke]\n"
                + "/two:\n  test: echo \"$GREETING\" > \"$TMT_TEST_DATA/out.txt\"\n  order: 10\n"
                + "/three:\n  test: exit 1\n  result: xfail\n");
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
