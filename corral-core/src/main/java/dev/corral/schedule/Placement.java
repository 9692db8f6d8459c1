package dev.corral.schedule;

import org.apiguardian.api.API;

/**
 * Where an {@link Ordering} puts one test: its rank (lower is dispatched first; ties keep discovery order) and
 * its lane. Lane {@link #ANY} means any machine; lanes {@code 0..machines-1} split the tests up front between
 * machines, as naive static runners do.
 *
 * @param rank the test's position in the order
 * @param lane the machine lane, or {@link #ANY}
 */
@API(status = API.Status.EXPERIMENTAL)
public record Placement(int rank, int lane) {
    /** The lane of a test that may run on any machine. */
    public static final int ANY = -1;

    public Placement {
        if (lane < ANY) {
            throw new IllegalArgumentException("lane must be >= -1, was " + lane);
        }
    }

    /** A test that runs on the first free machine. */
    public static Placement anyMachine(int rank) {
        return new Placement(rank, ANY);
    }
}
