package dev.corral.tmt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import dev.corral.CorralException;
import dev.corral.Deadline;
import dev.corral.fmf.FmfJson;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded random mutator over valid trees (the fmf conformance trees but tmt's own, and {@code examples/basic}):
 * characters and lines flipped, deleted, duplicated, values swapped for other types, {@code :}, {@code -}, tabs,
 * unicode and NUL inserted, files truncated. Loading and normalizing each mutant (fmf load with and without a
 * context, plans, every test, local discovery, the JSON export) must either succeed or fail with a one-line
 * {@link CorralException} that names no Java exception; never another exception type, never a hang.
 *
 * <p>Replay one mutant with {@code -Dcorral.mutator.seed=SEED -Dcorral.mutator.count=1} (the seed is printed on
 * failure); {@code -Dcorral.mutator.count=N} runs more.
 */
class MutatedTreesTest {

    private static final long SEED = Long.getLong("corral.mutator.seed", 0x5eed_c0ffeeL);
    private static final int COUNT = Integer.getInteger("corral.mutator.count", 400);
    private static final Duration PER_MUTANT = Duration.ofSeconds(20);

    private static final String[] CHARACTERS = {":", "-", "\t", " ", "\n", "[", "]", "{", "}", "\"", "'", "&", "*",
        "!", "|", ">", "#", "%", "@", "`", "\0", "é", "\u2028", "\ufeff", "\ud83d\ude00", "\r", "~", "+", "/", "?",
        ",", "\\", "<<", "\u0085", "\u00a0", "\ud800"};
    private static final String[] VALUES = {"[1, 2]", "{a: b}", "5", "true", "null", "\"x\"", "-1", "1.5", "[]", "{}",
        "&a x", "*a", "!!binary eA==", "2024-01-01", "2024-01-01 10:00:00", "0o17", ".inf", ".nan", "~", "''", "|\n  x",
        "99999999999999999999", "-.inf", "!!str 5", "!custom x", "[[[]]]", "{a: {b: {c: [d]}}}", "'a: b'",
        "\"\\x01\\u2028\"", "/(/x/", "&x [*x]"};
    private static final String[] LINES = {"adjust: {when: \"distro ~ (\", enabled: false}", "/: {inherit: maybe}",
        "/: {select: false}", "test+: [a]", "tag~: /(/x/", "tag-~: [\"(\"]", "duration: [1]", "order: x",
        "environment: {A: {B: c}}", "environment: {\"A=B\": c}", "link: 3", "require: 5", "check: [5]",
        "result: nonsense", "framework: nonsense", "tier: [1]", "restart-max-count: -1", "enabled: maybe",
        "discover: {how: teleport}", "discover: 5", "discover: {how: fmf, filter: \"tag: (\"}",
        "discover: {how: fmf, test: \"[\"}", "discover: {how: shell, tests: [{name: x}]}", "execute: {how: x}",
        "environment-file: [../../../../etc/passwd]", "context: [a]", "/child:", "  test: echo",
        "adjust: [{when: distro == fedora, tag+: {a: b}}]", "adjust: {when: distro == fedora, continue: maybe}",
        "<<: *a", "? [a]\n: b", "--- x", "...", "%YAML 1.1", "test: &t echo\nsummary: *t", "path: [a]",
        "/t:\n  test: echo\n  environment: {A: \"b\\0c\"}"};

    @TempDir
    Path tmp;

    @Test
    void everyMutantLoadsOrFailsWithOneLine() throws Exception {
        List<Path> sources = sources();
        List<String> failures = new ArrayList<>();
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "mutant");
            t.setDaemon(true);
            return t;
        });
        int failed = 0;
        int refused = 0;
        try {
            for (int i = 0; i < COUNT && failures.size() < 10; i++) {
                long seed = SEED + i;
                Random random = new Random(seed);
                Path source = sources.get(random.nextInt(sources.size()));
                Path tree = tmp.resolve("mutant-" + i);
                copy(source, tree);
                String mutation = mutate(tree, random);
                boolean withContext = random.nextBoolean();
                Future<?> future = executor.submit(() -> {
                    loadAndNormalize(tree, withContext);
                    return null;
                });
                String problem = null;
                try {
                    future.get(PER_MUTANT.toSeconds(), TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    future.cancel(true);
                    problem = "no answer within " + PER_MUTANT;
                    executor.shutdownNow();
                    executor = Executors.newSingleThreadExecutor();
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof CorralException c && oneLine(c.getMessage())) {
                        refused++;
                    } else {
                        Throwable root = cause;
                        while (root.getCause() != null) {
                            root = root.getCause();
                        }
                        StringWriter trace = new StringWriter();
                        root.printStackTrace(new java.io.PrintWriter(trace));
                        problem = cause + "\nroot cause: " + trace.toString().lines()
                                .filter(l -> !l.contains("at java.")).limit(8)
                                .reduce((a, b) -> a + "\n" + b).orElse("");
                    }
                }
                if (problem != null) {
                    failed++;
                    failures.add("mutant seed " + seed + " (replay: -Dcorral.mutator.seed=" + seed
                            + " -Dcorral.mutator.count=1) of " + source + (withContext ? " with context" : "")
                            + ": " + mutation + "\n" + problem);
                }
                deleteTree(tree);
            }
        } finally {
            executor.shutdownNow();
        }
        System.out.printf("mutator: seed %d, %d mutants, %d refused with one line, %d failed%n", SEED, COUNT,
                refused, failed);
        assertThat(failures).as("mutants that broke the contract, seed " + SEED).isEmpty();
        assertThat(refused).as("most mutants are refused (the mutator bites)").isGreaterThan(COUNT / 10);
    }

    /** A Corral error shown to users: one line, naming no Java exception. */
    private static boolean oneLine(String message) {
        return message != null && !message.isBlank() && !message.contains("\n") && !message.contains("Exception")
                && !message.contains("java.") && !message.contains("Error:");
    }

    /** What {@code corral ls --json} does, minus the git fetches: load, adjust, plans, tests, discovery, export. */
    private static void loadAndNormalize(Path tree, boolean withContext) throws InterruptedException {
        Map<String, List<String>> context = withContext ? Map.of("distro", List.of("fedora-40"), "arch",
                List.of("x86_64")) : Map.of();
        FmfTrees fmf = new FmfTrees();
        List<FmfNode> nodes = fmf.load(tree, context);
        List<Plan> plans = PlanNormalizer.create().withLocator(fmf).plans(nodes, w -> { });
        TestNormalizer normalizer = TestNormalizer.create().withLocator(fmf);
        for (FmfNode node : nodes) {
            if (node.data().containsKey("test")) {
                FmfJson.valueToJson(TestExport.toMap(normalizer.normalize(node, w -> { })));
            }
        }
        for (Plan plan : plans.isEmpty() ? List.of(Plan.defaultPlan()) : plans) {
            boolean local = plan.discover().stream().allMatch(p -> switch (p) {
                case DiscoverPhase.Fmf f -> f.url() == null && f.ref() == null;
                case DiscoverPhase.Shell s -> s.url() == null && s.ref() == null;
            });
            if (local) {
                DiscoveryResult result = Discovery.run(fmf.request(tree, nodes, context).plan(plan).build(),
                        Deadline.after(Duration.ofMinutes(1)));
                result.tests().forEach(t -> FmfJson.valueToJson(TestExport.toMap(t.test())));
            }
        }
    }

    /** Applies one to three mutations to one file of the tree and says what it did. */
    private static String mutate(Path tree, Random random) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(tree)) {
            files = walk.filter(Files::isRegularFile)
                    .filter(p -> p.toString().endsWith(".fmf") || p.endsWith(Path.of(".fmf", "version")))
                    .sorted().toList();
        }
        List<Path> metadata = files.stream().filter(p -> p.toString().endsWith(".fmf")).toList();
        Path file = metadata.isEmpty() || random.nextInt(40) == 0 ? files.get(random.nextInt(files.size()))
                : metadata.get(random.nextInt(metadata.size()));
        byte[] bytes = Files.readAllBytes(file);
        String text = new String(bytes, StandardCharsets.UTF_8);
        StringBuilder what = new StringBuilder(tree.relativize(file).toString()).append(":");
        int mutations = 1 + random.nextInt(3);
        boolean invalidUtf8 = false;
        for (int m = 0; m < mutations; m++) {
            int op = random.nextInt(13);
            int at = text.isEmpty() ? 0 : random.nextInt(text.length() + 1);
            List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
            int line = random.nextInt(lines.size());
            switch (op) {
                case 0 -> {
                    String c = pick(random, CHARACTERS);
                    text = at < text.length() ? text.substring(0, at) + c + text.substring(at + 1) : text + c;
                    what.append(" flip@").append(at).append('=').append(escape(c));
                }
                case 1 -> {
                    String c = pick(random, CHARACTERS);
                    text = text.substring(0, at) + c + text.substring(at);
                    what.append(" insert@").append(at).append('=').append(escape(c));
                }
                case 2 -> {
                    if (at < text.length()) {
                        text = text.substring(0, at) + text.substring(at + 1);
                    }
                    what.append(" delete@").append(at);
                }
                case 3 -> {
                    lines.add(line, lines.get(line));
                    text = String.join("\n", lines);
                    what.append(" duplicate-line ").append(line + 1);
                }
                case 4 -> {
                    lines.remove(line);
                    text = String.join("\n", lines);
                    what.append(" delete-line ").append(line + 1);
                }
                case 5 -> {
                    int other = random.nextInt(lines.size());
                    String swapped = lines.get(line);
                    lines.set(line, lines.get(other));
                    lines.set(other, swapped);
                    text = String.join("\n", lines);
                    what.append(" swap-lines ").append(line + 1).append(',').append(other + 1);
                }
                case 6 -> {
                    text = text.substring(0, at);
                    what.append(" truncate@").append(at);
                }
                case 7, 8 -> {
                    String l = lines.get(line);
                    int colon = l.indexOf(": ");
                    String value = pick(random, VALUES);
                    if (colon >= 0) {
                        lines.set(line, l.substring(0, colon + 2) + value);
                    } else if (l.stripLeading().startsWith("- ")) {
                        lines.set(line, l.substring(0, l.indexOf("- ") + 2) + value);
                    } else {
                        lines.set(line, l + ": " + value);
                    }
                    text = String.join("\n", lines);
                    what.append(" value ").append(line + 1).append('=').append(escape(value));
                }
                case 9 -> {
                    String l = lines.get(line);
                    int indent = l.length() - l.stripLeading().length();
                    lines.set(line, random.nextBoolean() || indent == 0 ? " ".repeat(1 + random.nextInt(3)) + l
                            : l.substring(1 + random.nextInt(indent)));
                    text = String.join("\n", lines);
                    what.append(" indent ").append(line + 1);
                }
                case 10, 11 -> {
                    String l = lines.get(line);
                    String indent = l.substring(0, l.length() - l.stripLeading().length());
                    String added = pick(random, LINES);
                    lines.add(line, indent + added.replace("\n", "\n" + indent));
                    text = String.join("\n", lines);
                    what.append(" add-line ").append(line + 1).append('=').append(escape(added));
                }
                default -> {
                    invalidUtf8 = true;
                    what.append(" invalid-utf8@").append(at);
                    text = text.substring(0, at) + "\uFFFF" + text.substring(at);
                }
            }
        }
        byte[] out = text.getBytes(StandardCharsets.UTF_8);
        if (invalidUtf8) {
            // U+FFFF encodes as EF BF BF; make its first byte a lone continuation byte
            for (int i = 0; i + 2 < out.length; i++) {
                if ((out[i] & 0xff) == 0xEF && (out[i + 1] & 0xff) == 0xBF && (out[i + 2] & 0xff) == 0xBF) {
                    out[i] = (byte) 0xFF;
                }
            }
        }
        Files.write(file, out);
        return what.toString();
    }

    private static String pick(Random random, String[] options) {
        return options[random.nextInt(options.length)];
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().forEach(c -> b.append(c < 0x20 || c > 0x7e ? String.format("\\u%04x", c) : Character.toString(c)));
        return b.toString();
    }

    private static List<Path> sources() throws IOException, URISyntaxException {
        Path cases = Path.of(MutatedTreesTest.class.getResource("/fmf-conformance/cases").toURI());
        List<Path> sources = new ArrayList<>();
        try (Stream<Path> list = Files.list(cases)) {
            list.filter(p -> !p.getFileName().toString().equals("tmt-tree")).sorted()
                    .forEach(p -> sources.add(p.resolve("tree")));
        }
        Path examples = Path.of("..", "examples", "basic").toAbsolutePath().normalize();
        assertThat(examples.resolve(".fmf/version")).isRegularFile();
        sources.add(examples);
        sources.add(examples); // the example tree has plans and every kind of test: pick it more often
        assertThat(sources).hasSizeGreaterThan(20);
        return sources;
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (Files.isSymbolicLink(p)) {
                    Files.createSymbolicLink(target, Files.readSymbolicLink(p));
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
