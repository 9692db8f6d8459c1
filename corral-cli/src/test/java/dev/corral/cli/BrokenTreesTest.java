package dev.corral.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The corpus of broken trees ({@code src/test/resources/broken-trees/<case>/}) through {@code corral fmf}, {@code ls}
 * and {@code run --how local}: each command that must refuse the tree exits 2 with exactly one line on stderr,
 * {@code error: ...} matching the case's {@code expected.txt}, with no stack trace anywhere, and {@code run} leaves no
 * results directory behind; commands the tree is valid for (python fmf accepts wrong tmt types) exit 0.
 *
 * <p>A case directory holds {@code tree/} (copied to a temporary directory first), {@code expected.txt} (a substring
 * of the error line, or {@code regex:} and a regular expression searched in it), and optionally {@code args.txt}
 * (extra arguments, one per line), {@code commands.txt} (the commands to run, default {@code fmf ls run}),
 * {@code fails.txt} (those of them that must fail, default all) and
 * {@code symlinks.txt} ({@code LINK -> TARGET} per line, relative to the tree; git and Maven cannot carry symlink
 * loops). Cases too big to keep in git are generated here.
 */
class BrokenTreesTest {

    private static final List<String> COMMANDS = List.of("fmf", "ls", "run");

    @TempDir
    Path tmp;

