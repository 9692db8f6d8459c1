/**
 * QEMU virtual machines as machines, like a cloud on one host (tmt's {@code qemu}/testcloud provisioner).
 *
 * <ul>
 *   <li>{@link dev.corral.machine.qemu.QemuSpec}: the base qcow2 image and the VM's size, accelerator, login and
 *       boot limit.
 *   <li>{@link dev.corral.machine.qemu.QemuProvisioner}: boots each VM from a qcow2 overlay with a cloud-init
 *       NoCloud seed carrying a fresh SSH key, user-mode networking with SSH forwarded from a loopback port, QMP on a
 *       Unix socket and the serial console in the machine's log directory; pins the host keys cloud-init prints on
 *       the console.
 *   <li>{@link dev.corral.machine.qemu.QemuMachine}: an {@link dev.corral.machine.ssh.SshMachine} (the SSH package's
 *       connection, reconnect and boot-id check are reused) plus soft reboot with a QMP reset as fallback, hard reset,
 *       and release that quits QEMU and removes every private file.
 *   <li>{@link dev.corral.machine.qemu.KvmProbe}: KVM only when a real probe boot works, cached per host kernel and
 *       QEMU version.
 *   <li>{@link dev.corral.machine.qemu.QemuCleanup}, {@link dev.corral.machine.qemu.QemuLeftover}: QEMU processes and
 *       private directories of killed runs, found by the run id in their names.
 * </ul>
 *
 * Host tools: {@code qemu-system-x86_64}, {@code qemu-img}, {@code genisoimage}, {@code ssh-keygen}. Guest: cloud-init
 * with NoCloud (keys are not injected into images without it), sshd, a POSIX shell, {@code tar}.
 */
package dev.corral.machine.qemu;
