package dev.corral.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start-up cache's training workload must keep exercising working command lines. */
class TrainingTest {

    @TempDir
    Path tmp;

    @Test
    void everyTrainingCommandSucceeds() throws Exception {
        assertThat(Training.run(tmp.resolve("fmf"), false)).hasSize(5).containsOnly(0);
        assertThat(Training.run(tmp, true)).hasSize(12).containsOnly(0);
        assertThat(tmp.resolve("results")).isDirectory();
    }
}
