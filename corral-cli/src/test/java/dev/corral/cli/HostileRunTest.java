package dev.corral.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Hostile names and values end to end, {@code corral run --how local} on real processes: test names with spaces,
 * {@code ..}, absolute-looking paths, unicode, control characters, markup and 300+ characters; a test directory whose
 * name is a shell command; environment values (plan, test, {@code -e}) with quotes, {@code $()}, backticks, {@code ;},
 * newlines and globs. Results stay inside the results directory with valid file names, every report is generated and
 * parses, names and values arrive byte for byte, and nothing is executed (no canary file appears).
 */
class HostileRunTest {

    @TempDir
    Path tmp;

    /** Values that a shell would expand, split, glob or execute; {@code CANARY} becomes a path to a canary file. */
    private static final List<String> VALUES = List.of(
            "it's \"quoted\" 'twice'",
            "$(touch CANARY)",
            "`touch CANARY`",
            "; touch CANARY ;",
            "' ; touch CANARY ; '",
            "\" ; touch CANARY ; \"",
            "first line\nsecond line\n$(touch CANARY)\n",
            "*",
            "/*",
            "$HOME ${PATH} $$ $0 $1 ${X:-default}",
            "back\\slash \\n \\\\ \\",
            "%s %n %x %%",
            "tab\there, cr\rhere",
            "ünïcödé 😀 テスト",
            "A=B=C",
            "-e",
            "--help",
            "",
            "   spaces around   ",
            "$(touch CANARY)`touch CANARY`;touch CANARY|touch CANARY&&touch CANARY>CANARY");

    /** The name of canary files in names: a file name cannot hold the absolute path of {@link #VALUES}' canary. */
    private static final String CANARY_WORD = "corral-hostile-canary";

    /** Test names (node keys in {@code tests/main.fmf}) and the tmt names they give. */
    private static final Map<String, String> NAMES = names();

