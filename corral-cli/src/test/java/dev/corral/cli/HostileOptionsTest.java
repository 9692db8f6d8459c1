package dev.corral.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code corral run} options and run files with values out of range or of the wrong kind: exit 2, one line
 * {@code error: ...} naming the option or {@code file:line}, no stack trace, no results directory.
 */
class HostileOptionsTest {

    @TempDir
    Path tmp;

    private Cli run(String... extra) {
        Path tree = new TreeFixture(tmp.resolve("tree")).write("main.fmf", "/t:\n  test: 'true'\n").root();
        List<String> args = new ArrayList<>(List.of("run", tree.toString(), "--results", tmp.resolve("results").toString()));
        args.addAll(List.of(extra));
        return Cli.runWithStandardStreams(args.toArray(String[]::new));
    }

    private void assertRefused(Cli r, String expected) {
        String shown = "stdout: " + r.out() + "\nstderr: " + r.err();
        assertThat(r.exit()).as(shown).isEqualTo(2);
        assertThat(r.err()).as(shown).startsWith("error: ").contains(expected).doesNotContain("Exception")
                .doesNotContain("\tat ");
        assertThat(r.err().lines().count()).as(shown).isEqualTo(1);
        assertThat(tmp.resolve("results")).doesNotExist();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--workers|0|workers must be at least 1",
        "--workers|-1|workers must be at least 1",
        "--per-machine|0|per-machine must be at least 1",
        "--max-attempts|0|--max-attempts",
        "--max-attempts|-5|--max-attempts",
        "--rerun-failed|-1|--rerun-failed",
        "--schedule|sometimes|--schedule",
        "--how|teleport|teleport",
        "--rerun|/nonexistent/dir|/nonexistent/dir",
        "--config|/nonexistent/run.yaml|/nonexistent/run.yaml",
        "-e|=value|NAME=VALUE",
        "--context|=x|invalid context"})
    void outOfRangeOptionsAreOneLine(String option, String value, String expected) {
        assertRefused(run(option, value), expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "targets: 5|run.yaml:1",
        "targets:\n  - 5|run.yaml:2",
        "targets: []|run.yaml:1",
        "targets:\n  - how: local|run.yaml:2",
        "targets:\n  - name: x\n    how: local\n    workers: 0|run.yaml:4",
        "targets:\n  - name: x\n    how: local\n    per-machine: null|run.yaml:4",
        "targets:\n  - name: x\n    how: [local]|run.yaml:3",
        "targets:\n  - name: x\n    how: local\n    context: {distro: {a: b}}|run.yaml:4",
        "targets:\n  - name: '../../etc'\n    how: local|run.yaml:2: invalid target name '../../etc'",
        "targets:\n  - name: \"a\\x1bb\\nc\"\n    how: local|run.yaml:2: invalid target name",
        "targets:\n  - name: x\n    how: teleport|run.yaml:2",
        "targets:\n  - name: x\n    how: local\n  - name: x\n    how: local|used twice",
        "a: &a [*a]\ntargets:\n  - name: x\n    how: local|run.yaml:1",
        "targets:\n\t- name: x|run.yaml:2",
        "- a|run.yaml:1",
        "\t|run.yaml"})
    void brokenRunFilesAreOneLine(String spec) throws IOException {
        String[] parts = spec.split("\\|", 2);
        Path file = tmp.resolve("run.yaml");
        Files.writeString(file, parts[0]);
        assertRefused(run("--config", file.toString()), parts[1]);
    }
}
