#!/usr/bin/env bash
# Builds Corral's offline VM test image: a bootable qcow2 like a distro cloud image, without loop devices or mounts.
#
# Usage: build-vm-image.sh [--suite SUITE] [--size SIZE] [--packages A,B] [--output FILE] [--force]
#   --suite SUITE    Debian suite (default bookworm)
#   --size SIZE      virtual disk size for truncate(1) (default 4G); cloud-init grows the root partition when an
#                    overlay is made bigger
#   --packages A,B   extra packages
#   --output FILE    where to write the image (default: the cache, see below)
#   --force          rebuild even when cached
# Prints the qcow2 path on stdout; logs go to stderr.
#
# The image: MBR disk, partition 1 = ext4 root (label corral-root), GRUB for BIOS booting straight into
# linux-image-cloud-amd64 with console=ttyS0, systemd, cloud-init (NoCloud, then None), openssh-server, sudo.
# Networking: systemd-networkd, DHCP on every en*/eth* link (cloud-init's own config wins where it writes one).
# Access: seed user-data `ssh_authorized_keys` go to the default user `debian` (sudo without password) and, as
# disable_root is false, to `root` too. Host keys are made on first boot and printed to the console by cloud-init.
#
# Beside IMAGE.qcow2: IMAGE.vmlinuz, IMAGE.initrd and IMAGE.cmdline (one line) for direct kernel boot.
#
# Cache: ${XDG_CACHE_HOME:-~/.cache}/corral/images/debian-<release>-<hash of the inputs>.qcow2; .debs in
# …/corral/debs/. Needs root (or passwordless sudo) for debootstrap and for reading the root file system.
# Environment: CORRAL_CACHE_DIR (cache root), CORRAL_DEBIAN_MIRROR (default http://deb.debian.org/debian).

. "$(dirname "$(readlink -f "$0")")/image-lib.sh"

BUILDER_VERSION=1
suite=bookworm size=4G extra="" output="" force=0
while (($#)); do
  case $1 in
    --suite) suite=$2; shift 2 ;;
    --size) size=$2; shift 2 ;;
    --packages) extra=$2; shift 2 ;;
    --output) output=$2; shift 2 ;;
    --force) force=1; shift ;;
    -h|--help) sed -n '2,/^$/s/^# \{0,1\}//p' "$0" >&2; exit 0 ;;
    *) die "unknown argument '$1' (try --help)" ;;
  esac
done
[[ $(uname -m) == x86_64 ]] || die "only x86_64 images are supported (this is $(uname -m))"

declare -A release=([bookworm]=12 [trixie]=13 [bullseye]=11)
# debootstrap cannot resolve virtual packages, hence python3-cffi-backend (for python3-cryptography).
packages="linux-image-cloud-amd64,initramfs-tools,systemd-sysv,udev,dbus,cloud-init,cloud-guest-utils,python3-cffi-backend"
packages+=",openssh-server,sudo,bash,procps,iproute2,e2fsprogs,zstd,grub-pc-bin"
[[ -n $extra ]] && packages+=",$extra"
size_bytes=$(numfmt --from=iec "${size%B}") || die "--size '$size' is not a size like 4G or 4294967296"
key=$(key_of "vm" "$BUILDER_VERSION" "$suite" "$packages" "$size_bytes")
output=${output:-$CORRAL_CACHE/images/debian-${release[$suite]:-$suite}-$key.qcow2}

need flock sha256sum qemu-img sfdisk mke2fs truncate dd numfmt
if ((!force)) && [[ -s $output ]]; then
  log "$output is up to date (key $key)"
  result "$output"
  exit 0
fi
with_lock "$CORRAL_CACHE/locks/vm-$key.lock"
if ((!force)) && [[ -s $output ]]; then # built by the holder of the lock we waited for
  result "$output"
  exit 0
fi

work="$CORRAL_CACHE/work/vm-$key"
trap 'remove_tree "$work"' EXIT
trap 'exit 143' TERM
trap 'exit 130' INT
remove_tree "$work"
mkdir -p "$work" "$(dirname "$output")"
root="$work/root"
start=$SECONDS

debootstrap_into "$root" "$suite" "$packages"
log "debootstrap done in $((SECONDS - start)) s; configuring"

uuid=$(cat /proc/sys/kernel/random/uuid)
cmdline="root=UUID=$uuid ro console=tty0 console=ttyS0,115200n8"

