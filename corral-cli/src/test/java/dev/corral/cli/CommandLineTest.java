package dev.corral.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands that read trees: fmf, ls, show; and how user mistakes are reported. */
class CommandLineTest {

    @TempDir
    Path tmp;

    private TreeFixture tree() {
        return new TreeFixture(tmp.resolve("tree"))
                .write("main.fmf", "duration: 1m\n")
                .write("tests/main.fmf", "tag: [base]\n/one:\n  test: echo one\n  tag+: [smoke]\n/two:\n  test: echo two\n"
                        + "  adjust:\n    when: distro == fedora\n    environment: {FEDORA: 'yes'}\n");
    }

    @Test
    void fmfPrintsNodesInClimbOrderAsJson() {
        TreeFixture t = tree();
        Cli r = Cli.run("fmf", t.root().toString(), "--json");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("{\"nodes\":[{\"name\":\"/tests/one\"")
                .contains("\"tag\":[\"base\",\"smoke\"]")
                .contains("\"test\":\"echo two\",\"adjust\":{\"when\":\"distro == fedora\"");
    }

    @Test
    void fmfAppliesContextCaseInsensitivelyAndFilters() {
        TreeFixture t = tree();
        Cli adjusted = Cli.run("fmf", t.root().toString(), "--json", "--context", "distro=Fedora");
        assertThat(adjusted.out()).contains("\"environment\":{\"FEDORA\":\"yes\"}");
        Cli filtered = Cli.run("fmf", t.root().toString(), "--filter", "tag: smoke");
        assertThat(filtered.out()).isEqualTo("/tests/one\n");
    }

    @Test
    void plainFmfCommandLinesSkipPicocliAndPrintTheSame() {
        TreeFixture t = tree();
        String root = t.root().toString();
        String[][] plain = {
            {"fmf", root, "--json", "-c", "distro=Fedora", "--filter", "tag: smoke"},
            {"fmf", "--context=distro=Fedora", root, "-F", "tag: smoke", "--json"},
            {"fmf", root},
        };
        String[][] parsed = {
            {"fmf", "--json", "-c", "distro=Fedora", "--filter", "tag: smoke", "--", root},
            {"fmf", "--context", "distro=Fedora", "-F=tag: smoke", "--json", "--", root},
            {"fmf", "--", root},
        };
        for (int i = 0; i < plain.length; i++) {
            assertThat(FmfCommand.plain(plain[i])).isNotNull();
            assertThat(FmfCommand.plain(parsed[i])).isNull();
            Cli fast = Cli.run(plain[i]);
            Cli slow = Cli.run(parsed[i]);
            assertThat(fast.exit()).isZero();
            assertThat(fast.out()).isEqualTo(slow.out()).isNotEmpty().endsWith("\n").doesNotEndWith("\n\n");
            assertThat(fast.err()).isEqualTo(slow.err()).isEmpty();
        }
        assertThat(Cli.run(plain[0]).out()).isEqualTo("{\"nodes\":[{\"name\":\"/tests/one\",\"data\":"
                + "{\"duration\":\"1m\",\"tag\":[\"base\",\"smoke\"],\"test\":\"echo one\"}}]}\n");
        for (String[] other : new String[][] {{"fmf", "-h"}, {"fmf", "--version"}, {"fmf", "@args"}, {"fmf", "a", "b"},
                {"fmf", "-c"}, {"fmf", "-c", "-x"}, {"fmf", "-cdistro=f"}, {"ls", root}, {}}) {
            assertThat(FmfCommand.plain(other)).as(String.join(" ", other)).isNull();
        }
    }

    @Test
    void fmfErrorsAreTheSameWithAndWithoutPicocli() {
        TreeFixture t = new TreeFixture(tmp.resolve("broken")).write("tests/main.fmf", "summary: a\nsummary: b\n");
        Cli fast = Cli.run("fmf", t.root().toString(), "--json");
        Cli slow = Cli.run("fmf", "--json", "--", t.root().toString());
        assertThat(fast.exit()).isEqualTo(slow.exit()).isEqualTo(2);
        assertThat(fast.err()).isEqualTo(slow.err()).startsWith("error: ").contains("tests/main.fmf:2");
        Cli context = Cli.run("fmf", t.root().toString(), "-c", "nodimension");
        assertThat(context.exit()).isEqualTo(2);
        assertThat(context.err()).isEqualTo(Cli.run("fmf", "-c", "nodimension", "--", t.root().toString()).err());
    }

    @Test
    void brokenTreeGivesOneLineWithFileAndLineAndExitTwo() {
        TreeFixture t = new TreeFixture(tmp.resolve("broken")).write("tests/main.fmf", "summary: a\nsummary: b\n");
        Cli r = Cli.run("fmf", t.root().toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("error: ").contains("tests/main.fmf:2").doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(r.err().strip().lines()).hasSize(1);
    }

    @Test
    void badContextAndUnknownOptionsAreUsageErrors() {
        TreeFixture t = tree();
        assertThat(Cli.run("fmf", t.root().toString(), "--context", "nodimension").err())
                .contains("invalid context 'nodimension'");
        Cli unknown = Cli.run("ls", "--no-such-option");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("Unknown option");
    }

    @Test
    void lsListsWhatWouldRunAndJsonHasNormalizedKeys() {
        TreeFixture t = tree();
        Cli r = Cli.run("ls", t.root().toString());
        assertThat(r.out()).isEqualTo("/tests/one\n/tests/two\n");
        Cli json = Cli.run("ls", t.root().toString(), "--json", "--test", "two");
        assertThat(json.out()).contains("\"name\":\"/tests/two\"", "\"duration\":\"00:01:00\"", "\"framework\":\"shell\"",
                "\"serial-number\":1", "\"plan\":\"/default/plan\"").doesNotContain("/tests/one");
    }

    @Test
    void showPrintsOneTestWithDefaults() {
        TreeFixture t = tree();
        Cli r = Cli.run("show", t.root().toString(), "/tests/one");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("name", "/tests/one", "order", "50", "result", "respect", "path", "/tests");
        assertThat(Cli.run("show", t.root().toString(), "/nothing").err()).contains("no test matches '/nothing'");
    }

    @Test
    void reportOfAMissingDirectoryIsAClearError() {
        Cli r = Cli.run("report", tmp.resolve("nothing-here").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("error: ").contains("nothing-here");
        assertThat(Files.exists(tmp.resolve("nothing-here"))).isFalse();
    }
}
