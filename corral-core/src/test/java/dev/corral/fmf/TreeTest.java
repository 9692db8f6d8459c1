package dev.corral.fmf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tree loading, merge suffixes, directives, adjust and error messages on small trees. */
class TreeTest {

    @TempDir
    Path dir;

    private Path write(String path, String content) throws IOException {
        Path file = dir.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        return file;
    }

    private Tree tree(String main) throws IOException {
        write(".fmf/version", "1\n");
        write("main.fmf", main);
        return Tree.load(dir);
    }

    private Map<String, Object> data(Tree tree, String name) {
        Node node = tree.find(name);
        assertThat(node).as(name).isNotNull();
        return node.data();
    }

    @Test
    void plusSuffixes() throws IOException {
        Tree tree = tree("""
                description: General
                tag: [b]
                time: 10
                env: {A: "1", B: "2"}
                require: [{name: a}, {name: b}]
                single: {x: 1}
                /c:
                    description+: " more"
                    tag+<: [a]
                    tag+: [c]
                    time+: 5
                    env+: {B: "3", C: "4", D+: [x]}
                    require+: {ref: main}
                    single+: [{y: 2}, {x: 3}]
                    fresh+: [x]
                """);
        assertThat(data(tree, "/c")).containsExactly(
                Map.entry("description", "General more"),
                Map.entry("tag", List.of("a", "b", "c")),
                Map.entry("time", 15L),
                Map.entry("env", Map.of("A", "1", "B", "3", "C", "4", "D", List.of("x"))),
                Map.entry("require", List.of(Map.of("name", "a", "ref", "main"), Map.of("name", "b", "ref", "main"))),
                Map.entry("single", List.of(Map.of("x", 1L, "y", 2L), Map.of("x", 3L))),
                Map.entry("fresh", List.of("x")));
        assertThat(List.<Object>copyOf(((Map<?, ?>) data(tree, "/c").get("env")).keySet()))
                .containsExactly("A", "B", "C", "D");
        // the parent is untouched by the child's in-place merges
        assertThat(tree.rootNode().data().get("env")).isEqualTo(Map.of("A", "1", "B", "2"));
        assertThat(tree.rootNode().data().get("require")).isEqualTo(List.of(Map.of("name", "a"),
                Map.of("name", "b")));
    }

    @Test
    void minusAndRegexSuffixes() throws IOException {
        Tree tree = tree("""
                time: 10
                ratio: 1.5
                tag: [a, b, c, 1]
                desc: General description
                vars: {x: 1, y: 2}
                require: [python2-foo, bar]
                summary: Old title
                /minus:
                    time-: 3
                    ratio-: 1
                    tag-: [b, 1.0]
                    desc-: ' desc.*'
                    vars-: [y, z]
                    missing-: [q]
                /regex:
                    require~: '/python2-(.*)/python3-\\1/'
                    summary~: [';Old;New;', '/(\\w+)$/<\\g<1>>/']
                /remove:
                    require-~: 'python2.*'
                    desc-~: 'scr'
                    vars-~: ['^x']
                """);
        assertThat(data(tree, "/minus")).containsEntry("time", 7L).containsEntry("ratio", 0.5)
                .containsEntry("tag", List.of("a", "c")).containsEntry("desc", "General")
                .containsEntry("vars", Map.of("x", 1L)).doesNotContainKey("missing");
        assertThat(data(tree, "/regex")).containsEntry("require", List.of("python3-foo", "bar"))
                .containsEntry("summary", "New <title>");
        assertThat(data(tree, "/remove")).containsEntry("require", List.of("bar")).containsEntry("desc", "")
                .containsEntry("vars", Map.of("y", 2L));
    }

    @Test
    void keyOrderFollowsTheReference() throws IOException {
        Tree tree = tree("""
                tag: [p]
                x: 1
                /a:
                    new: 1
                    tag: [a]
                    tag+: [b]
                /b:
                    tag+: [b]
                    tag: [a]
                """);
        assertThat(List.copyOf(data(tree, "/a").keySet())).containsExactly("tag", "x", "new");
        assertThat(data(tree, "/a").get("tag")).isEqualTo(List.of("a", "b"));
        assertThat(data(tree, "/b").get("tag")).isEqualTo(List.of("a"));
    }

