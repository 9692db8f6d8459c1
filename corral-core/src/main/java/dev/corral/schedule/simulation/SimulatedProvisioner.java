package dev.corral.schedule.simulation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;

import dev.corral.Deadline;
import dev.corral.machine.Machine;
import dev.corral.machine.ProvisionException;
import dev.corral.machine.Provisioner;
import dev.corral.schedule.Timebase;

import org.apiguardian.api.API;

/**
 * Provisions {@link SimulatedMachine}s after a simulated delay, with injected failures; counts what it was asked
 * for so tests can check the scheduler's behaviour. Thread-safe; deterministic under a {@link VirtualTimebase}
 * for a given seed.
 *
 * <pre>{@code
 * SimulatedProvisioner pool = SimulatedProvisioner.builder(time)
 *         .name("f40").delay(new LogNormal(Duration.ofSeconds(30), 0.3)).failRequests(1, 2).build();
 * }</pre>
 */
@API(status = API.Status.EXPERIMENTAL)
public final class SimulatedProvisioner implements Provisioner {
    private final Timebase time;
    private final String name;
    private final LogNormal delay;
    private final double failureRate;
    private final Set<Integer> failRequests;
    private final String failAlways;
    private final Integer capacity;
    private final List<Duration> delays;
    private final Random random;
    private final List<SimulatedMachine> machines = new ArrayList<>();
    private int requests;
    private int failures;
    private int held;
    private int peakHeld;
    private int released;

    private SimulatedProvisioner(Builder b) {
        this.time = b.time;
        this.name = b.name;
        this.delay = b.delay;
        this.failureRate = b.failureRate;
        this.failRequests = Set.copyOf(b.failRequests);
        this.failAlways = b.failAlways;
        this.capacity = b.capacity;
        this.delays = List.copyOf(b.delays);
        this.random = new Random(b.seed);
    }

    /** A builder for machines named {@code sim-N} that are ready at once and never fail. */
    public static Builder builder(Timebase time) {
        return new Builder(time);
    }

    @Override
    public String how() {
        return "simulated";
    }

    @Override
    public Machine provision(Deadline deadline) throws InterruptedException {
        int n;
        Duration wait;
        boolean fail;
        synchronized (this) {
            n = ++requests;
            wait = n <= delays.size() ? delays.get(n - 1) : delay.sample(random);
            fail = failAlways != null || failRequests.contains(n) || (failureRate > 0 && random.nextDouble() < failureRate);
        }
        time.sleep(wait);
        synchronized (this) {
            if (fail) {
                failures++;
                throw new ProvisionException(failAlways != null ? failAlways
                        : "simulated provisioning failure of request " + n + " for " + name);
            }
            SimulatedMachine m = new SimulatedMachine(name + "-" + n, this);
            machines.add(m);
            held++;
            peakHeld = Math.max(peakHeld, held);
            return m;
        }
    }

    synchronized void released(SimulatedMachine m) {
        held--;
        released++;
    }

    @Override
    public OptionalInt capacity() {
        return capacity == null ? OptionalInt.empty() : OptionalInt.of(capacity);
    }

    @Override
    public void close() {
        for (SimulatedMachine m : machines()) {
            m.close();
        }
    }

    /** Requests received. */
    public synchronized int requests() {
        return requests;
    }

    /** Requests that failed. */
    public synchronized int failures() {
        return failures;
    }

    /** Machines held now (provisioned, not released). */
    public synchronized int held() {
        return held;
    }

    /** The most machines held at once. */
    public synchronized int peakHeld() {
        return peakHeld;
    }

    /** Machines released. */
    public synchronized int released() {
        return released;
    }

    /** Every machine provisioned, in order. */
    public synchronized List<SimulatedMachine> machines() {
        return List.copyOf(machines);
    }

    /** The machine with this id. */
    public synchronized SimulatedMachine machine(String id) {
        return machines.stream().filter(m -> m.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no machine " + id));
    }

    /** Configures a {@link SimulatedProvisioner}. */
    @API(status = API.Status.EXPERIMENTAL)
    public static final class Builder {
        private final Timebase time;
        private String name = "sim";
        private LogNormal delay = new LogNormal(Duration.ZERO, 0);
        private double failureRate;
        private final Set<Integer> failRequests = new HashSet<>();
        private String failAlways;
        private Integer capacity;
        private final List<Duration> delays = new ArrayList<>();
        private long seed = 1;

        private Builder(Timebase time) {
            this.time = Objects.requireNonNull(time, "time must not be null");
        }

        /** Prefix of machine ids. */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name);
            return this;
        }

        /** Provisioning takes exactly this long. */
        public Builder delay(Duration fixed) {
            this.delay = new LogNormal(fixed, 0);
            return this;
        }

        /** Request {@code n} (1-based) takes {@code perRequest[n-1]}; later ones take the default delay. */
        public Builder delays(Duration... perRequest) {
            delays.addAll(List.of(perRequest));
            return this;
        }

        /** Provisioning takes a log-normal time. */
        public Builder delay(LogNormal distribution) {
            this.delay = Objects.requireNonNull(distribution);
            return this;
        }

        /** Each request fails with this probability. */
        public Builder failureRate(double p) {
            this.failureRate = p;
            return this;
        }

        /** These requests (1-based, in the order received) fail. */
        public Builder failRequests(int... numbers) {
            for (int n : numbers) {
                failRequests.add(n);
            }
            return this;
        }

        /** Every request fails with this message, like a provisioner whose backend is missing. */
        public Builder failAlways(String message) {
            this.failAlways = Objects.requireNonNull(message);
            return this;
        }

        /** The most machines it can hold at once. */
        public Builder capacity(int n) {
            this.capacity = n;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public SimulatedProvisioner build() {
            return new SimulatedProvisioner(this);
        }
    }
}
