package dev.corral.image;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/** Host requirements of the image tests, and a small command runner. */
final class HostTools {
    private HostTools() {
    }

    /**
     * Checks that {@code tools} are on PATH (or in /usr/sbin, /sbin) and that this user is root or has passwordless
     * sudo. When something is missing the test fails under {@code CI=true} and is skipped, with a message, elsewhere.
     */
    static void require(String... tools) {
        List<String> missing = new ArrayList<>();
        for (String tool : tools) {
            if (!onPath(tool)) {
                missing.add(tool);
            }
        }
        if (!isRootOrSudo()) {
            missing.add("root or passwordless sudo");
        }
        if (missing.isEmpty()) {
            return;
        }
        String message = "missing " + String.join(", ", missing) + ": run scripts/install-deps";
        if ("true".equals(System.getenv("CI"))) {
            fail(message);
        }
        Assumptions.abort(message);
    }

    private static boolean onPath(String tool) {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/local/sbin:/usr/sbin:/sbin";
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isRootOrSudo() {
        if ("root".equals(System.getProperty("user.name"))) {
            return true;
        }
        try {
            return run(Duration.ofSeconds(10), "sudo", "-n", "true").exit() == 0;
        } catch (RuntimeException e) {
            return false;
        }
    }

    record Output(int exit, String text) {
    }

    /** Runs a command with stdout and stderr merged; fails the test if it does not finish in time. */
    static Output run(Duration timeout, String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            Thread.Builder.OfVirtual reader = Thread.ofVirtual();
            StringBuilder text = new StringBuilder();
            Thread t = reader.start(() -> {
                try {
                    text.append(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException e) {
                    text.append("<read failed: ").append(e.getMessage()).append('>');
                }
            });
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                fail(String.join(" ", command) + " did not finish within " + timeout);
            }
            t.join(Duration.ofSeconds(5));
            return new Output(process.exitValue(), text.toString());
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command[0] + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command[0], e);
        }
    }

    /** Like {@link #run} but fails the test on a non-zero exit; returns the output. */
    static String check(Duration timeout, String... command) {
        Output out = run(timeout, command);
        if (out.exit() != 0) {
            fail(String.join(" ", command) + " exited with " + out.exit() + ":\n" + out.text());
        }
        return out.text();
    }
}