# No boot-time fsck (pass 0): machines run on throw-away overlays, and fsck sits on the boot's critical path.
write_file "$root/etc/fstab" 644 <<END
UUID=$uuid / ext4 errors=remount-ro 0 0
END
write_file "$root/etc/hostname" 644 <<<"corral"
write_file "$root/etc/hosts" 644 <<END
127.0.0.1 localhost
::1 localhost ip6-localhost ip6-loopback
END

# Networking without ifupdown or netplan: networkd DHCP on any ethernet link.
write_file "$root/etc/systemd/network/99-corral-dhcp.network" 644 <<END
# Corral: DHCP on every ethernet link that has no more specific .network file (cloud-init writes 10-*).
[Match]
Name=en* eth*

[Network]
DHCP=yes
END
write_file "$root/etc/systemd/system/systemd-networkd-wait-online.service.d/corral.conf" 644 <<END
[Service]
ExecStart=
ExecStart=/lib/systemd/systemd-networkd-wait-online --any --timeout=30
END

write_file "$root/etc/cloud/cloud.cfg.d/90-corral.cfg" 644 <<END
# Corral test image defaults.
datasource_list: [NoCloud, None]
# Keys from user-data also go to root (Debian's default would only print "Please login as the user debian").
disable_root: false
manage_etc_hosts: true
# RSA and DSA key generation takes tens of seconds under TCG.
ssh_genkeytypes: [ed25519, ecdsa]
END
# Modules that do nothing useful on an offline test image but cost boot time (each one is imported by Python).
as_root sed -i -E '/^ - (snap|ssh-import-id|keyboard|locale|grub-dpkg|apt-pipelining|apt-configure|ntp|byobu|fan|landscape|lxd|puppet|chef|mcollective|salt-minion|reset_rmc|refresh_rmc_and_interface|rightscale_userdata|ubuntu-advantage|ubuntu_advantage|ubuntu-drivers|phone-home)$/d' \
  "$root/etc/cloud/cloud.cfg"

# Host keys are made per machine on first boot (cloud-init; ssh-keygen -A as a fallback without cloud-init).
as_root rm -f "$root"/etc/ssh/ssh_host_*
write_file "$root/etc/systemd/system/ssh.service.d/corral.conf" 644 <<END
[Service]
ExecStartPre=
ExecStartPre=/bin/sh -c 'ls /etc/ssh/ssh_host_*_key >/dev/null 2>&1 || ssh-keygen -q -t ed25519 -N "" -f /etc/ssh/ssh_host_ed25519_key'
ExecStartPre=/usr/sbin/sshd -t
END
write_file "$root/etc/ssh/sshd_config.d/corral.conf" 644 <<END
PasswordAuthentication no
HostKey /etc/ssh/ssh_host_ed25519_key
HostKey /etc/ssh/ssh_host_ecdsa_key
END

# A smaller initramfs with the disk drivers QEMU offers (IDE, AHCI, virtio-blk/scsi, NVMe) boots faster.
write_file "$root/etc/initramfs-tools/conf.d/corral.conf" 644 <<END
MODULES=list
RESUME=none
END
write_file "$root/etc/initramfs-tools/modules" 644 <<END
virtio_pci
virtio_blk
virtio_scsi
sd_mod
ata_piix
ata_generic
ahci
nvme
END
# Nested virtualisation is of no use in a test VM, and loading kvm costs seconds under TCG.
write_file "$root/etc/modprobe.d/corral.conf" 644 <<END
blacklist kvm
blacklist kvm_amd
blacklist kvm_intel
END
as_root chroot "$root" update-initramfs -u -k all

as_root chroot "$root" systemctl enable systemd-networkd.service
for u in apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer e2scrub_reap.service fstrim.timer man-db.timer \
    systemd-pstore.service systemd-binfmt.service proc-sys-fs-binfmt_misc.automount; do
  if [[ -e $root/lib/systemd/system/$u || -e $root/usr/lib/systemd/system/$u ]]; then
    as_root chroot "$root" systemctl mask "$u"
  fi
done

[[ -e $root/vmlinuz && -e $root/initrd.img ]] || die "the kernel package left no /vmlinuz or /initrd.img link"

