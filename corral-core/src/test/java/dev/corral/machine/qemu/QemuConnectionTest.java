package dev.corral.machine.qemu;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import dev.corral.Deadline;
import dev.corral.machine.Command;
import dev.corral.machine.Connection;
import dev.corral.machine.ConnectionContract;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The connection contract over SSH into the shared real VM. */
@ExtendWith({QemuTools.class, SharedVm.Resolver.class})
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class QemuConnectionTest extends ConnectionContract {
    private static QemuMachine vm;
    private static String scratch;

    @BeforeAll
    static void boot(SharedVm shared) throws InterruptedException {
        vm = shared.machine;
        scratch = vm.workDir() + "/contract";
        vm.connection().exec(Command.of("mkdir", "-p", scratch), Deadline.after(Duration.ofMinutes(2))).orThrow("mkdir");
    }

    @Override
    protected Connection connection() {
        return vm.connection();
    }

    @Override
    protected String scratchDir() {
        return scratch;
    }
}
