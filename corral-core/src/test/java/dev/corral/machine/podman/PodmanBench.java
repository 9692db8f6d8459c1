package dev.corral.machine.podman;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.corral.Deadline;
import dev.corral.machine.Command;
import dev.corral.machine.Machine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Figures for the podman backend, printed side by side; not part of the normal suite (the class name matches no
 * surefire pattern). Run with {@code scripts/test -pl corral-core -Dtest=PodmanBench} and read
 * {@code target/surefire-reports/dev.corral.machine.podman.PodmanBench-output.txt}.
 */
@ExtendWith(PodmanAvailable.class)
class PodmanBench {
    private static final int PARALLEL = 8;
    private static final int EXECS = 100;
    private static final int FILES = 500;
    private static final int ROUNDS = 7;

    @TempDir
    Path tmp;

    private static Deadline minutes(long n) {
        return Deadline.after(Duration.ofMinutes(n));
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static void report(String format, Object... args) {
        System.out.println("BENCH " + String.format(Locale.ROOT, format, args));
    }

    @Test
    void provisioningInParallel() throws Exception {
        PodmanSpec spec = PodmanSpec.builder(TestImages.plain()).pull(PodmanSpec.Pull.NEVER).build();
        try (TestRun run = new TestRun(tmp.resolve("machines"))) {
            PodmanProvisioner provisioner = run.provisioner(spec);
            long one = System.nanoTime();
            provisioner.provision(minutes(3)).close();
            one = System.nanoTime() - one;

            long start = System.nanoTime();
            List<Future<Machine>> pending = new ArrayList<>();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < PARALLEL; i++) {
                    pending.add(pool.submit(() -> provisioner.provision(minutes(5))));
                }
            }
            long all = System.nanoTime() - start;
            List<Machine> machines = new ArrayList<>();
            for (Future<Machine> f : pending) {
                machines.add(f.get());
            }
            for (Machine m : machines) {
                assertThat(m.connection().exec(Command.of("true"), minutes(1)).succeeded()).isTrue();
            }
            report("provision: 1 container %.0f ms; %d in parallel, all ready after %.0f ms (%.0f ms each on average)",
                    ms(one), PARALLEL, ms(all), ms(all) / PARALLEL);
            long close = System.nanoTime();
            provisioner.close();
            report("close: %d containers removed in %.0f ms", PARALLEL, ms(System.nanoTime() - close));
        }
    }

    @Test
    void execOverheadAndUploads() throws Exception {
        PodmanSpec spec = PodmanSpec.builder(TestImages.plain()).pull(PodmanSpec.Pull.NEVER).build();
        try (TestRun run = new TestRun(tmp.resolve("machines"))) {
            Machine machine = run.provisioner(spec).provision(minutes(3));
            String container = ((PodmanMachine) machine).container();
            // warm-up
            for (int i = 0; i < 5; i++) {
                machine.connection().exec(Command.of("true"), minutes(1)).orThrow("true");
                podman("exec", container, "true");
            }
            // interleaved, so that load from elsewhere hits both alike
            long wrapped = 0;
            long raw = 0;
            for (int i = 0; i < EXECS; i++) {
                long t0 = System.nanoTime();
                machine.connection().exec(Command.builder("true").env("SOME_VARIABLE", "value " + i).build(), minutes(1))
                        .orThrow("true");
                long t1 = System.nanoTime();
                podman("exec", container, "true");
                long t2 = System.nanoTime();
                wrapped += t1 - t0;
                raw += t2 - t1;
            }
            report("exec: 'true' x %d through PodmanConnection %.0f ms (%.1f ms each); plain 'podman exec' %.0f ms"
                    + " (%.1f ms each); wrapper costs %.1f ms per command", EXECS, ms(wrapped), ms(wrapped) / EXECS,
                    ms(raw), ms(raw) / EXECS, (ms(wrapped) - ms(raw)) / EXECS);

            Path tree = tree(tmp.resolve("tree"));
            long[] tar = new long[ROUNDS];
            long[] cp = new long[ROUNDS];
            for (int round = 0; round < ROUNDS; round++) {
                String viaTar = machine.workDir() + "/tar-" + round;
                String viaCp = machine.workDir() + "/cp-" + round;
                // alternate which goes first, so that caches and load favour neither
                for (int turn = 0; turn < 2; turn++) {
                    long t0 = System.nanoTime();
                    if ((round + turn) % 2 == 0) {
                        machine.connection().upload(tree, viaTar, minutes(2));
                        tar[round] = System.nanoTime() - t0;
                    } else {
                        podman("exec", container, "mkdir", "-p", viaCp);
                        podman("cp", tree + "/.", container + ":" + viaCp);
                        cp[round] = System.nanoTime() - t0;
                    }
                }
                String sums = "cd \"$1\" && find . -type f -exec sha256sum {} + | sort | sha256sum";
                String a = machine.connection().exec(Command.of("sh", "-c", sums, "x", viaTar), minutes(1)).stdout();
                String b = machine.connection().exec(Command.of("sh", "-c", sums, "x", viaCp), minutes(1)).stdout();
                assertThat(a).isEqualTo(b);
                assertThat(machine.connection().exec(Command.of("readlink", viaTar + "/link"), minutes(1)).stdout())
                        .isEqualTo("d0/sub/f0.txt\n");
            }
            report("upload of %d files, median of %d: tar pipe %.0f ms, podman cp (with its mkdir) %.0f ms; cp/tar = %.2f",
                    FILES, ROUNDS, ms(median(tar)), ms(median(cp)), (double) median(cp) / median(tar));
            machine.close();
        }
    }

    /** {@value #FILES} files in 20 directories, 0 to 8 KiB each, some executable, plus a symlink. */
    private static Path tree(Path root) throws IOException {
        Random random = new Random(42);
        for (int i = 0; i < FILES; i++) {
            Path file = root.resolve("d" + (i % 20)).resolve("sub").resolve("f" + i + ".txt");
            Files.createDirectories(file.getParent());
            byte[] data = new byte[random.nextInt(8192)];
            random.nextBytes(data);
            Files.write(file, data);
            if (i % 10 == 0) {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
        Files.createSymbolicLink(root.resolve("link"), Path.of("d0/sub/f0.txt"));
        return root;
    }

    private static void podman(String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("podman"));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", argv)).isZero();
    }
}
