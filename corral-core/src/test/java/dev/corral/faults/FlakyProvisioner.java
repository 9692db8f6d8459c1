package dev.corral.faults;

import java.util.OptionalInt;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import dev.corral.Deadline;
import dev.corral.machine.Machine;
import dev.corral.machine.ProvisionException;
import dev.corral.machine.Provisioner;

/**
 * A real provisioner whose requests fail with a seeded probability before reaching it, as a flaky cloud API
 * would. Counts the requests that failed and those that gave a machine. Thread-safe.
 */
final class FlakyProvisioner implements Provisioner {
    static final String MESSAGE = "injected provisioning failure";

    private final Provisioner real;
    private final Random random;
    private final double failureRate;
    final AtomicInteger failed = new AtomicInteger();
    final AtomicInteger provisioned = new AtomicInteger();

    FlakyProvisioner(Provisioner real, long seed, double failureRate) {
        this.real = real;
        this.random = new Random(seed);
        this.failureRate = failureRate;
    }

    @Override
    public String how() {
        return real.how();
    }

    @Override
    public Machine provision(Deadline deadline) throws InterruptedException {
        boolean fail;
        synchronized (random) {
            fail = random.nextDouble() < failureRate;
        }
        if (fail) {
            throw new ProvisionException(MESSAGE + " #" + failed.incrementAndGet() + " (quota exceeded)");
        }
        Machine m = real.provision(deadline);
        provisioned.incrementAndGet();
        return m;
    }

    @Override
    public OptionalInt capacity() {
        return real.capacity();
    }

    @Override
    public void close() {
        real.close();
    }
}
