#!/usr/bin/env bash
# SSH benchmark: per-exec overhead (sequential, 8 parallel, vs OpenSSH ControlMaster) and tar vs SFTP upload of a
# 500-file tree, against a throwaway local sshd (needs root, openssh-server, openssh-client).
# Usage: bench/ssh.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
(cd "$root" && mvn -B -q -pl corral-core test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench-test.classpath -Dmdep.includeScope=test >&2)
cp="$root/corral-core/target/test-classes:$root/corral-core/target/classes:$(cat "$root/corral-core/target/bench-test.classpath")"
exec "$JAVA_HOME/bin/java" -cp "$cp" dev.corral.machine.ssh.SshBenchmark "$@"
