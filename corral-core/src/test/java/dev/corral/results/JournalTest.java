package dev.corral.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {
    @TempDir
    Path dir;

    private Path journal() {
        return dir.resolve("results.jsonl");
    }

    /** A result exercising every field, with unicode, control characters and a huge note. */
    private static TestResult rich(String hugeNote) {
        Map<String, String> ids = new LinkedHashMap<>();
        ids.put("id", "5b1c9f7e-0000-4000-8000-000000000001");
        ids.put("extra-nitrate", null);
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("reboot-count", 2);
        extra.put("ratio", 0.25);
        extra.put("flaky", true);
        extra.put("nested", Map.of("list", List.of("a", "b"), "big", 12345678901L));
        extra.put("nothing", null);
        SubResult sub = new SubResult("/phase/setup ✓", Outcome.FAIL, Outcome.PASS, List.of("note\twith\ttabs"),
                List.of("tests/x-1/data/phase.log"), ResultFixtures.T0, ResultFixtures.T0.plusSeconds(1));
        SubResult bare = new SubResult("/phase/cleanup", Outcome.PASS, null, List.of(), List.of(), null, null);
        return new TestResult("/tests/ünïcödé/日本語 🚀", "fedora-40", 7, 2, Outcome.FAIL, Outcome.PASS,
                List.of("nul\u0000 esc\u001b[31m bell\u0007 cr\r lf\n ls\u2028 ps\u2029 del\u007f", "quote \" back \\ slash",
                        hugeNote),
                ResultFixtures.T0, ResultFixtures.T0.plus(Duration.ofNanos(1_234_567_891L)), "podman-3",
                "tests/fedora-40/tests/x-7-attempt2", List.of("tests/fedora-40/tests/x-7-attempt2/output.txt"),
                List.of(sub, bare), Map.of("distro", List.of("fedora-40"), "arch", List.of("x86_64", "aarch64")), ids,
                extra);
    }

    @Test
    void roundTripsEveryFieldIncludingUnicodeControlCharactersAndHugeNotes() {
        String huge = "x".repeat(4 * 1024 * 1024) + "\n end";
        TestResult rich = rich(huge);
        TestResult plain = ResultFixtures.result("/tests/plain", 1, Outcome.PASS);
        try (Journal journal = Journal.open(journal())) {
            journal.append(rich);
            journal.append(plain);
        }

        List<TestResult> read = Journal.read(journal());

        assertThat(read).containsExactly(rich, plain);
        assertThat(read.getFirst().notes().get(2)).hasSize(huge.length()).endsWith("\n end");
        assertThat(read.getFirst().ids()).containsEntry("extra-nitrate", null);
        assertThat(read.getFirst().extra().get("nested")).isEqualTo(Map.of("list", List.of("a", "b"), "big", 12345678901L));
    }

    @Test
    void appendedIsWhatReadingTheJournalGivesEvenForValuesJsonDoesNotKeep() {
        TestResult plain = ResultFixtures.result("/tests/plain", 1, Outcome.PASS);
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("small-long", 5L);
        extra.put("float", 1.5f);
        extra.put("path", Path.of("/var/log"));
        extra.put("nested", List.of(Map.of("count", 3L)));
        TestResult changing = new TestResult("/tests/changing", "default", 2, 1, Outcome.PASS, null, List.of(),
                ResultFixtures.T0, ResultFixtures.T0.plusSeconds(1), "local-1", "tests/changing-2", List.of(),
                List.of(), Map.of(), Map.of(), extra);
        List<TestResult> appended;
        try (Journal journal = Journal.open(journal())) {
            journal.append(rich("n"));
            journal.append(changing);
            journal.append(plain);
            appended = journal.appended();
        }

        List<TestResult> read = Journal.read(journal());

        assertThat(appended).isEqualTo(read);
        assertThat(appended.get(1).extra()).containsEntry("small-long", 5).containsEntry("float", 1.5)
                .containsEntry("path", "file:///var/log/").containsEntry("nested", List.of(Map.of("count", 3)));
        // a result that reads back equal is kept as it was given, not parsed again
        assertThat(appended.get(2)).isSameAs(plain);
    }

    @Test
    void writesOneLinePerAttemptWithStableFieldNames() throws IOException {
        try (Journal journal = Journal.open(journal())) {
            journal.append(rich("n"));
            journal.append(ResultFixtures.result("/tests/plain", 1, Outcome.PASS));
        }
        List<String> lines = Files.readAllLines(journal(), StandardCharsets.UTF_8);

        assertThat(lines).hasSize(2);
        assertThat(lines.get(1)).startsWith("{\"v\":1,\"name\":\"/tests/plain\",\"target\":\"default\",\"serial-number\":1,"
                + "\"attempt\":1,\"result\":\"pass\",\"original-result\":null,\"note\":[],"
                + "\"start-time\":\"2026-11-23T18:36:34.123456789Z\",");
        assertThat(lines.get(0)).contains("\"subresult\":[{\"name\":\"/phase/setup ✓\"", "\"data-path\":", "\"log\":[",
                "\"context\":{", "\"ids\":{", "\"extra\":{", "\\u0000", "\\u001B");
    }

    @Test
    void appendIsDurableAndVisibleToReadersWhenItReturns() {
        try (Journal journal = Journal.open(journal())) {
            for (int i = 1; i <= 20; i++) {
                journal.append(ResultFixtures.result("/tests/t" + i, i, Outcome.PASS));
                // read by a separate file handle before the journal is closed
                assertThat(Journal.read(journal())).hasSize(i);
            }
        }
    }

    @Test
    void toleratesATornLastLineAndAppendingAfterwardsDropsIt() throws IOException {
        try (Journal journal = Journal.open(journal())) {
            journal.append(ResultFixtures.result("/tests/a", 1, Outcome.PASS));
            journal.append(ResultFixtures.result("/tests/b", 2, Outcome.FAIL));
        }
        byte[] third;
        try (Journal other = Journal.open(dir.resolve("other.jsonl"))) {
            other.append(ResultFixtures.result("/tests/c", 3, Outcome.PASS));
        }
        third = Files.readAllBytes(dir.resolve("other.jsonl"));
        // a crash mid-write: half of the third line, no newline
        Files.write(journal(), java.util.Arrays.copyOf(third, third.length / 2), StandardOpenOption.APPEND);

        assertThat(Journal.read(journal())).extracting(TestResult::name).containsExactly("/tests/a", "/tests/b");

        try (Journal journal = Journal.open(journal())) {
            journal.append(ResultFixtures.result("/tests/d", 4, Outcome.PASS));
        }
        assertThat(Journal.read(journal())).extracting(TestResult::name)
                .containsExactly("/tests/a", "/tests/b", "/tests/d");
        assertThat(Files.readAllLines(journal())).hasSize(3);
    }

    @Test
    void keepsACompleteLastLineThatOnlyLacksItsNewline() throws IOException {
        try (Journal journal = Journal.open(journal())) {
            journal.append(ResultFixtures.result("/tests/a", 1, Outcome.PASS));
            journal.append(ResultFixtures.result("/tests/b", 2, Outcome.PASS));
        }
        byte[] bytes = Files.readAllBytes(journal());
        Files.write(journal(), java.util.Arrays.copyOf(bytes, bytes.length - 1));

        assertThat(Journal.read(journal())).hasSize(2);
        try (Journal journal = Journal.open(journal())) {
            journal.append(ResultFixtures.result("/tests/c", 3, Outcome.PASS));
        }
        assertThat(Journal.read(journal())).extracting(TestResult::name)
                .containsExactly("/tests/a", "/tests/b", "/tests/c");
    }

    @Test
    void rejectsACorruptLineInTheMiddleNamingFileAndLine() throws IOException {
        try (Journal journal = Journal.open(journal())) {
            journal.append(ResultFixtures.result("/tests/a", 1, Outcome.PASS));
        }
        Files.writeString(journal(), "{\"v\":1,\"name\":\"/tests/b\",\"target\":\"default\"\n", StandardOpenOption.APPEND);
        try (Journal journal = Journal.open(journal())) {
            journal.append(ResultFixtures.result("/tests/c", 3, Outcome.PASS));
        }

        assertThatThrownBy(() -> Journal.read(journal()))
                .isInstanceOf(ResultsException.class)
                .hasMessageStartingWith(journal() + ":2: invalid JSON")
                .hasMessageContaining("fix or delete that line");
    }

    @Test
    void rejectsWrongTypesAndMissingFieldsWithTheLineNumber() throws IOException {
        String good = goodLine();
        Files.writeString(journal(), good + "\n\n" + good.replace("\"result\":\"pass\"", "\"result\":\"great\"") + "\n");
        assertThatThrownBy(() -> Journal.read(journal()))
                .hasMessageStartingWith(journal() + ":3: 'result': invalid result 'great'");

        Files.writeString(journal(), good.replace("\"serial-number\":1", "\"serial-number\":\"1\"") + "\n");
        assertThatThrownBy(() -> Journal.read(journal()))
                .hasMessageStartingWith(journal() + ":1: 'serial-number' must be an integer");

        Files.writeString(journal(), good.replace("\"name\":\"/tests/a\",", "") + "\n" + good + "\n");
        assertThatThrownBy(() -> Journal.read(journal()))
                .hasMessageStartingWith(journal() + ":1: missing 'name'");

        Files.writeString(journal(), good.replace("\"v\":1", "\"v\":99") + "\n" + good + "\n");
        assertThatThrownBy(() -> Journal.read(journal()))
                .hasMessageContaining("unsupported journal format version 99");
    }

    @Test
    void rejectsInvalidUtf8() throws IOException {
        byte[] good = (goodLine() + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] bad = goodLine().replace("/tests/a", "/tests/\u00ff").getBytes(StandardCharsets.ISO_8859_1);
        Files.write(journal(), good);
        Files.write(journal(), bad, StandardOpenOption.APPEND);
        Files.write(journal(), good, StandardOpenOption.APPEND);

        assertThatThrownBy(() -> Journal.read(journal())).hasMessageStartingWith(journal() + ":2: invalid JSON");
    }

    @Test
    void ignoresUnknownFieldsSoLaterVersionsCanAddSome() throws IOException {
        Files.writeString(journal(), goodLine().replace("{\"v\":1,", "{\"v\":1,\"future\":{\"x\":[1]},") + "\n");
        assertThat(Journal.read(journal())).extracting(TestResult::name).containsExactly("/tests/a");
    }

    @Test
    void serializesConcurrentAppendsIntoWholeLines() throws Exception {
        int threads = 16;
        int each = 25;
        try (Journal journal = Journal.open(journal());
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        journal.append(ResultFixtures.withNotes(
                                ResultFixtures.result("/t" + thread + "/" + i, i + 1, Outcome.PASS),
                                List.of("y".repeat(10_000))));
                    }
                    return null;
                });
            }
        }
        List<TestResult> read = Journal.read(journal());
        assertThat(read).hasSize(threads * each);
        assertThat(read).extracting(TestResult::name).doesNotHaveDuplicates();
    }

    @Test
    void appendsFromAnInterruptedThreadAndKeepsTheFlag() {
        try (Journal journal = Journal.open(journal())) {
            Thread.currentThread().interrupt();
            try {
                journal.append(ResultFixtures.result("/tests/a", 1, Outcome.PASS));
                journal.append(ResultFixtures.result("/tests/b", 2, Outcome.PASS));
                assertThat(Thread.currentThread().isInterrupted()).isTrue();
            } finally {
                Thread.interrupted();
            }
        }
        assertThat(Journal.read(journal())).hasSize(2);
    }

    @Test
    void aFailedWriteIsReportedAndLeavesNoPartialLine() {
        // /dev/full accepts open() and fails every write with ENOSPC: the real write+fsync error path
        try (Journal journal = Journal.open(Path.of("/dev/full"))) {
            assertThatThrownBy(() -> journal.append(ResultFixtures.result("/tests/a", 1, Outcome.PASS)))
                    .isInstanceOf(ResultsException.class)
                    .hasMessageContaining("cannot write journal /dev/full")
                    .hasMessageContaining("check free space")
                    .hasMessageContaining("/tests/a was not recorded");
        }
    }

    @Test
    void appendAfterCloseFailsAndCloseIsIdempotent() {
        Journal journal = Journal.open(journal());
        journal.close();
        journal.close();
        assertThatThrownBy(() -> journal.append(ResultFixtures.result("/tests/a", 1, Outcome.PASS)))
                .isInstanceOf(ResultsException.class).hasMessageContaining("is closed");
    }

    @Test
    void readingAMissingJournalSaysSo() {
        assertThatThrownBy(() -> Journal.read(dir.resolve("nope.jsonl")))
                .isInstanceOf(ResultsException.class).hasMessageContaining("no journal at");
    }

    @Test
    void manyAppendsReadBackInJournalOrder() {
        int n = 200;
        List<Long> nanos = new ArrayList<>();
        try (Journal journal = Journal.open(journal())) {
            for (int i = 0; i < n; i++) {
                long t = System.nanoTime();
                journal.append(ResultFixtures.result("/tests/t" + i, i + 1, Outcome.PASS));
                nanos.add(System.nanoTime() - t);
            }
        }
        nanos.sort(null);
        System.out.printf("journal append: median %.3f ms, p95 %.3f ms over %d appends%n",
                nanos.get(n / 2) / 1e6, nanos.get(n * 95 / 100) / 1e6, n);
        assertThat(Journal.read(journal())).extracting(TestResult::serialNumber)
                .isEqualTo(java.util.stream.IntStream.rangeClosed(1, n).boxed().toList());
    }

    @Test
    void loneSurrogatesDoNotBreakTheJournal() {
        TestResult odd = ResultFixtures.withNotes(ResultFixtures.result("/tests/a", 1, Outcome.PASS),
                List.of("high \uD800 alone", "low \uDC00 alone"));
        try (Journal journal = Journal.open(journal())) {
            journal.append(odd);
            journal.append(ResultFixtures.result("/tests/b", 2, Outcome.PASS));
        }
        List<TestResult> read = Journal.read(journal());
        assertThat(read).hasSize(2);
        assertThat(read.getFirst()).isEqualTo(odd); // escaped as \\uD800 in the JSON, so they survive exactly
    }

    private String goodLine() {
        try (Journal other = Journal.open(dir.resolve("good.jsonl"))) {
            if (Files.size(dir.resolve("good.jsonl")) == 0) {
                other.append(new TestResult("/tests/a", "default", 1, 1, Outcome.PASS, null, List.of(),
                        Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-01-01T00:00:01Z"), "m", null,
                        List.of(), List.of(), Map.of(), Map.of(), Map.of()));
            }
            return Files.readString(dir.resolve("good.jsonl")).strip();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
