package dev.corral.machine.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.corral.machine.ProvisionException;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostsFileTest {
    private static final String ED25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJm9s8jnRHPMiKhNkqhQZGDlrwVdsNbpVk27mC2XQcwm";

    @TempDir
    Path dir;
    private Path file;

    @BeforeEach
    void keys() throws IOException {
        file = dir.resolve("hosts.yaml");
        Files.createDirectories(dir.resolve("keys"));
        Files.writeString(dir.resolve("keys/id_test"), "not parsed here\n");
    }

    private List<HostSpec> read(String yaml) throws IOException {
        Files.writeString(file, yaml);
        return HostsFile.read(file, HostKeyPolicy.knownHosts(dir.resolve("known_hosts")));
    }

    private void assertError(String yaml, int line, String... fragments) {
        assertThatThrownBy(() -> read(yaml))
                .isInstanceOf(ProvisionException.class)
                .hasMessageStartingWith(file + ":" + line + ": ")
                .satisfies(e -> assertThat(e.getMessage()).contains(fragments));
    }

    @Test
    void readsHostsWithDefaults() throws IOException {
        List<HostSpec> hosts = read("""
                # the lab
                - host: 192.168.122.10
                  user: tester
                  port: 2222
                  key: keys/id_test
                  slots: 3
                - host: box.example.com
                  password: "se'cret"
                  reboot: true
                  host-key: %s comment
                """.formatted(ED25519));
        assertThat(hosts).hasSize(2);
        HostSpec first = hosts.get(0);
        assertThat(first.target().host()).isEqualTo("192.168.122.10");
        assertThat(first.target().user()).isEqualTo("tester");
        assertThat(first.target().port()).isEqualTo(2222);
        assertThat(first.target().key()).isEqualTo(dir.resolve("keys/id_test"));
        assertThat(first.target().hostKeys()).isEqualTo(HostKeyPolicy.knownHosts(dir.resolve("known_hosts")));
        assertThat(first.slots()).isEqualTo(3);
        assertThat(first.reboot()).isFalse();
        assertThat(first.origin()).isEqualTo(file + ":2");

        HostSpec second = hosts.get(1);
        assertThat(second.target().user()).isEqualTo("root");
        assertThat(second.target().port()).isEqualTo(22);
        assertThat(second.target().password()).isEqualTo("se'cret");
        assertThat(second.target().hostKeys()).isEqualTo(HostKeyPolicy.pinned(ED25519));
        assertThat(second.slots()).isEqualTo(1);
        assertThat(second.reboot()).isTrue();
        assertThat(second.toString()).doesNotContain("se'cret");
    }

    @Test
    void unknownKeysAreNamedWithTheirLine() {
        assertError("- host: a\n  slot: 2\n", 2, "unknown key 'slot'", "slots");
    }

    @Test
    void badValuesAreNamedWithTheirLine() {
        assertError("- host: a\n\n  slots: two\n", 3, "'slots'", "'two'");
        assertError("- host: a\n- host: b\n  port: 70000\n", 3, "'port'", "70000");
        assertError("- host: a\n  reboot: maybe\n", 2, "'reboot'", "maybe");
        assertError("- host: a\n  host-key: not-a-key\n", 2, "host-key", "not an OpenSSH public key");
        assertError("- host: a\n  user: [x]\n", 2, "'user' must be a single value");
    }

    @Test
    void missingOrDuplicateHostsAreReported() {
        assertError("- user: root\n", 1, "missing 'host'");
        assertError("- host: a\n- host: b\n- host: a\n", 3, "listed twice", file + ":1", "slots");
    }

    @Test
    void rebootNeedsASingleSlot() {
        assertError("- host: a\n  slots: 2\n  reboot: true\n", 1, "reboot: true needs slots: 1");
    }

    @Test
    void aMissingKeyFileIsReported() {
        assertError("- host: a\n  key: keys/nope\n", 2, "key file", "keys/nope", "does not exist");
    }

    @Test
    void theFileMustBeAListOfMappings() {
        assertError("host: a\n", 1, "expected a list of hosts");
        assertError("", 1, "expected a list of hosts");
        assertError("- a\n- host: b\n", 1, "expected a mapping");
    }

    @Test
    void yamlSyntaxErrorsNameTheLine() {
        assertError("- host: a\n- host: [b\n  slots: 1\n", 3, "invalid YAML", "expected ',' or ']'");
    }

    @Test
    void aMissingFileIsReported() {
        assertThatThrownBy(() -> HostsFile.read(dir.resolve("nope.yaml"), HostKeyPolicy.knownHosts()))
                .isInstanceOf(ProvisionException.class)
                .hasMessageContaining("nope.yaml: cannot read the hosts file");
    }
}
