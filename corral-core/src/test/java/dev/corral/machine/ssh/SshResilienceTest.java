package dev.corral.machine.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.corral.Deadline;
import dev.corral.machine.Command;
import dev.corral.machine.ConnectionException;
import dev.corral.machine.ExecResult;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Lost sessions: sshd killed and restarted (a reboot), and a link cut under a live session (keepalive). */
@ExtendWith(SshTools.class)
class SshResilienceTest {
    private static final SshOptions FAST = SshOptions.defaults()
            .withKeepalive(Duration.ofSeconds(1), 3)
            .withReconnectTimeout(Duration.ofSeconds(60));

    private static Deadline soon() {
        return Deadline.after(OpenSshServer.patience());
    }

    @Test
    void aCommandFailsWhenSshdDiesAndTheNextOneReconnectsAfterItRestarts() throws Exception {
        try (OpenSshServer server = OpenSshServer.onLoopback(false);
             SshConnector connector = SshConnector.start(FAST);
             SshConnection connection = connector.connect(server.target(), soon())) {
            String bootId = connection.bootId(soon());

            Running running = Running.start(connection);
            server.stop(); // kills sshd and its sessions, as a crash or reboot does
            assertThat(running.failure(Duration.ofSeconds(60)))
                    .isInstanceOf(ConnectionException.class)
                    .hasMessageContaining("lost the SSH connection to root@127.0.0.1:" + server.port());
            assertThat(connection.isOpen()).isFalse();

            Thread restart = Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(2000);
                    server.start();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            // sshd is still down when this starts: it retries with backoff until sshd is back
            assertThat(connection.exec(Command.of("echo", "back"), soon()).stdout()).isEqualTo("back\n");
            restart.join();
            assertThat(connection.isOpen()).isTrue();
            assertThat(connection.bootId(soon())).isEqualTo(bootId);
        }
    }

    @Test
    void aCutLinkIsDetectedByKeepaliveAndTheConnectionRecoversWhenItIsBack() throws Exception {
        try (OpenSshServer server = OpenSshServer.inNamespace();
             SshConnector connector = SshConnector.start(FAST);
             SshConnection connection = connector.connect(server.target(), soon())) {
            Running running = Running.start(connection);
            long cut = System.nanoTime();
            server.netns().linkDown();
            Throwable failure = running.failure(Duration.ofSeconds(120));
            Duration detected = Duration.ofNanos(System.nanoTime() - cut);
            assertThat(failure).isInstanceOf(ConnectionException.class).hasMessageContaining("lost the SSH connection");
            // keepalive window is 4 s; allow for a loaded machine
            assertThat(detected).isLessThan(FAST.keepaliveWindow().plusSeconds(20));
            assertThat(Host.running(running.pid())).as("the command still runs on the unreachable host").isTrue();

            server.netns().linkUp();
            assertThat(connection.exec(Command.of("echo", "back"), soon()).stdout()).isEqualTo("back\n");
            // the command the lost session left behind is killed after reconnecting (same boot)
            await().atMost(Duration.ofSeconds(30)).until(() -> !Host.running(running.pid()));
        }
    }

    @Test
    void aServerAllowingFewerSessionsThanChannelsMakesCommandsWaitInsteadOfFailing() throws Exception {
        try (OpenSshServer server = OpenSshServer.onLoopback(false, "MaxSessions 3");
             SshConnector connector = SshConnector.start(SshOptions.defaults());
             SshConnection connection = connector.connect(server.target(), soon())) {
            List<Thread> threads = new ArrayList<>();
            List<ExecResult> results = Collections.synchronizedList(new ArrayList<>());
            for (int i = 0; i < 12; i++) {
                threads.add(Thread.ofVirtual().start(() -> {
                    try {
                        results.add(connection.exec(Command.of("sleep", "0.5"), soon()));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
            for (Thread t : threads) {
                t.join(Duration.ofSeconds(120));
            }
            assertThat(results).hasSize(12).allMatch(ExecResult::succeeded);
        }
    }

    /** A long command running on a virtual thread; knows its remote pid once it printed it. */
    private static final class Running {
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final CountDownLatch started = new CountDownLatch(1);
        private final SshConnectionTest.LineSignal output = new SshConnectionTest.LineSignal(started);
        private Thread thread;

        static Running start(SshConnection connection) throws InterruptedException {
            Running r = new Running();
            r.thread = Thread.ofVirtual().start(() -> {
                try {
                    connection.exec(Command.builder("sh", "-c", "echo $$; exec sleep 600").stdout(r.output).build(),
                            Deadline.after(Duration.ofMinutes(10)));
                    r.failure.set(new AssertionError("the command ended normally"));
                } catch (Throwable t) {
                    r.failure.set(t);
                }
            });
            assertThat(r.started.await(60, TimeUnit.SECONDS)).as("command started").isTrue();
            return r;
        }

        long pid() {
            return Long.parseLong(output.text().strip());
        }

        Throwable failure(Duration within) throws InterruptedException {
            assertThat(thread.join(within)).as("command ended within %s", within).isTrue();
            return failure.get();
        }
    }
}
