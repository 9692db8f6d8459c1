package dev.corral.image;

import java.nio.file.Path;
import java.util.Objects;

import org.apiguardian.api.API;

/**
 * A built VM test image: the qcow2 disk, plus its kernel, initrd and kernel command line for direct kernel boot
 * ({@code -kernel kernel -initrd initrd -append kernelCommandLine}), which skips BIOS and GRUB and so boots faster
 * under TCG. The files are shared and read-only: boot from a qcow2 overlay on {@link #qcow2()}.
 *
 * @param qcow2             the disk image (MBR, GRUB for BIOS, ext4 root)
 * @param kernel            the guest's kernel ({@code IMAGE.vmlinuz} beside the qcow2)
 * @param initrd            the guest's initrd ({@code IMAGE.initrd})
 * @param kernelCommandLine what GRUB passes to the kernel: {@code root=UUID=… ro console=tty0 console=ttyS0,115200n8}
 */
@API(status = API.Status.EXPERIMENTAL)
public record VmImage(Path qcow2, Path kernel, Path initrd, String kernelCommandLine) {

    public VmImage {
        Objects.requireNonNull(qcow2, "qcow2 must not be null");
        Objects.requireNonNull(kernel, "kernel must not be null");
        Objects.requireNonNull(initrd, "initrd must not be null");
        Objects.requireNonNull(kernelCommandLine, "kernelCommandLine must not be null");
    }
}