# GRUB for BIOS, assembled by hand (grub-bios-setup would need a block device): the guest's own GRUB modules
# make core.img, which goes right after the MBR; boot.img's first 440 bytes go into the MBR.
write_file "$root/boot/grub/grub.cfg" 644 <<END
# Corral: no menu, no timeout. Edit the kernel command line here.
serial --unit=0 --speed=115200
terminal_input serial console
terminal_output serial console
echo "corral: GRUB loading Linux"
linux /vmlinuz $cmdline
initrd /initrd.img
boot
END
write_file "$work/early.cfg" 644 <<END
search --no-floppy --fs-uuid --set=root $uuid
set prefix=(\$root)/boot/grub
END
as_root cp "$work/early.cfg" "$root/tmp/corral-early.cfg"
as_root chroot "$root" grub-mkimage -O i386-pc -o /tmp/corral-core.img -c /tmp/corral-early.cfg \
  -p '(hd0,msdos1)/boot/grub' biosdisk part_msdos ext2 search search_fs_uuid configfile normal linux echo \
  serial terminal test
as_root cp "$root/tmp/corral-core.img" "$work/core.img"
as_root cp "$root/usr/lib/grub/i386-pc/boot.img" "$work/boot.img"
as_root cp -L "$root/vmlinuz" "$work/vmlinuz"
as_root cp -L "$root/initrd.img" "$work/initrd.img"
as_root rm -f "$root/tmp/corral-core.img" "$root/tmp/corral-early.cfg"

write_file "$root/etc/corral-image" 644 <<END
key=$key
builder_version=$BUILDER_VERSION
suite=$suite
packages=$packages
built=$(date -u +%Y-%m-%dT%H:%M:%SZ)
END
slim_root "$root"

# The disk: MBR, partition 1 from 1 MiB to the end, ext4 filled from the directory (no mount needed).
log "making the disk"
raw="$work/disk.raw" fs="$work/root.ext4"
truncate -s "$size_bytes" "$raw"
disk_bytes=$(stat -c %s "$raw")
fs_bytes=$(((disk_bytes - 1048576) / 4096 * 4096))
# Conservative ext4 features that GRUB 2.06 and Linux 5.10+ read, whatever this host's mke2fs defaults are.
cat >"$work/mke2fs.conf" <<END
[fs_types]
	ext4 = {
		features = has_journal,extent,huge_file,flex_bg,metadata_csum,64bit,dir_nlink,extra_isize,sparse_super,filetype,resize_inode,dir_index,large_file
		inode_size = 256
	}
END
as_root env MKE2FS_CONFIG="$work/mke2fs.conf" mke2fs -q -F -t ext4 -L corral-root -U "$uuid" \
  -E lazy_itable_init=0,lazy_journal_init=0 -d "$root" "$fs" "$((fs_bytes / 1024))k"
printf 'label: dos\nstart=2048, type=83, bootable\n' | sfdisk -q "$raw"
as_root dd if="$fs" of="$raw" bs=1M seek=1 conv=notrunc,sparse status=none
as_root rm -f "$fs"
core_size=$(stat -c %s "$work/core.img")
((core_size <= 2047 * 512)) || die "GRUB core.img is too big for the gap before partition 1 ($core_size bytes)"
dd if="$work/boot.img" of="$raw" bs=440 count=1 conv=notrunc status=none
printf '\x90\x90' | dd of="$raw" bs=1 seek=$((0x66)) conv=notrunc status=none # drop the floppy drive check
dd if="$work/core.img" of="$raw" bs=512 seek=1 conv=notrunc status=none

# The kernel, initrd and command line beside the image, for direct kernel boot (-kernel/-initrd/-append): it skips
# BIOS and GRUB, which read the kernel through BIOS disk calls, slowly under TCG.
base=${output%.qcow2}
as_root cat "$work/vmlinuz" >"$base.vmlinuz.part"
as_root cat "$work/initrd.img" >"$base.initrd.part"
printf '%s\n' "$cmdline" >"$base.cmdline.part"

log "converting to qcow2"
qemu-img convert -f raw -O qcow2 -c "$raw" "$output.part"
for f in vmlinuz initrd cmdline; do mv -f "$base.$f.part" "$base.$f"; done
mv -f "$output.part" "$output" # last: the qcow2 existing means the whole set is complete
log "built $output in $((SECONDS - start)) s ($(du -h "$output" | cut -f1) on disk, $size virtual)"
result "$output"