    @Test
    void mergeErrorsNameTheFileAndLine() throws IOException {
        assertThatThrownBy(() -> tree("tag: [a]\n/c:\n    tag-: a\n"))
                .isInstanceOf(FmfException.class)
                .hasMessage("main.fmf:3: cannot merge key 'tag' in /c: wrong type");
        assertThatThrownBy(() -> tree("x: 1\n/c:\n    x~: '/1/2/'\n")).hasMessageStartingWith("main.fmf:3: ");
        assertThatThrownBy(() -> tree("x: a\n/c:\n    x+: 1\n"))
                .hasMessageContaining("can only concatenate str (not \"int\") to str");
        assertThatThrownBy(() -> tree("x: [1]\n/c:\n    x+: {a: 1}\n")).hasMessageContaining("must be a dictionary");
        assertThatThrownBy(() -> tree("x: a\n/c:\n    x~: 'no-delimiters'\n"))
                .hasMessageContaining("invalid pattern and replacement");
    }

    @Test
    void theFirstErrorInTreeOrderIsReported() throws IOException {
        write(".fmf/version", "1");
        write("main.fmf", "tag: [a]\nx: 1\n");
        for (int i = 0; i < 20; i++) {
            write(String.format("d%02d/main.fmf", i), i % 5 == 3 ? "tag-: a\n" : "test: t\n");
            write(String.format("d%02d/sub/main.fmf", i), "x~: '/1/2/'\n");
        }
        for (int run = 0; run < 5; run++) {
            assertThatThrownBy(() -> Tree.load(dir)).hasMessage("d00/sub/main.fmf:1: cannot merge key 'x' in"
                    + " /d00/sub: wrong type");
        }
        write("main.fmf", "tag: [a]\nx: 1\nadjust: {when: a == b, continue: 1}\n");
        for (int i = 0; i < 20; i++) {
            write(String.format("d%02d/main.fmf", i), "test: t\n");
            write(String.format("d%02d/sub/main.fmf", i), i == 7 ? "adjust: [1]\n" : "test: u\n");
        }
        Tree tree = Tree.load(dir);
        assertThatThrownBy(() -> tree.adjust(Context.empty())).hasMessageStartingWith("main.fmf:3:");
    }

    @Test
    void theFirstErrorInWalkOrderIsReportedWhileBuildingNodes() throws IOException {
        write(".fmf/version", "1");
        write("main.fmf", "x: 1\n");
        for (int i = 0; i < 20; i++) {
            write(String.format("d%02d/main.fmf", i), i > 4 && i % 3 == 0 ? "a: 1\na: 2\n" : "test: t\n");
            write(String.format("d%02d/sub/deep/main.fmf", i), i > 1 && i % 2 == 0 ? "/leaf: 5\n" : "test: u\n");
        }
        for (int run = 0; run < 5; run++) {
            assertThatThrownBy(() -> Tree.load(dir)).hasMessage("d02/sub/deep/main.fmf:1: invalid data for node"
                    + " '/d02/sub/deep/leaf': expected a mapping, got int");
        }
        write("d01/extra.fmf", "b: 1\nb: 2\n");
        assertThatThrownBy(() -> Tree.load(dir)).hasMessageStartingWith("d01/extra.fmf:2:");
    }

    @Test
    void yamlErrorsNameTheFileAndLine() throws IOException {
        write(".fmf/version", "1");
        write("tests/main.fmf", "summary: a\n/t:\n    test: a\n    test: b\n");
        assertThatThrownBy(() -> Tree.load(dir)).isInstanceOf(FmfException.class)
                .hasMessage("tests/main.fmf:4: invalid YAML: duplicate key 'test'")
                .satisfies(e -> {
                    FmfException f = (FmfException) e;
                    assertThat(f.file()).contains(Path.of("tests/main.fmf"));
                    assertThat(f.line()).isEqualTo(4);
                });
        write("tests/main.fmf", "summary: [a\n");
        assertThatThrownBy(() -> Tree.load(dir)).hasMessageStartingWith("tests/main.fmf:").hasMessageContaining(
                "invalid YAML");
        write("tests/main.fmf", "a: &x 1\nb: &y [1\n");
        assertThatThrownBy(() -> Tree.load(dir)).hasMessageStartingWith("tests/main.fmf:");
    }

