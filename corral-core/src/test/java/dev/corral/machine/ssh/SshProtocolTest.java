package dev.corral.machine.ssh;

import java.nio.file.Path;
import java.util.List;

import dev.corral.RunId;
import dev.corral.execute.AbstractProtocolContract;
import dev.corral.execute.SimulatedRebootMachine;
import dev.corral.machine.Machine;
import dev.corral.machine.ProvisionContext;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The tmt protocol over SSH to a real OpenSSH sshd: the same cases as on local machines and in containers.
 * Machines are slots of one host, so they cannot reboot; the reboot protocol over SSH is proven on VMs.
 *
 * <p>The tests log in as a throwaway user whose login shell is {@code /bin/sh}: the protocol needs no root, and
 * root's shell start-up files on a developer machine (pyenv, conda, ...) would cost every command their time.
 */
@ExtendWith(SshTools.class)
class SshProtocolTest extends AbstractProtocolContract {
    private static SshLogin ssh;
    private SshProvisioner provisioner;

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
    protected Machine provision(Path workspace) throws Exception {
        if (provisioner == null) {
            provisioner = new SshProvisioner(new ProvisionContext(RunId.generate(), workspace.resolve("machines")),
                    List.of(new HostSpec(ssh.target(), 4, false, "test")), ssh.connector(), false);
        }
        return provisioner.provision(deadline());
    }

    @Override
    protected Machine provisionRebootable(Path workspace) throws Exception {
        // a host whose reboot is allowed would reboot this machine: prove the protocol with the simulated reboot
        return new SimulatedRebootMachine(provision(workspace));
    }

    @AfterEach
    void release() {
        if (provisioner != null) {
            provisioner.close();
            provisioner = null;
        }
    }
}
