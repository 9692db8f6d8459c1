package dev.corral.schedule.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole point of the scheduler, in deterministic virtual time: 200 log-normal tests on 8 machines finish near
 * the lower bound once the history knows the durations, and better than a static split.
 */
class MakespanSimulationTest {

    @Test
    void withHistoryTheRunEndsNearTheLowerBound(@TempDir Path root) {
        Makespan.Result first = Makespan.simulate(Makespan.Mode.DYNAMIC, root, 200, 8, 42, new VirtualTimebase());
        Makespan.Result second = Makespan.simulate(Makespan.Mode.DYNAMIC, root, 200, 8, 42, new VirtualTimebase());
        Makespan.Result naive = Makespan.simulate(Makespan.Mode.STATIC, null, 200, 8, 42, new VirtualTimebase());

        assertThat(second.ratio()).isLessThanOrEqualTo(1.05);
        assertThat(second.ratio()).isLessThanOrEqualTo(first.ratio());
        assertThat(naive.ratio()).isGreaterThan(second.ratio());
        assertThat(first.lowerBound()).isEqualTo(second.lowerBound());
    }

    @Test
    void theSameSeedGivesTheSameRun(@TempDir Path a, @TempDir Path b) {
        Makespan.Result one = Makespan.simulate(Makespan.Mode.DYNAMIC, a, 100, 4, 7, new VirtualTimebase());
        Makespan.Result two = Makespan.simulate(Makespan.Mode.DYNAMIC, b, 100, 4, 7, new VirtualTimebase());
        assertThat(one.makespan()).isEqualTo(two.makespan());
        assertThat(one.placements()).isEqualTo(two.placements());
        assertThat(one.makespan()).isGreaterThan(Duration.ZERO);
    }
}