    @Test
    void directives() throws IOException {
        Tree tree = tree("""
                tag: [p]
                /sel:
                    /:
                        select: true
                    test: s
                    /child:
                        x: 1
                /hidden:
                    /:
                        select: false
                    test: h
                /noinherit:
                    /:
                        inherit: false
                    tag+: [c]
                """);
        assertThat(tree.climb()).extracting(Node::name).containsExactly("/noinherit", "/sel", "/sel/child");
        assertThat(data(tree, "/noinherit")).containsExactly(Map.entry("tag", List.of("c")));
        assertThat(data(tree, "/sel/child")).containsEntry("tag", List.of("p")).containsEntry("test", "s");
        assertThatThrownBy(() -> tree("/t:\n    /:\n        bogus: true\n"))
                .hasMessage("main.fmf:3: unknown fmf directive 'bogus' in '/t'");
        assertThatThrownBy(() -> tree("/t:\n    /:\n        select: 1\n")).hasMessageContaining("should be a 'bool'");
    }

    @Test
    void rootNodeMergesSuffixesToo() throws IOException {
        Tree tree = tree("k: a\nk+: b\n");
        assertThat(tree.rootNode().data()).containsExactly(Map.entry("k", "ab"));
        assertThat(tree.climb()).extracting(Node::name).containsExactly("/");
    }

    @Test
    void scatteredDefinitionsMergeInTheReferenceOrder() throws IOException {
        write(".fmf/version", "1");
        write("main.fmf", "/download:\n    a: main\n    b: main\n");
        write("download.fmf", "b: file\nc: file\n");
        write("download/main.fmf", "c: dir\nd: dir\ntest: x\n");
        Tree tree = Tree.load(dir.resolve("download"));
        Node node = tree.find("/download");
        assertThat(node.data()).containsExactly(Map.entry("a", "main"), Map.entry("b", "file"),
                Map.entry("c", "dir"), Map.entry("d", "dir"), Map.entry("test", "x"));
        assertThat(node.sources()).containsExactly(dir.resolve("main.fmf"), dir.resolve("download.fmf"),
                dir.resolve("download/main.fmf"));
        assertThat(node.directory()).isEqualTo(dir.resolve("download"));
        assertThat(node.line("a")).isEqualTo(2);
        assertThat(node.file("a")).contains(Path.of("main.fmf"));
        assertThat(node.line("d")).isEqualTo(2);
        assertThat(node.file("d")).contains(Path.of("download/main.fmf"));
        assertThat(tree.root()).isEqualTo(dir.toAbsolutePath().normalize());
    }

    @Test
    void climbOrderIsByCodePoint() throws IOException {
        Tree tree = tree("/b: {test: 1}\n/B: {test: 1}\n/a-c: {test: 1}\n/a:\n    /b: {test: 1}\n/é: {test: 1}\n"
                + "/zero:\n");
        assertThat(tree.climb()).extracting(Node::name).containsExactly("/B", "/a/b", "/a-c", "/b", "/zero", "/é");
    }

    @Test
    void hiddenFilesNestedTreesAndEmptyDirectories() throws IOException {
        write(".fmf/version", "1");
        write("main.fmf", "x: 1\n");
        write(".hidden.fmf", "test: hidden\n");
        write(".plans/basic.fmf", "test: plan\n");
        write("nested/.fmf/version", "1");
        write("nested/main.fmf", "test: nested\n");
        write("empty/readme.txt", "no metadata");
        write("scalar.fmf", "just a string\n");
        write("t/main.fmf", "test: t\n");
        assertThat(Tree.load(dir).climb()).extracting(Node::name).containsExactly("/t");
        write(".fmf/config", "explore:\n    include: [.plans, .hidden.fmf]\n");
        assertThat(Tree.load(dir).climb()).extracting(Node::name).containsExactly("/.hidden", "/.plans/basic",
                "/t");
        write(".fmf/config", "explore:\n    include: [.fmf]\n");
        assertThatThrownBy(() -> Tree.load(dir)).hasMessageContaining("'.fmf' directory cannot be used");
        write(".fmf/config", "explore:\n    include: .plans\n");
        assertThatThrownBy(() -> Tree.load(dir)).hasMessageContaining("should be a list");
    }

