package dev.corral.machine.qemu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.corral.machine.ProvisionException;

/**
 * The QEMU command line of one VM: user-mode network with SSH forwarded from a loopback port, QMP on a Unix
 * socket, the serial console to a file, the overlay and the NoCloud seed on virtio disks, a virtio RNG (entropy
 * for sshd and the kernel's random pool, which otherwise stalls early boot under TCG).
 *
 * @param name    the VM's name, {@code corral-<run>-<machine>}: shown by {@code ps}, found by {@link QemuCleanup}
 * @param files   the VM's files
 * @param kvm     whether to use KVM (with the host's CPU model) rather than TCG
 * @param sshPort the loopback port forwarded to the guest's port 22
 */
record QemuArgs(String name, VmFiles files, boolean kvm, int sshPort) {

    /** The argument vector, program first. */
    List<String> argv(QemuSpec spec) {
        List<String> argv = new ArrayList<>(List.of(KvmProbe.QEMU,
                "-name", "guest=" + escape(name) + ",process=" + escape(name),
                "-machine", "pc", "-accel", kvm ? "kvm" : "tcg"));
        if (kvm) {
            argv.addAll(List.of("-cpu", "host"));
        }
        argv.addAll(List.of(
                "-m", Integer.toString(spec.memoryMiB()),
                "-smp", Integer.toString(spec.cpus()),
                "-nodefaults", "-no-user-config", "-display", "none",
                "-chardev", "file,id=console,path=" + escape(files.console().toString()),
                "-serial", "chardev:console",
                "-qmp", "unix:" + escape(files.qmpSocket().toString()) + ",server=on,wait=off",
                "-drive", "file=" + escape(files.overlay().toString()) + ",if=virtio,format=qcow2,cache=unsafe,discard=unmap",
                "-drive", "file=" + escape(files.seed().toString()) + ",if=virtio,format=raw,readonly=on",
                "-nic", "user,model=virtio-net-pci,hostfwd=tcp:127.0.0.1:" + sshPort + "-:22",
                "-device", "virtio-rng-pci"));
        if (spec.directKernelBoot()) {
            String base = spec.image().toString().replaceFirst("\\.qcow2$", "");
            String cmdline;
            try {
                cmdline = Files.readString(Path.of(base + ".cmdline")).strip();
            } catch (IOException e) {
                throw new ProvisionException("direct kernel boot needs " + base + ".cmdline beside the image: " + e.getMessage(), e);
            }
            argv.addAll(List.of("-kernel", base + ".vmlinuz", "-initrd", base + ".initrd", "-append", cmdline));
        }
        argv.addAll(spec.extraArgs());
        return List.copyOf(argv);
    }

    /** A value for a QEMU option list: commas doubled. */
    static String escape(String value) {
        return value.replace(",", ",,");
    }
}
