package dev.corral.machine.podman;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The offline test images, built on first use by Corral's image builder when podman does not have them.
 *
 * <ul>
 *   <li>{@code CORRAL_TEST_IMAGE} (system property or environment variable): the plain image, default
 *       {@code localhost/corral-test:debian-12};</li>
 *   <li>{@code CORRAL_TEST_SYSTEMD_IMAGE}: the image booting systemd, default
 *       {@code localhost/corral-test:debian-12-systemd};</li>
 *   <li>{@code CORRAL_IMAGE_BUILDER}: the builder script, default
 *       {@code src/main/resources/dev/corral/image/build-container-image.sh} of this module, called as
 *       {@code build-container-image.sh --name IMAGE [--systemd]}.</li>
 * </ul>
 */
public final class TestImages {
    private static final long BUILD_MINUTES = 30;

    private TestImages() {
    }

    /** The plain image, built if missing. */
    public static String plain() {
        return ensure(setting("CORRAL_TEST_IMAGE", "localhost/corral-test:debian-12"), false);
    }

    /** The systemd image, built if missing. */
    static String systemd() {
        return ensure(setting("CORRAL_TEST_SYSTEMD_IMAGE", "localhost/corral-test:debian-12-systemd"), true);
    }

    private static String setting(String name, String fallback) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            value = System.getenv(name);
        }
        return value == null || value.isBlank() ? fallback : value;
    }

    private static synchronized String ensure(String image, boolean systemd) {
        String problem = PodmanAvailable.problem();
        if (problem != null) {
            fail("podman is required for this test: " + problem + " (run scripts/install-deps)");
        }
        if (run(List.of("podman", "image", "exists", image), 1).exitCode == 0) {
            return image;
        }
        Path builder = Path.of(setting("CORRAL_IMAGE_BUILDER", "src/main/resources/dev/corral/image/build-container-image.sh"));
        if (!Files.isRegularFile(builder)) {
            fail("test image " + image + " is missing and its builder " + builder.toAbsolutePath()
                    + " does not exist; build the image or set CORRAL_IMAGE_BUILDER");
        }
        List<String> argv = new ArrayList<>(List.of("bash", builder.toString(), "--name", image));
        if (systemd) {
            argv.add("--systemd");
        }
        System.err.println("building missing test image " + image + " with " + builder);
        Outcome built = run(argv, BUILD_MINUTES);
        if (built.exitCode != 0) {
            fail("building test image " + image + " failed (exit " + built.exitCode + "):\n" + built.output);
        }
        return image;
    }

    private record Outcome(int exitCode, String output) {
    }

    private static Outcome run(List<String> argv, long minutes) {
        try {
            Path log = Files.createTempFile("corral-image-", ".log");
            try {
                Process p = new ProcessBuilder(argv).redirectErrorStream(true)
                        .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                        .start();
                if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
                    p.destroyForcibly();
                    return new Outcome(-1, String.join(" ", argv) + " did not finish in " + minutes + " min");
                }
                String out = Files.readString(log, StandardCharsets.UTF_8);
                return new Outcome(p.exitValue(), out.length() > 4000 ? out.substring(out.length() - 4000) : out);
            } finally {
                Files.deleteIfExists(log);
            }
        } catch (IOException e) {
            return new Outcome(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(-1, "interrupted");
        }
    }
}
