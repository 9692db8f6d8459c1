package dev.corral.machine.ssh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.Function;

import dev.corral.machine.ProvisionContext;
import dev.corral.machine.Provisioner;
import dev.corral.run.AbstractSecretsContract;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Secrets over SSH to a real OpenSSH sshd on the loopback: the environment travels in the command's standard
 * input, never on the remote command line. The sshd and the test's processes run on this host, so the host's
 * scan of {@code /proc/*}{@code /cmdline} covers the machine's side too.
 */
@ExtendWith(SshTools.class)
class SshSecretsTest extends AbstractSecretsContract {
    private static SshLogin ssh;

    @BeforeAll
    static void start() throws Exception {
        ssh = SshLogin.start("/bin/sh");
    }

    @AfterAll
    static void stop() {
        if (ssh != null) {
            ssh.close();
        }
    }

    @Override
    protected Function<ProvisionContext, Provisioner> provisioner() {
        try {
            HostSpec host = new HostSpec(ssh.target(), 1, false, "test");
            return ctx -> new SshProvisioner(ctx, List.of(host), ssh.connector(), false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
