#!/usr/bin/env bash
# QEMU boot benchmark: QemuProvisioner's boot-to-ready time next to the guest's own boot time (systemd-analyze:
# kernel + userspace) for the image's boot loader (BIOS + GRUB, as a cloud boots it) and direct kernel boot.
# Needs qemu-system-x86, qemu-utils, genisoimage, openssh-client, and the VM image (built and cached on first use).
# Usage: bench/qemu-boot.sh [boots per mode (default 2)]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cp="$("$here/classpath.sh" --test)"
exec "$("$here/../scripts/find-jdk")/bin/java" -cp "$cp" dev.corral.machine.qemu.QemuBootBenchmark "$@"