    private static Map<String, String> names() {
        Map<String, String> names = new LinkedHashMap<>();
        names.put("/with space", "/tests/with space");
        names.put("/../../etc", "/tests/../../etc");
        names.put("//etc/passwd", "/tests/etc/passwd");
        names.put("/ünïcödé-😀-テスト", "/tests/ünïcödé-😀-テスト");
        names.put("/ctl\u0001\u001b[31mred\u007f\u0085", "/tests/ctl\u0001\u001b[31mred\u007f\u0085");
        names.put("/new\nline", "/tests/new\nline");
        names.put("/tab\there", "/tests/tab\there");
        names.put("/" + "x".repeat(300), "/tests/" + "x".repeat(300));
        names.put("/" + "ü".repeat(200), "/tests/" + "ü".repeat(200));
        names.put("/<script>alert(1)</script>&amp;\"'", "/tests/<script>alert(1)</script>&amp;\"'");
        names.put("/$(touch " + CANARY_WORD + ")`touch " + CANARY_WORD + "`;touch " + CANARY_WORD,
                "/tests/$(touch " + CANARY_WORD + ")`touch " + CANARY_WORD + "`;touch " + CANARY_WORD);
        names.put("/-rf *", "/tests/-rf *");
        names.put("/%s%n", "/tests/%s%n");
        return names;
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void hostileNamesAndValuesStayInsideAndArriveVerbatim() throws Exception {
        Path canary = tmp.resolve("canary");
        Path tree = tmp.resolve("tree");
        TreeFixture t = new TreeFixture(tree);

        StringBuilder plan = new StringBuilder("/hostile:\n  discover: {how: fmf}\n  execute: {how: tmt}\n"
                + "  environment:\n");
        StringBuilder env = new StringBuilder("/environment:\n  test: ./printenv-all.sh\n  environment:\n");
        List<String> cli = new ArrayList<>();
        Map<String, String> expected = new LinkedHashMap<>();
        for (int i = 0; i < VALUES.size(); i++) {
            String value = VALUES.get(i).replace("CANARY", canary.toString());
            plan.append("    PLAN_").append(i).append(": ").append(quoted(value)).append('\n');
            env.append("    TEST_").append(i).append(": ").append(quoted(value)).append('\n');
            cli.add("-e");
            cli.add("CLI_" + i + "=" + value);
            expected.put("PLAN_" + i, value);
            expected.put("TEST_" + i, value);
            expected.put("CLI_" + i, value);
        }
        t.write("plans/main.fmf", plan.toString());
        t.write("env/main.fmf", env.toString());
        t.write("env/printenv-all.sh", "#!/bin/bash\nfor name in " + String.join(" ", expected.keySet())
                + "; do\n  printenv \"$name\" > \"$TMT_TEST_DATA/$name\" || echo missing > \"$TMT_TEST_DATA/$name\"\ndone\n");
        Files.setPosixFilePermissions(tree.resolve("env/printenv-all.sh"),
                java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));

        StringBuilder tests = new StringBuilder();
        String printName = "  test: printf '%s' \"$TMT_TEST_NAME\" > \"$TMT_TEST_DATA/name\"\n";
        for (String key : NAMES.keySet()) {
            tests.append(quoted(key)).append(":\n").append(printName);
        }
        t.write("tests/main.fmf", tests.toString());
        t.write("dots/main.fmf", "/..:\n" + printName);
        // data that points outside: symlinks to the file system root, to a host file, up and out of the directory
        t.write("links/main.fmf", "test: cd \"$TMT_TEST_DATA\" && ln -s / root && ln -s /etc/passwd passwd"
                + " && ln -s ../../../../../../.. up && mkdir inner && ln -s ../inner/x inner/ok && echo x > inner/x"
                + " && ln -s \"$TMT_TEST_DATA/inner/x\" absolute-inside\n");
        String hostileDirectory = "d $(touch " + CANARY_WORD + ") `touch " + CANARY_WORD + "`; touch " + CANARY_WORD
                + " 'q\"";
        t.write("dirs/" + hostileDirectory + "/main.fmf", "test: pwd > \"$TMT_TEST_DATA/pwd\"\n");

        Map<Path, String> treeBefore = snapshot(tree);
        Path results = tmp.resolve("results");
        List<String> args = new ArrayList<>(List.of("run", tree.toString(), "--how", "local", "--workers", "2",
                "--results", results.toString()));
        args.addAll(cli);
        Cli r = Cli.runWithStandardStreams(args.toArray(String[]::new));

        String shown = "stdout: " + r.out() + "\nstderr: " + r.err();
        assertThat(r.out() + r.err()).as(shown).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(r.exit()).as(shown).isZero();
        assertThat(r.out()).as("control characters of names reach the terminal escaped").doesNotContain("\u001b")
                .contains("/tests/ctl\\x01\\x1b[31mred\\x7f\\x85", "/tests/new\\nline");

        // nothing executed, nothing written outside the results directory, the tree untouched
        assertThat(canary).as("canary: something was executed").doesNotExist();
        assertThat(Path.of(CANARY_WORD)).as("canary in the working directory").doesNotExist();
        try (Stream<Path> walk = Files.walk(tmp)) {
            assertThat(walk.filter(p -> p.getFileName().toString().equals(CANARY_WORD)))
                    .as("canaries: something was executed").isEmpty();
        }
        assertThat(snapshot(tree)).as("the tree is unchanged").isEqualTo(treeBefore);
        try (Stream<Path> top = Files.list(tmp)) {
            assertThat(top.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("tree", "results");
        }
        Path realResults = results.toRealPath();
        try (Stream<Path> walk = Files.walk(results)) {
            for (Path p : walk.toList()) {
                String name = p.getFileName().toString();
                assertThat(p.toRealPath()).as(p + " resolves inside the results directory").startsWith(realResults);
                assertThat(name.getBytes(StandardCharsets.UTF_8).length).as("file name length of " + p)
                        .isLessThanOrEqualTo(255);
                assertThat(name.codePoints().noneMatch(c -> c < 0x20 || c == 0x7f || c == 0xfffd))
                        .as("no control characters in the file name " + p).isTrue();
                if (Files.isSymbolicLink(p)) {
                    assertThat(p.getParent().resolve(Files.readSymbolicLink(p)).normalize())
                            .as("symlink " + p).startsWith(results);
                }
            }
        }

        // every name arrived verbatim and every report is generated and parses
        Set<String> names = new TreeSet<>(NAMES.values());
        names.add("/dots/..");
        Set<String> all = new TreeSet<>(names);
        all.add("/env/environment");
        all.add("/dirs/" + hostileDirectory);
        all.add("/links");
        Map<String, Path> dataByName = dataDirectories(results);
        assertThat(dataByName.keySet()).isEqualTo(all);
        for (String name : names) {
            assertThat(Files.readString(dataByName.get(name).resolve("name"), StandardCharsets.UTF_8))
                    .as("TMT_TEST_NAME of " + name).isEqualTo(name);
        }
        assertThat(Files.readString(dataByName.get("/dirs/" + hostileDirectory).resolve("pwd")))
                .endsWith("/dirs/" + hostileDirectory + "\n");
        Path links = dataByName.get("/links");
        assertThat(links.resolve("inner/ok")).as("a link inside the data stays").isSymbolicLink().hasContent("x");
        for (String escaping : List.of("root", "passwd", "up", "absolute-inside")) {
            assertThat(Files.exists(links.resolve(escaping), LinkOption.NOFOLLOW_LINKS)).as(escaping).isFalse();
        }
        for (Map.Entry<String, String> e : expected.entrySet()) {
            assertThat(Files.readString(dataByName.get("/env/environment").resolve(e.getKey()), StandardCharsets.UTF_8))
                    .as("value of " + e.getKey()).isEqualTo(e.getValue() + "\n");
        }

        List<?> yaml = (List<?>) new Load(LoadSettings.builder().build())
                .loadFromString(Files.readString(results.resolve("results.yaml")));
        assertThat(yaml.stream().map(m -> (String) ((Map<?, ?>) m).get("name")).collect(Collectors.toSet()))
                .isEqualTo(all);
        assertThat(yaml).allSatisfy(m -> assertThat(((Map<?, ?>) m).get("result")).isEqualTo("pass"));

        Document junit = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(results.resolve("junit.xml").toFile());
        NodeList cases = junit.getElementsByTagName("testcase");
        assertThat(cases.getLength()).isEqualTo(all.size());

        String html = Files.readString(results.resolve("report.html"));
        assertThat(html).contains("<html").doesNotContain("<script>alert(1)</script>");
        Matcher data = Pattern.compile("<script type=\"application/json\"[^>]*>(.*?)</script>", Pattern.DOTALL)
                .matcher(html);
        assertThat(data.find()).as("report.html embeds its data as JSON").isTrue();
        JsonNode report = new ObjectMapper().readTree(data.group(1));
        assertThat(report.toString()).contains("alert(1)");
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void symlinkLoopsInTheTreeAreWalkedOnceAndCopiedAsLinks() throws Exception {
        // as python fmf: a link into a directory with .fmf is a nested tree (skipped), a link to a directory
        // already entered through a link is not entered again
        Path tree = new TreeFixture(tmp.resolve("tree")).write("a/main.fmf", "test: ls -R > /dev/null\n").root();
        Files.createSymbolicLink(tree.resolve("loop"), Path.of("."));
        Files.createSymbolicLink(tree.resolve("a/loop"), Path.of("."));
        Files.createDirectories(tree.resolve("a/b"));
        Files.createSymbolicLink(tree.resolve("a/b/up"), Path.of(".."));
        Path results = tmp.resolve("results");
        Cli ls = Cli.run("ls", tree.toString());
        assertThat(ls.out()).as(ls.err()).isEqualTo("/a/b/up\n");
        Cli r = Cli.run("run", tree.toString(), "--how", "local", "--results", results.toString());
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(dataDirectories(results).keySet()).containsExactly("/a/b/up");
    }

    /** The data directory of each test, found through the journal. */
    private static Map<String, Path> dataDirectories(Path results) throws IOException {
        Map<String, Path> byName = new HashMap<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(results.resolve("results.jsonl"), StandardCharsets.UTF_8)) {
            JsonNode entry = json.readTree(line);
            String dataPath = entry.path("data-path").asString(null);
            Path dir = dataPath == null ? null : results.resolve(dataPath);
            assertThat(dir).as("data-path of " + line).isNotNull();
            assertThat(dir.normalize()).startsWith(results);
            byName.put(entry.get("name").asString(), dir);
        }
        return byName;
    }

    /** YAML double-quoted scalar: every character outside printable ASCII is escaped. */
    private static String quoted(String s) {
        StringBuilder b = new StringBuilder("\"");
        s.codePoints().forEach(c -> {
            if (c == '"' || c == '\\') {
                b.append('\\').appendCodePoint(c);
            } else if (c == '\n') {
                b.append("\\n");
            } else if (c == '\t') {
                b.append("\\t");
            } else if (c < 0x20 || c == 0x7f || c >= 0x80 && c < 0xa0) {
                b.append(String.format("\\x%02x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.append('"').toString();
    }

    private static Map<Path, String> snapshot(Path root) throws IOException {
        Map<Path, String> files = new java.util.TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.toList()) {
                files.put(root.relativize(p), Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
                        ? Files.readString(p, StandardCharsets.ISO_8859_1) : "dir");
            }
        }
        return files;
    }
}