    /** One case: where its files are (null for generated ones), and how to write its tree. */
    record Case(String name, Path source, Consumer<Path> generator, String expected, List<String> args,
                List<String> commands, List<String> fails) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() throws IOException, URISyntaxException {
        Path corpus = Path.of(BrokenTreesTest.class.getResource("/broken-trees").toURI());
        List<Case> cases = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(corpus)) {
            for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                List<String> commands = words(dir.resolve("commands.txt"), COMMANDS);
                cases.add(new Case(dir.getFileName().toString(), dir, null,
                        Files.readString(dir.resolve("expected.txt")).strip(), lines(dir.resolve("args.txt")), commands,
                        words(dir.resolve("fails.txt"), commands)));
            }
        }
        assertThat(cases).hasSizeGreaterThan(100);
        cases.add(new Case("generated-huge-file", null, BrokenTreesTest::hugeFile,
                "main.fmf:1622423: invalid YAML: duplicate key 'key0000000'", List.of(), COMMANDS, COMMANDS));
        cases.add(new Case("generated-deep-nesting", null, BrokenTreesTest::deepNesting, "main.fmf:", List.of(),
                COMMANDS, COMMANDS));
        cases.add(new Case("generated-deep-tree", null, BrokenTreesTest::deepTree,
                "deep.fmf: unable to parse the file: values are nested too deeply", List.of(), COMMANDS, COMMANDS));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    @Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void refusedWithOneLineAndNoResults(Case c) throws IOException {
        Path tree = tmp.resolve("tree");
        if (c.source() != null) {
            copy(c.source().resolve("tree"), tree);
            makeSymlinks(c.source().resolve("symlinks.txt"), tree);
        } else {
            c.generator().accept(tree);
        }
        for (String command : c.commands()) {
            List<String> args = new ArrayList<>(List.of(command, tree.toString()));
            Path results = tmp.resolve("results-" + command);
            if (command.equals("run")) {
                args.addAll(List.of("--how", "local", "--workers", "1", "--results", results.toString()));
            }
            args.addAll(c.args());
            Cli r = Cli.runWithStandardStreams(args.toArray(String[]::new));
            String shown = c.name() + ": corral " + String.join(" ", args) + "\nstdout: " + r.out() + "\nstderr: " + r.err();
            assertThat(r.out() + r.err()).as(shown).doesNotContain("Exception").doesNotContain("\tat ")
                    .doesNotContain("Error:");
            if (c.fails().contains(command)) {
                assertThat(r.exit()).as(shown).isEqualTo(2);
                assertThat(r.err()).as(shown).startsWith("error: ").endsWith("\n");
                assertThat(r.err().lines().count()).as(shown).isEqualTo(1);
                if (c.expected().startsWith("regex:")) {
                    assertThat(r.err()).as(shown).containsPattern(Pattern.compile(c.expected().substring(6)));
                } else {
                    assertThat(r.err()).as(shown).contains(c.expected());
                }
                assertThat(results).as(shown + "\na tree that fails discovery leaves no results directory").doesNotExist();
            } else {
                assertThat(r.exit()).as(shown).isIn(0, 3);
            }
        }
    }

    /**
     * The 50 MB tree in a JVM whose heap cannot hold it: still one line and exit 2 (the answer with enough heap, the
     * duplicate key on the last line, is a corpus case).
     */
    @org.junit.jupiter.api.Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void hugeTreeInASmallHeapFailsWithOneLine() throws Exception {
        Path tree = tmp.resolve("huge");
        hugeFile(tree);
        String java = ProcessHandle.current().info().command().orElse("java");
        for (String command : List.of("fmf", "ls")) {
            Process corral = new ProcessBuilder(java, "-Xmx160m", "-cp", System.getProperty("java.class.path"),
                    Main.class.getName(), command, tree.toString())
                    .redirectOutput(tmp.resolve("out.txt").toFile()).redirectError(tmp.resolve("err.txt").toFile())
                    .start();
            try {
                assertThat(corral.waitFor(4, TimeUnit.MINUTES)).isTrue();
            } finally {
                corral.destroyForcibly();
            }
            String err = Files.readString(tmp.resolve("err.txt"));
            assertThat(corral.exitValue()).as(err).isEqualTo(2);
            assertThat(err).startsWith("error: ").contains("Java heap").doesNotContain("\tat ");
            assertThat(err.lines().count()).as(err).isEqualTo(1);
        }
    }

    private static List<String> lines(Path file) throws IOException {
        return Files.exists(file) ? Files.readAllLines(file).stream().filter(l -> !l.isEmpty()).toList() : List.of();
    }

    private static List<String> words(Path file, List<String> otherwise) throws IOException {
        return Files.exists(file) ? List.of(Files.readString(file).strip().split("\\s+")) : otherwise;
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    private static void makeSymlinks(Path spec, Path tree) throws IOException {
        for (String line : lines(spec)) {
            String[] parts = line.split(" -> ", 2);
            Path link = tree.resolve(parts[0]);
            Files.createDirectories(link.getParent());
            Files.createSymbolicLink(link, Path.of(parts[1]));
        }
    }

    private static void write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** 50 MB of keys, then a duplicate of the first one on the last line. */
    private static void hugeFile(Path tree) {
        write(tree.resolve(".fmf/version"), "1\n");
        try (Writer out = Files.newBufferedWriter(tree.resolve("main.fmf"), StandardCharsets.US_ASCII)) {
            long size = 0;
            for (int i = 0; size < 50L * 1024 * 1024; i++) {
                String line = String.format("key%07d: value number %d%n", i, i);
                out.write(line);
                size += line.length();
            }
            out.write("key0000000: again\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A flow sequence nested 200,000 deep, never closed. */
    private static void deepNesting(Path tree) {
        write(tree.resolve(".fmf/version"), "1\n");
        write(tree.resolve("main.fmf"), "/t:\n  test: echo\n  tag: " + "[".repeat(200_000) + "\n");
    }

    /** Child nodes nested 5,000 deep by indentation, with a duplicate key at the bottom. */
    private static void deepTree(Path tree) {
        write(tree.resolve(".fmf/version"), "1\n");
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            b.append(" ".repeat(i)).append("/n:\n");
        }
        b.append(" ".repeat(5000)).append("test: echo\n").append(" ".repeat(5000)).append("test: echo\n");
        write(tree.resolve("deep.fmf"), b.toString());
    }
}
