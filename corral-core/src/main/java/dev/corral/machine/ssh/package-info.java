/**
 * Machines reached over SSH: tmt's {@code connect} provisioner and the connection QEMU VMs reuse.
 *
 * <ul>
 *   <li>{@link dev.corral.machine.ssh.SshConnector}: the one MINA SSHD client of an application or provisioner.
 *   <li>{@link dev.corral.machine.ssh.SshTarget}, {@link dev.corral.machine.ssh.HostKeyPolicy},
 *       {@link dev.corral.machine.ssh.SshOptions}: where to go, how to check the host, how to keep the link.
 *   <li>{@link dev.corral.machine.ssh.SshConnection}: one session per host (shared by the connections of its
 *       slots), commands and tar transfers over channels (one kept ready ahead of time), keepalive, reconnect,
 *       deadlines honoured by killing the remote process group and the daemons carrying the command's token,
 *       environment passed off the command line.
 *   <li>{@link dev.corral.machine.ssh.SshMachine}: work directory, capabilities, reboot with boot-id check.
 *   <li>{@link dev.corral.machine.ssh.SshProvisioner}, {@link dev.corral.machine.ssh.HostSpec},
 *       {@link dev.corral.machine.ssh.HostsFile}: the static pool ({@code --guest}, {@code --hosts FILE}).
 * </ul>
 *
 * Remote hosts need a POSIX login shell, {@code /bin/sh}, {@code tar}, {@code grep -z} (to find a killed
 * command's daemons in {@code /proc}) and (for reboots) Linux's boot id.
 */
package dev.corral.machine.ssh;
