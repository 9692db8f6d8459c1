package dev.corral.execute;

import static dev.corral.execute.TestCaseBuilder.test;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import dev.corral.RunId;
import dev.corral.machine.Machine;
import dev.corral.machine.ProvisionContext;
import dev.corral.machine.local.LocalProvisioner;
import dev.corral.results.Outcome;
import dev.corral.results.TestResult;

import org.junit.jupiter.api.Test;

/** The tmt protocol on local machines ({@code --how local}). */
class LocalProtocolTest extends AbstractProtocolContract {
    private SimulatedRebootMachine lastRebootable;

    @Override
    protected Machine provision(Path workspace) throws Exception {
        LocalProvisioner provisioner = new LocalProvisioner(new ProvisionContext(RunId.generate(),
                workspace.resolve("machines")), 1);
        return provisioner.provision(deadline());
    }

    @Override
    protected Machine provisionRebootable(Path workspace) throws Exception {
        lastRebootable = new SimulatedRebootMachine(provision(workspace));
        return lastRebootable;
    }

    @Test
    void rebootsGoThroughTheMachine() throws Exception {
        PreparedMachine rebootable = prepare(provisionRebootable(tmp.resolve("rebootable")));

        TestResult soft = run(rebootable, test("/soft", "[ $TMT_REBOOT_COUNT = 2 ] || tmt-reboot").build()).main();
        assertThat(soft.outcome()).isEqualTo(Outcome.PASS);
        assertThat(lastRebootable.reboots()).isEqualTo(2);
        assertThat(lastRebootable.hardReboots()).isZero();

        TestResult hard = run(rebootable, test("/hard", "[ $TMT_REBOOT_COUNT = 1 ] || exit 5").restartOnExitCode(5)
                .restartWithReboot().build()).main();
        assertThat(hard.outcome()).isEqualTo(Outcome.PASS);
        assertThat(lastRebootable.hardReboots()).isEqualTo(1);
    }
}
