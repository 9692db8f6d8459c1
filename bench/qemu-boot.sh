#!/usr/bin/env bash
# QEMU boot benchmark: QemuProvisioner's boot-to-ready time next to the guest's own boot time (systemd-analyze:
# kernel + userspace) for the image's boot loader (BIOS + GRUB, as a cloud boots it) and direct kernel boot.
# Needs qemu-system-x86, qemu-utils, genisoimage, openssh-client, and the VM image (built and cached on first use).
# Usage: bench/qemu-boot.sh [boots per mode (default 2)]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
(cd "$root" && mvn -B -q -pl corral-core test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench-test.classpath -Dmdep.includeScope=test >&2)
cp="$root/corral-core/target/test-classes:$root/corral-core/target/classes:$(cat "$root/corral-core/target/bench-test.classpath")"
exec "$JAVA_HOME/bin/java" -cp "$cp" dev.corral.machine.qemu.QemuBootBenchmark "$@"
