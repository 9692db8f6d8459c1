package dev.corral.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import dev.corral.RunId;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsDirTest {
    @TempDir
    Path parent;

    @Test
    void createsRunDirectoryAndPointsLatestAtIt() throws IOException {
        RunId id = new RunId("20261123-183533-k3f9");
        ResultsDir dir = ResultsDir.create(parent.resolve("corral-results"), id);

        assertThat(dir.path()).isEqualTo(parent.resolve("corral-results/run-20261123-183533-k3f9"));
        assertThat(dir.path()).isDirectory();
        Path latest = parent.resolve("corral-results/latest");
        assertThat(Files.isSymbolicLink(latest)).isTrue();
        assertThat(Files.readSymbolicLink(latest)).isEqualTo(Path.of("run-20261123-183533-k3f9"));
        assertThat(latest.toRealPath()).isEqualTo(dir.path().toRealPath());
        assertThat(dir.journalFile()).isEqualTo(dir.path().resolve("results.jsonl"));
        assertThat(dir.resultsYaml().getFileName()).hasToString("results.yaml");
        assertThat(dir.junitXml().getFileName()).hasToString("junit.xml");
        assertThat(dir.runJson().getFileName()).hasToString("run.json");
    }

    @Test
    void replacesLatestWithEachNewRunAndLeavesNoTemporaryLinks() throws IOException {
        ResultsDir first = ResultsDir.create(parent, new RunId("20261123-000001-aaaa"));
        ResultsDir second = ResultsDir.create(parent, new RunId("20261123-000002-bbbb"));

        assertThat(parent.resolve("latest").toRealPath()).isEqualTo(second.path().toRealPath());
        assertThat(first.path()).isDirectory();
        try (Stream<Path> entries = Files.list(parent)) {
            assertThat(entries.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("latest", "run-20261123-000001-aaaa", "run-20261123-000002-bbbb");
        }
    }

    @Test
    void latestIsNeverMissingWhileItIsReplaced() throws Exception {
        Path a = Files.createDirectory(parent.resolve("run-a"));
        Path b = Files.createDirectory(parent.resolve("run-b"));
        ResultsDir.pointLatest(parent, a);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger reads = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread reader = Thread.ofPlatform().start(() -> {
            while (!stop.get()) {
                try {
                    Path target = Files.readSymbolicLink(parent.resolve("latest"));
                    assertThat(target.toString()).isIn("run-a", "run-b");
                    reads.incrementAndGet();
                } catch (NoSuchFileException e) {
                    failure.set(e);
                    return;
                } catch (Throwable e) {
                    failure.set(e);
                    return;
                }
            }
        });
        for (int i = 0; i < 500; i++) {
            ResultsDir.pointLatest(parent, i % 2 == 0 ? b : a);
        }
        stop.set(true);
        reader.join();
        assertThat(failure.get()).isNull();
        assertThat(reads.get()).isPositive();
    }

    @Test
    void refusesToReplaceALatestThatIsNotASymlink() throws IOException {
        Files.createDirectories(parent.resolve("latest"));
        assertThatThrownBy(() -> ResultsDir.create(parent, RunId.generate()))
                .isInstanceOf(ResultsException.class)
                .hasMessageContaining("latest exists and is not a symlink");
    }

    @Test
    void refusesAnExistingRunDirectory() {
        RunId id = RunId.generate();
        ResultsDir.create(parent, id);
        assertThatThrownBy(() -> ResultsDir.create(parent, id))
                .isInstanceOf(ResultsException.class).hasMessageContaining("already exists");
    }

    @Test
    void writesAndReadsRunJson() throws IOException {
        RunId id = RunId.generate();
        ResultsDir dir = ResultsDir.create(parent, id);
        RunInfo started = RunInfo.started(id, Map.of("default", "podman fedora:40 x4"),
                Map.of("distro", List.of("fedora-40")), "0.1.0");
        dir.writeRunInfo(started);
        assertThat(dir.readRunInfo()).isEqualTo(started);
        assertThat(Files.readString(dir.runJson())).contains("\"status\" : \"running\"", "\"end-time\" : null");

        RunInfo ended = started.ended(RunInfo.Status.INTERRUPTED, Instant.parse("2030-01-01T00:00:00Z"));
        dir.writeRunInfo(ended);
        assertThat(dir.readRunInfo()).isEqualTo(ended);
        assertThat(Files.readString(dir.runJson())).contains("\"status\" : \"interrupted\"",
                "\"end-time\" : \"2030-01-01T00:00:00Z\"", "\"corral-version\" : \"0.1.0\"",
                "\"targets\" : {", "\"context\" : {");
        try (Stream<Path> entries = Files.list(dir.path())) {
            assertThat(entries.map(p -> p.getFileName().toString())).containsExactly("run.json");
        }
    }

    @Test
    void readsRunJsonOnlyWhenItSaysRunning() throws IOException {
        RunId id = RunId.generate();
        ResultsDir dir = ResultsDir.create(parent, id);
        // the word in a target's description must not make a finished run look running
        RunInfo started = RunInfo.started(id, Map.of("default", "ssh \"running\" host"), Map.of(), "0.1.0");
        dir.writeRunInfo(started);
        assertThat(dir.readRunInfoIfRunning()).contains(started);
        for (RunInfo.Status status : RunInfo.Status.values()) {
            if (status != RunInfo.Status.RUNNING) {
                RunInfo ended = started.ended(status, Instant.parse("2030-01-01T00:00:00Z"));
                dir.writeRunInfo(ended);
                assertThat(dir.readRunInfoIfRunning()).as(status.jsonName()).isEmpty();
            }
        }
        // not parsed without the word; parsed (and refused by name) with it
        Files.writeString(dir.runJson(), "{\"status\": \"finished\", \"id\": ");
        assertThat(dir.readRunInfoIfRunning()).isEmpty();
        Files.writeString(dir.runJson(), "{\"status\": \"running\", \"id\": ");
        assertThatThrownBy(dir::readRunInfoIfRunning).isInstanceOf(ResultsException.class)
                .hasMessageStartingWith(dir.runJson() + ": ");
        Files.delete(dir.runJson());
        assertThatThrownBy(dir::readRunInfoIfRunning).isInstanceOf(ResultsException.class)
                .hasMessageContaining("cannot read " + dir.runJson());
    }

    @Test
    void reportsAnInvalidRunJsonByName() throws IOException {
        ResultsDir dir = ResultsDir.create(parent, RunId.generate());
        Files.writeString(dir.runJson(), "{\"id\": \"BAD ID\", \"status\": \"running\", \"start-time\": \"2026-01-01T00:00:00Z\"}");
        assertThatThrownBy(dir::readRunInfo).isInstanceOf(ResultsException.class)
                .hasMessageStartingWith(dir.runJson() + ": invalid run id 'BAD ID'");
    }

    @Test
    void opensOnlyResultsDirectories() throws IOException {
        assertThatThrownBy(() -> ResultsDir.open(parent.resolve("missing")))
                .isInstanceOf(ResultsException.class).hasMessageContaining("no results directory at");
        assertThatThrownBy(() -> ResultsDir.open(parent))
                .isInstanceOf(ResultsException.class).hasMessageContaining("is not a Corral results directory");
        ResultsDir dir = ResultsDir.at(parent.resolve("explicit"));
        Files.writeString(dir.journalFile(), "");
        assertThat(ResultsDir.open(parent.resolve("explicit")).path()).isEqualTo(dir.path());
        assertThat(parent.resolve("latest")).doesNotExist();
    }

    @Test
    void anExplicitDirectoryThatHoldsARunIsRefused() throws IOException {
        ResultsDir first = ResultsDir.at(parent.resolve("explicit"));
        assertThat(ResultsDir.at(parent.resolve("explicit")).path()).as("empty: still usable").isEqualTo(first.path());
        Files.writeString(first.journalFile(), "");

        assertThatThrownBy(() -> ResultsDir.at(parent.resolve("explicit")))
                .isInstanceOf(ResultsException.class)
                .hasMessage(parent.resolve("explicit") + " already holds a run: resume it (corral run --resume "
                        + parent.resolve("explicit") + ") or choose another results directory");
    }

    @Test
    void testPathsAreSafeAndDistinct() {
        assertThat(ResultsDir.testPath("default", "/tests/login", 3, 1)).isEqualTo("tests/tests/login-3");
        assertThat(ResultsDir.testPath("default", "/tests/login", 3, 2)).isEqualTo("tests/tests/login-3-attempt2");
        assertThat(ResultsDir.testPath("fedora-40", "/tests/login", 3, 1)).isEqualTo("tests/fedora-40/tests/login-3");
        assertThat(ResultsDir.testPath("default", "/../../etc/passwd", 1, 1)).isEqualTo("tests/_../_../etc/passwd-1");
        assertThat(ResultsDir.testPath("default", "/a\u0000b\\c/./d", 1, 1)).isEqualTo("tests/a_b_c/_./d-1");
        assertThat(ResultsDir.testPath("a/b", "/", 1, 1)).isEqualTo("tests/a_b/_-1");
        assertThat(ResultsDir.testPath("default", "/ünï/日本", 9, 1)).isEqualTo("tests/ünï/日本-9");
    }

    @Test
    void resolvesOnlyPathsInsideTheDirectory() {
        ResultsDir dir = ResultsDir.create(parent, RunId.generate());
        assertThat(dir.resolve("tests/a-1/output.txt")).isEqualTo(dir.path().resolve("tests/a-1/output.txt"));
        assertThatThrownBy(() -> dir.resolve("../other/output.txt")).isInstanceOf(ResultsException.class)
                .hasMessageContaining("outside the results directory");
        assertThatThrownBy(() -> dir.resolve("/etc/passwd")).isInstanceOf(ResultsException.class);
        assertThat(dir.machineDir("../evil")).isEqualTo(dir.path().resolve("machines/.._evil"));
    }
}
