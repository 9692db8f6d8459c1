package dev.corral.run;

import java.util.function.Function;

import dev.corral.machine.ProvisionContext;
import dev.corral.machine.Provisioner;
import dev.corral.machine.local.LocalProvisioner;

/** Secrets on local machines (processes of the JVM's user). */
class LocalSecretsTest extends AbstractSecretsContract {
    @Override
    protected Function<ProvisionContext, Provisioner> provisioner() {
        return ctx -> new LocalProvisioner(ctx, 1);
    }
}