    @Test
    void entriesAreClassifiedAsTheReferenceDoesWhateverTheirNames(@TempDir Path outside) throws IOException {
        write(".fmf/version", "1");
        write("main.fmf", "x: 1\n");
        write("dir.fmf/main.fmf", "test: in dir.fmf\n");
        write("notes.txt", "not metadata");
        Files.createDirectories(outside.resolve("d"));
        Files.writeString(outside.resolve("d/main.fmf"), "test: outside\n");
        Files.writeString(outside.resolve("real.yaml"), "test: aliased\n");
        Files.createSymbolicLink(dir.resolve("linked.fmf"), outside.resolve("d"));
        Files.createSymbolicLink(dir.resolve("alias.fmf"), outside.resolve("real.yaml"));
        Files.createDirectories(dir.resolve("sub"));
        Files.createSymbolicLink(dir.resolve("sub/other"), outside.resolve("d"));
        Tree tree = Tree.load(dir);
        assertThat(tree.climb()).extracting(Node::name).containsExactly("/alias", "/dir.fmf", "/linked.fmf");
        assertThat(data(tree, "/dir.fmf")).containsEntry("test", "in dir.fmf");
        assertThat(data(tree, "/linked.fmf")).containsEntry("test", "outside");
        Files.createSymbolicLink(dir.resolve("broken.fmf"), dir.resolve("nowhere"));
        assertThatThrownBy(() -> Tree.load(dir)).isInstanceOf(FmfException.class)
                .hasMessageStartingWith("broken.fmf: unable to read the file");
    }

    @Test
    void symlinkLoopsEndWithoutHanging() throws IOException {
        write(".fmf/version", "1");
        write("a/main.fmf", "test: a\n");
        Files.createSymbolicLink(dir.resolve("a/loop"), dir);
        Files.createSymbolicLink(dir.resolve("a/again"), dir);
        Tree tree = Tree.load(dir);
        assertThat(tree.climb()).extracting(Node::name).contains("/a");
        assertThat(tree.climb().size()).isLessThan(10);
    }

    @Test
    void rootDiscoveryAndVersion() throws IOException {
        write(".fmf/version", "1\n");
        write("deep/inside/main.fmf", "test: x\n");
        assertThat(Tree.load(dir.resolve("deep/inside")).root()).isEqualTo(dir.toAbsolutePath().normalize());
        write(".fmf/version", "2x\n");
        assertThatThrownBy(() -> Tree.load(dir)).isInstanceOf(FmfException.class)
                .hasMessageStartingWith(".fmf/version:1: invalid version format '2x'");
        assertThatThrownBy(() -> Tree.load(dir.resolve("missing"))).hasMessageContaining("invalid directory path");
    }

    @Test
    void noRootIsAClearError() {
        assertThatThrownBy(() -> Tree.load(dir)).isInstanceOf(FmfException.class)
                .hasMessageContaining("unable to find tree root");
    }

    @Test
    void adjustReturnsANewTreeAndKeepsTheOriginal() throws IOException {
        Tree tree = tree("""
                enabled: true
                tag: [base]
                env: {A: 1}
                adjust:
                  - when: distro == fedora
                    tag+: [fedora]
                    env+: {B: 2}
                  - when: distro < fedora-33
                    enabled: false
                    continue: false
                  - tag+: [never]
                /t:
                    test: x
                /u:
                    test: y
                    adjust:
                        when: distro == centos
                        enabled: false
                """);
        Tree fedora = tree.adjust(Context.parse("distro=fedora-32"));
        assertThat(data(fedora, "/t")).containsEntry("tag", List.of("base", "fedora"))
                .containsEntry("enabled", false).containsEntry("env", Map.of("A", 1L, "B", 2L));
        assertThat(data(tree, "/t")).containsEntry("tag", List.of("base")).containsEntry("enabled", true)
                .containsEntry("env", Map.of("A", 1L));
        assertThat(data(fedora, "/u")).containsEntry("enabled", true);
        Tree nothing = tree.adjust(Context.empty());
        assertThat(data(nothing, "/t")).containsEntry("tag", List.of("base", "never"));
        Tree centos = tree.adjust(Context.parse("distro=CentOS-8"));
        assertThat(data(centos, "/u")).containsEntry("enabled", false);
    }

