package dev.corral.machine.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;

import dev.corral.Deadline;
import dev.corral.machine.Command;
import dev.corral.machine.ConnectionException;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Logging in with keys and passwords, and host key checking, against a real sshd. */
@ExtendWith(SshTools.class)
class SshAuthTest {
    private static OpenSshServer server;
    private static SshConnector connector;
    private static String user;
    private static String password;
    private static Path home;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        server = OpenSshServer.onLoopback(true);
        connector = SshConnector.start(SshOptions.defaults().withReconnectTimeout(Duration.ofSeconds(5)));
        byte[] r = new byte[4];
        new SecureRandom().nextBytes(r);
        user = "corral" + HexFormat.of().formatHex(r);
        password = "pw-" + HexFormat.of().formatHex(r) + "-'\"$ ✓";
        home = Files.createTempDirectory("corral-home-");
        Host.run("useradd", "-M", "-d", home.toString(), "-s", "/bin/sh", user);
        Host.run("chown", user, home.toString());
        Host.runWithInput(user + ":" + password + "\n", "chpasswd");
    }

    @AfterAll
    static void stop() {
        try {
            if (user != null) {
                Host.quietly("pkill", "-KILL", "-u", user);
                Host.quietly("userdel", user);
            }
            OpenSshServer.deleteTree(home);
            if (connector != null) {
                connector.close();
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    private static Deadline soon() {
        return Deadline.after(OpenSshServer.patience());
    }

    private static String whoami(SshTarget target) throws InterruptedException {
        try (SshConnection c = connector.connect(target, soon())) {
            return c.exec(Command.of("id", "-un"), soon()).orThrow("id").stdout().strip();
        }
    }

    @Test
    void logsInWithAnEd25519Key() throws Exception {
        assertThat(whoami(server.target(server.ed25519Key()))).isEqualTo("root");
    }

    @Test
    void logsInWithAnRsaKey() throws Exception {
        assertThat(whoami(server.target(server.rsaKey()))).isEqualTo("root");
    }

    @Test
    void logsInWithAnEncryptedKeyAndItsPassphrase() throws Exception {
        SshTarget target = server.target(server.encryptedKey());
        SshTarget withPassphrase = SshTarget.builder(target.host()).port(target.port()).key(target.key())
                .passphrase(OpenSshServer.PASSPHRASE).hostKeys(target.hostKeys()).build();
        assertThat(whoami(withPassphrase)).isEqualTo("root");
        assertThat(withPassphrase.toString()).doesNotContain(OpenSshServer.PASSPHRASE).contains("passphrase ***");

        assertThatThrownBy(() -> whoami(target))
                .isInstanceOf(ConnectionException.class)
                .hasMessageContaining(server.encryptedKey().toString());
    }

    @Test
    void anUnauthorizedKeyIsRefusedAtOnceWithAClearMessage() throws Exception {
        long start = System.nanoTime();
        assertThatThrownBy(() -> whoami(server.target(server.strangerKey())))
                .isInstanceOf(ConnectionException.class)
                .hasMessageContaining("authentication failed")
                .hasMessageContaining(server.strangerKey().toString());
        // not retried until the deadline
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void logsInWithAPassword() throws Exception {
        SshTarget target = SshTarget.builder(server.host()).port(server.port()).user(user).password(password)
                .hostKeys(server.target().hostKeys()).build();
        assertThat(whoami(target)).isEqualTo(user);
        assertThat(target.toString()).doesNotContain(password).contains("password ***");

        SshTarget wrong = SshTarget.builder(server.host()).port(server.port()).user(user).password("wrong")
                .hostKeys(server.target().hostKeys()).build();
        assertThatThrownBy(() -> whoami(wrong))
                .isInstanceOf(ConnectionException.class)
                .hasMessageContaining("authentication failed")
                .hasMessageNotContaining("wrong");
    }

    @Test
    void anUnknownHostIsRefusedWithWhatToDo() throws Exception {
        Path knownHosts = tmp.resolve("known_hosts");
        SshTarget target = server.target().withHostKeys(HostKeyPolicy.knownHosts(knownHosts));
        assertThatThrownBy(() -> whoami(target))
                .isInstanceOf(ConnectionException.class)
                .hasMessageContaining("unknown")
                .hasMessageContaining("ssh-keyscan -p " + server.port())
                .hasMessageContaining(knownHosts.toString())
                .hasMessageContaining("SHA256:");
    }

    @Test
    void aKnownHostIsAcceptedWhicheverKeyTypeIsKnown() throws Exception {
        for (String type : new String[] {"ed25519", "rsa"}) {
            Path knownHosts = tmp.resolve("known_hosts_" + type);
            Files.writeString(knownHosts, "# comment\nother.example ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJm9s8jnRHPMiKhNkqhQZGDlrwVdsNbpVk27mC2XQcwm\n"
                    + server.knownHostsLine(type) + "\n");
            SshTarget target = server.target().withHostKeys(HostKeyPolicy.knownHosts(knownHosts));
            assertThat(whoami(target)).as("known by its %s key", type).isEqualTo("root");
        }
    }

    @Test
    void hashedKnownHostsEntriesAreUnderstood() throws Exception {
        Path knownHosts = tmp.resolve("known_hosts_hashed");
        Files.writeString(knownHosts, server.knownHostsLine("ed25519") + "\n");
        Host.run("ssh-keygen", "-q", "-H", "-f", knownHosts.toString());
        assertThat(Files.readString(knownHosts)).startsWith("|1|");
        assertThat(whoami(server.target().withHostKeys(HostKeyPolicy.knownHosts(knownHosts)))).isEqualTo("root");
    }

    @Test
    void aChangedHostKeyIsRefusedLoudly() throws Exception {
        Path knownHosts = tmp.resolve("known_hosts_changed");
        String[] stranger = Files.readString(Path.of(server.strangerKey() + ".pub")).split(" ");
        Files.writeString(knownHosts, "[" + server.host() + "]:" + server.port() + " " + stranger[0] + " " + stranger[1] + "\n");
        assertThatThrownBy(() -> whoami(server.target().withHostKeys(HostKeyPolicy.knownHosts(knownHosts))))
                .isInstanceOf(ConnectionException.class)
                .hasMessageContaining("HOST KEY CHANGED")
                .hasMessageContaining("ssh-keygen -f " + knownHosts + " -R");
    }

    @Test
    void aPinnedKeyMustMatch() throws Exception {
        assertThat(whoami(server.target().withHostKeys(HostKeyPolicy.pinned(server.hostKey("rsa"))))).isEqualTo("root");
        String stranger = Files.readString(Path.of(server.strangerKey() + ".pub"));
        assertThatThrownBy(() -> whoami(server.target().withHostKeys(HostKeyPolicy.pinned(stranger))))
                .isInstanceOf(ConnectionException.class)
                .hasMessageContaining("not the pinned key");
    }

    @Test
    void acceptAnyIsExplicit() throws Exception {
        assertThat(SshTarget.builder("h").build().hostKeys()).isInstanceOf(HostKeyPolicy.KnownHosts.class);
        assertThat(whoami(server.target().withHostKeys(HostKeyPolicy.acceptAny()))).isEqualTo("root");
    }

    @Test
    void aClosedPortIsRetriedUntilTheDeadlineThenExplained() {
        SshTarget target = SshTarget.builder("127.0.0.1").port(1).key(server.ed25519Key())
                .hostKeys(HostKeyPolicy.acceptAny()).build();
        assertThatThrownBy(() -> connector.connect(target, Deadline.after(Duration.ofSeconds(2))))
                .isInstanceOf(ConnectionException.class)
                .hasMessageContaining("connection refused")
                .hasMessageContaining("attempts");
    }
}
