#!/usr/bin/env bash
# Runs a benchmark with its temporary files on a fresh ext4 file system with a journal (mkfs.ext4's default, what
# distributions install), made in a file and mounted through a loop device, unmounted and removed at exit.
# This development VM's root ext4 has no journal, and only such an ext4 checks every recently removed inode when it
# hands out a new one (`recently_deleted` in the kernel's inode allocator): there, a run's time depends on how many
# files were removed in the minutes before it. Needs root.
# Usage: bench/on-ext4.sh [size] -- COMMAND [ARGS...]     e.g. bench/on-ext4.sh -- bench/local.sh 100 1000
set -euo pipefail
size=2G
if [ "${1:-}" != -- ]; then size=$1; shift; fi
[ "${1:-}" = -- ] && shift
(($#)) || { echo "usage: $0 [size] -- COMMAND [ARGS...]" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "error: $0 mounts a file system: run it as root" >&2; exit 2; }

image=$(mktemp /var/tmp/corral-bench-ext4.XXXXXX)
mnt=$(mktemp -d /var/tmp/corral-bench-mnt.XXXXXX)
cleanup() {
  mountpoint -q "$mnt" && umount "$mnt"
  rmdir "$mnt" 2>/dev/null || true
  rm -f "$image"
}
trap cleanup EXIT
truncate -s "$size" "$image"
mkfs.ext4 -q -F "$image"
mount -o loop "$image" "$mnt"
echo "temporary files on a journaled ext4 ($size, loop device) at $mnt" >&2
TMPDIR=$mnt "$@"
