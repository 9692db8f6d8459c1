package dev.corral.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.corral.CorralException;
import dev.corral.Deadline;
import dev.corral.image.ContainerImageRequest;
import dev.corral.image.ImageBuilder;
import dev.corral.image.VmImage;
import dev.corral.image.VmImageRequest;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code corral image build}: test images built offline from the distribution's package mirror, cached by inputs. */
@Command(name = "image", mixinStandardHelpOptions = true, description = "Build test images.",
        subcommands = ImageCommand.Build.class)
final class ImageCommand {

    /** Distribution names Corral can build, with their Debian suite. */
    private static final Map<String, String> DISTROS = Map.of("debian-12", "bookworm", "debian-13", "trixie",
            "debian-11", "bullseye");

    @Command(name = "build", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Build a podman image (--container) or a bootable qcow2 cloud-like disk (--vm) offline with"
                    + " debootstrap, cached by its inputs. Needs root.",
                    "The VM image has cloud-init, OpenSSH and bash; QEMU machines boot overlays of it."})
    static final class Build implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Kind kind;

        static final class Kind {
            @Option(names = "--container", description = "A podman image (debootstrap minbase + podman import).")
            boolean container;

            @Option(names = "--vm", description = "A bootable qcow2 disk: GRUB, cloud-init, OpenSSH, serial console.")
            boolean vm;
        }

        @Option(names = "--distro", paramLabel = "NAME", defaultValue = "debian-12",
                description = "Distribution: debian-12 (default), debian-13, debian-11.")
        String distro;

        @Option(names = "--packages", paramLabel = "A,B", split = ",", description = "Extra packages.")
        List<String> packages = new ArrayList<>();

        @Option(names = "--out", paramLabel = "DIR",
                description = "--vm: directory to put the qcow2 (and its kernel, initrd, cmdline) in; default: the cache.")
        Path outDir;

        @Option(names = "--name", paramLabel = "IMAGE", description = "--container: image name (default localhost/corral-test:<distro>).")
        String name;

        @Option(names = "--systemd", description = "--container: with systemd as init, for podman's --systemd mode.")
        boolean systemd;

        @Override
        public Integer call() throws InterruptedException, IOException {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            String suite = DISTROS.get(distro);
            if (suite == null) {
                throw new CorralException("unknown --distro '" + distro + "': expected one of "
                        + String.join(", ", DISTROS.keySet().stream().sorted().toList()));
            }
            ImageBuilder builder = ImageBuilder.create().withLog(line -> {
                err.println(line);
                err.flush();
            });
            Deadline deadline = Deadline.after(Duration.ofHours(1));
            if (kind.container) {
                ContainerImageRequest request = new ContainerImageRequest(suite, systemd, packages,
                        name != null ? name : ContainerImageRequest.debian12().withSystemd(systemd).name());
                out.println(builder.buildContainerImage(request, deadline));
            } else {
                VmImage image = builder.buildVmImage(new VmImageRequest(suite, VmImageRequest.DEFAULT_SIZE, packages),
                        deadline);
                out.println(outDir == null ? image.qcow2() : export(image, outDir));
            }
            out.flush();
            return 0;
        }

        /** Copies the image and its direct-boot files into {@code dir}; returns the qcow2 there. */
        private static Path export(VmImage image, Path dir) throws IOException {
            Files.createDirectories(dir);
            for (Path file : new Path[] {image.kernel(), image.initrd()}) {
                if (file != null) {
                    Files.copy(file, dir.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            String base = image.qcow2().getFileName().toString().replaceFirst("\\.qcow2$", "");
            if (image.kernelCommandLine() != null) {
                Files.writeString(dir.resolve(base + ".cmdline"), image.kernelCommandLine() + "\n");
            }
            Path qcow2 = dir.resolve(image.qcow2().getFileName());
            Files.copy(image.qcow2(), qcow2, StandardCopyOption.REPLACE_EXISTING);
            return qcow2;
        }
    }
}