    @Test
    void adjustKeepsTheReferenceAliasingOfRuleValues() throws IOException {
        Tree tree = tree("""
                adjust:
                  - when: distro == fedora
                    env: {A: 1}
                  - when: distro == fedora
                    env+: {B: 2}
                  - when: distro == fedora
                    list: [{x: 1}]
                    list+: {y: 2}
                """);
        Map<String, Object> data = tree.adjust(Context.parse("distro=fedora")).rootNode().data();
        assertThat(data.get("env")).isEqualTo(Map.of("A", 1L, "B", 2L));
        // the reference merges in place into the value the first rule set, so the rule shows it too
        List<?> rules = (List<?>) data.get("adjust");
        assertThat(((Map<?, ?>) rules.get(0)).get("env")).isEqualTo(Map.of("A", 1L, "B", 2L));
        assertThat(((Map<?, ?>) rules.get(2)).get("list")).isEqualTo(List.of(Map.of("x", 1L, "y", 2L)));
        assertThat(data.get("list")).isEqualTo(List.of(Map.of("x", 1L, "y", 2L)));
        Map<String, Object> original = tree.rootNode().data();
        assertThat(((Map<?, ?>) ((List<?>) original.get("adjust")).get(0)).get("env")).isEqualTo(Map.of("A", 1L));
        assertThat(original).doesNotContainKey("env");
    }

    @Test
    void adjustErrors() throws IOException {
        Tree badContinue = tree("adjust:\n  - when: a == b\n    continue: 1\n");
        assertThatThrownBy(() -> badContinue.adjust(Context.empty())).isInstanceOf(FmfException.class)
                .hasMessage("main.fmf:1: the 'continue' value should be bool, got '1'");
        Tree badRule = tree("adjust: [1]\n");
        assertThatThrownBy(() -> badRule.adjust(Context.empty())).hasMessageContaining("should be a dictionary");
        Tree badWhen = tree("adjust:\n  when: distro ==\n");
        assertThatThrownBy(() -> badWhen.adjust(Context.empty())).hasMessageContaining("invalid rule");
        Tree badFormat = tree("adjust: text\n");
        assertThatThrownBy(() -> badFormat.adjust(Context.empty())).hasMessageContaining("invalid adjust rule format");
    }

    @Test
    void pruneWithKeysNamesAndFilters() throws IOException {
        Tree tree = tree("""
                /a: {test: a, tag: [fast, security], tier: '1'}
                /b: {test: b, tag: [slow], tier: 2}
                /c: {tier: 1}
                """);
        assertThat(tree.prune(List.of("test"), List.of(), List.of())).extracting(Node::name)
                .containsExactly("/a", "/b");
        assertThat(tree.prune(List.of(), List.of("^/[bc]"), List.of())).extracting(Node::name)
                .containsExactly("/b", "/c");
        assertThat(tree.prune(List.of(), List.of(), List.of("tier: 1"))).extracting(Node::name)
                .containsExactly("/a", "/c");
        assertThat(tree.prune(List.of("test"), List.of(), List.of("tag: fa.*", "tier: 1"))).extracting(Node::name)
                .containsExactly("/a");
        assertThat(tree.prune(List.of(), List.of(), List.of("/b | /c"))).extracting(Node::name)
                .containsExactly("/b", "/c");
        assertThat(tree.prune(true, List.of(), List.of(), List.of())).extracting(Node::name)
                .containsExactly("/", "/a", "/b", "/c");
    }

    @Test
    void yaml12Scalars() throws IOException {
        Tree tree = tree("""
                /t:
                    flags: [yes, no, on, off, true, false, 'yes']
                    octal: 0o17
                    plain: 010
                    float: 1.5e3
                    nul: ~
                    date: 2024-01-02
                    stamp: 2024-01-02 10:11:12.5+02:00
                    big: 123456789012345678901234567890
                """);
        Map<String, Object> data = data(tree, "/t");
        assertThat(data.get("flags")).isEqualTo(List.of("yes", "no", "on", "off", true, false, "yes"));
        assertThat(data).containsEntry("octal", 15L).containsEntry("plain", 10L).containsEntry("float", 1500.0);
        assertThat(data.get("date")).hasToString("2024-01-02");
        assertThat(data.get("stamp")).hasToString("2024-01-02T08:11:12.500000");
        assertThat(data.get("big")).hasToString("123456789012345678901234567890");
        assertThat(data).containsKey("nul");
        assertThat(data.get("nul")).isNull();
    }

    @Test
    void dataIsReadOnly() throws IOException {
        Tree tree = tree("/t: {tag: [a], env: {A: 1}}\n");
        Map<String, Object> data = data(tree, "/t");
        assertThatThrownBy(() -> data.put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> ((List<?>) data.get("tag")).remove(0))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> ((Map<?, ?>) data.get("env")).remove("A"))
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
