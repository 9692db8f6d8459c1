package dev.corral.machine.qemu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.corral.Deadline;
import dev.corral.RunId;
import dev.corral.image.ImageBuilder;
import dev.corral.image.VmImageRequest;
import dev.corral.machine.ProvisionContext;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One VM shared by the QEMU test classes of a test run (booting is the expensive part): the test image built or taken
 * from the cache once, a provisioner of its own run, and one machine booted the default way (BIOS, GRUB). Kept in
 * JUnit's root store and closed, with its provisioner, when the test run ends.
 *
 * <p>Test classes get it as a parameter of a {@code @BeforeAll} method.
 */
final class SharedVm implements AutoCloseable {
    static final Duration BOOT = Duration.ofMinutes(12);
    private static final List<String> BUILD_LOG = new CopyOnWriteArrayList<>();
    private static volatile Path image;

    final Path root;
    final ProvisionContext context;
    final QemuProvisioner provisioner;
    final QemuMachine machine;

    private SharedVm() throws Exception {
        root = Files.createTempDirectory("corral-qemu-test");
        context = new ProvisionContext(RunId.generate(), root.resolve("machines"));
        provisioner = new QemuProvisioner(context, spec().build());
        try {
            machine = provisioner.provision(Deadline.after(BOOT));
        } catch (Exception | Error e) {
            provisioner.close();
            throw e;
        }
    }

    /** The test image: built once per cache, then found at once. */
    static synchronized Path image() throws InterruptedException {
        if (image == null) {
            if ("true".equalsIgnoreCase(System.getenv("CI")) && !QemuTools.missing().isEmpty()) {
                throw new AssertionError("CI=true and QEMU tools are missing: " + QemuTools.missing() + "; run scripts/install-deps");
            }
            try {
                image = ImageBuilder.create().withLog(BUILD_LOG::add)
                        .buildVmImage(VmImageRequest.debian12(), Deadline.after(Duration.ofMinutes(40))).qcow2();
            } catch (RuntimeException e) {
                throw new AssertionError("cannot build the VM test image: " + e.getMessage() + "\n" + String.join("\n", BUILD_LOG), e);
            }
        }
        return image;
    }

    /** A spec for the test image with test-friendly limits. */
    static QemuSpec.Builder spec() throws InterruptedException {
        return QemuSpec.builder(image()).bootTimeout(BOOT);
    }

    @Override
    public void close() throws IOException {
        provisioner.close();
        dev.corral.files.FileTrees.deleteQuietly(root);
    }

    /** Resolves {@link SharedVm} parameters from the root store. */
    static final class Resolver implements ParameterResolver {
        private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedVm.class);

        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == SharedVm.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            return context.getRoot().getStore(NAMESPACE).computeIfAbsent(SharedVm.class, k -> {
                try {
                    return new SharedVm();
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IllegalStateException("cannot boot the shared VM: " + e.getMessage(), e);
                }
            }, SharedVm.class);
        }
    }
}
