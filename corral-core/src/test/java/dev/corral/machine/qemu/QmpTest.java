package dev.corral.machine.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import dev.corral.Deadline;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import tools.jackson.databind.JsonNode;

/** The QMP client against a real, paused QEMU (no guest code runs): commands, errors, events, quit. */
@ExtendWith(QemuTools.class)
class QmpTest {
    @TempDir
    Path tmp;

    @Test
    void commandsErrorsEventsAndQuit() throws Exception {
        Path socket = tmp.resolve("qmp.sock");
        Process qemu = new ProcessBuilder(KvmProbe.QEMU, "-machine", "pc", "-accel", "tcg", "-S", "-nodefaults",
                "-display", "none", "-m", "128", "-qmp", "unix:" + socket + ",server=on,wait=off")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Deadline deadline = Deadline.after(Duration.ofMinutes(1));
        try (Qmp qmp = Qmp.connect(socket, qemu::isAlive, deadline, LoggerFactory.getLogger(QmpTest.class))) {
            CopyOnWriteArrayList<String> seen = new CopyOnWriteArrayList<>();
            qmp.onEvent(e -> seen.add(e.path("event").asString("")));

            assertThat(qmp.status(deadline)).isEqualTo("prelaunch");
            JsonNode version = qmp.execute("query-version", null, deadline);
            assertThat(version.path("qemu").path("major").asInt()).isPositive();
            assertThatThrownBy(() -> qmp.execute("no-such-command", Map.of("x", 1), deadline))
                    .hasMessageStartingWith("QEMU refused no-such-command: CommandNotFound");

            qmp.reset(deadline);
            await().atMost(Duration.ofSeconds(30)).until(() -> seen.contains("RESET"));
            assertThat(qmp.events()).anyMatch(e -> e.path("event").asString("").equals("RESET"));
            qmp.powerdown(deadline);

            qmp.quit(deadline);
            assertThat(qemu.waitFor(30, TimeUnit.SECONDS)).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> qmp.lostBecause() != null);
            assertThatThrownBy(() -> qmp.status(deadline)).isInstanceOf(Qmp.QmpException.class);
        } finally {
            qemu.destroyForcibly();
        }
    }

    @Test
    void connectingFailsWhenQemuIsGone() {
        assertThatThrownBy(() -> Qmp.connect(tmp.resolve("none.sock"), () -> false, Deadline.after(Duration.ofSeconds(10)),
                LoggerFactory.getLogger(QmpTest.class)))
                .isInstanceOf(Qmp.QmpException.class).hasMessageContaining("QEMU exited before its QMP socket");
    }
}
