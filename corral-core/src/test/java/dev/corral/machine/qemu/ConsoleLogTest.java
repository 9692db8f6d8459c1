package dev.corral.machine.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parsing the serial console: host key blocks amid boot noise, and tails without escape sequences. */
class ConsoleLogTest {
    private static final String ED25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEZJTqfPfmdmmYNpRWRg/st/cVILihDaiinaITrGMmds";
    private static final String ECDSA = "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBF8URKXxohUejPeXfhxm2/VFUZNWWXqrxbBynxtu5/h/eYj22onlVN03II+SpSeigXrbxmgxkXe904eKLgp2ygE=";

    @TempDir
    Path tmp;

    @Test
    void hostKeysComeFromTheFirstCompleteBlockOnly() {
        String console = "[  125.1] cloud-init[367]: ci-info: no authorized SSH keys fingerprints found for user debian.\r\n"
                + "<14>Nov 23 20:07:30 cloud-init: #############################################################\r\n"
                + ConsoleLog.BEGIN_KEYS + "\r\n"
                + ECDSA + " root@qemu-1\r\n"
                + "\u001B[0;32m  OK  \u001B[0m] Started something.\r\n"
                + ED25519 + " root@qemu-1\r\n"
                + ConsoleLog.END_KEYS + "\r\n"
                + ConsoleLog.BEGIN_KEYS + "\n" + "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 root@other\n" + ConsoleLog.END_KEYS + "\n";

        assertThat(ConsoleLog.hostKeys(console)).containsExactly(ECDSA, ED25519);
    }

    @Test
    void anUnfinishedBlockGivesNoKeys() {
        assertThat(ConsoleLog.hostKeys("boot...\n" + ConsoleLog.BEGIN_KEYS + "\n" + ED25519 + " root@x\n")).isEmpty();
        assertThat(ConsoleLog.hostKeys("")).isEmpty();
    }

    @Test
    void tailDropsEscapesAndBlankLines() throws Exception {
        Path file = tmp.resolve("console.log");
        StringBuilder text = new StringBuilder();
        for (int i = 1; i <= 30; i++) {
            text.append("\u001B[0;32m  OK  \u001B[0m] line ").append(i).append("\r\n\r\n");
        }
        Files.writeString(file, text);
        ConsoleLog log = new ConsoleLog(file);

        assertThat(log.tail(3)).containsExactly("  OK  ] line 28", "  OK  ] line 29", "  OK  ] line 30");
        assertThat(log.describeTail(2)).isEqualTo("last lines of the serial console (" + file + "):\n    OK  ] line 29\n    OK  ] line 30");
        assertThat(log.contains("OK  ] line 7")).isTrue();
        assertThat(new ConsoleLog(tmp.resolve("missing.log")).describeTail(5))
                .isEqualTo("the serial console (" + tmp.resolve("missing.log") + ") is empty");
    }
}
