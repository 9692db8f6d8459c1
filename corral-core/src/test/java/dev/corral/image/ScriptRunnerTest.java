package dev.corral.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.corral.Deadline;

@Timeout(60)
class ScriptRunnerTest {
    private static final String SCRIPT = "test-script.sh";
    private final ScriptRunner runner = new ScriptRunner(Duration.ofSeconds(10));
    private final List<String> log = new CopyOnWriteArrayList<>();

    @Test
    void returnsTheResultAndStreamsTheLog() throws InterruptedException {
        String result = runner.run(SCRIPT, List.of("result", "localhost/x:1"), Map.of(), log::add,
                Deadline.after(Duration.ofSeconds(30)), "the test image");

        assertThat(result).isEqualTo("localhost/x:1");
        assertThat(log).containsExactly("test-script.sh: working", "test-script.sh: almost done");
    }

    @Test
    void failureCarriesTheScriptsLastLines() {
        assertThatThrownBy(() -> runner.run(SCRIPT, List.of("fail"), Map.of(), log::add,
                Deadline.after(Duration.ofSeconds(30)), "the test image"))
                .isInstanceOf(ImageBuildException.class)
                .hasMessageStartingWith("Building the test image failed (exit 1): something broke; install X and retry")
                .hasMessageContaining("test-script.sh: step 1")
                .satisfies(e -> assertThat(((ImageBuildException) e).lastLines()).containsExactly(
                        "test-script.sh: step 1", "test-script.sh: error: something broke; install X and retry"));
    }

    @Test
    void realBuilderRejectsUnknownArgumentsWithItsOwnMessage() {
        assertThatThrownBy(() -> ImageBuilder.create().runner().run(ImageBuilder.VM_SCRIPT, List.of("--bogus"), Map.of(),
                log::add, Deadline.after(Duration.ofSeconds(30)), "the VM image"))
                .isInstanceOf(ImageBuildException.class)
                .hasMessageContaining("unknown argument '--bogus'");
    }

    @Test
    void interruptStopsTheWholeProcessTree(@TempDir Path dir) throws Exception {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread worker = Thread.ofVirtual().start(() -> {
            try {
                runner.run(SCRIPT, List.of("sleep", dir.toString()), Map.of(), log::add, Deadline.none(), "the test image");
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        Path childFile = dir.resolve("child");
        while (!Files.exists(childFile)) {
            Thread.sleep(20);
        }
        long child = Long.parseLong(Files.readString(childFile).strip());
        assertThat(ProcessHandle.of(child)).hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());

        worker.interrupt();
        worker.join(Duration.ofSeconds(30));

        assertThat(worker.isAlive()).isFalse();
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        // SIGKILL has been sent; the orphaned child disappears once init has reaped it
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> ProcessHandle.of(child).filter(ProcessHandle::isAlive).isEmpty());
        assertThat(dir.resolve("cleaned")).as("the script's TERM trap ran").exists();
    }

    @Test
    void deadlineStopsTheScript(@TempDir Path dir) {
        assertThatThrownBy(() -> runner.run(SCRIPT, List.of("sleep", dir.toString()), Map.of(), log::add,
                Deadline.after(Duration.ofSeconds(2)), "the test image"))
                .isInstanceOf(ImageBuildException.class)
                .hasMessageStartingWith("Building the test image timed out");
        assertThat(dir.resolve("cleaned")).exists();
    }
}
