#!/usr/bin/env bash
# SSH benchmark: per-exec overhead (sequential, 8 parallel, vs OpenSSH ControlMaster) and tar vs SFTP upload of a
# 500-file tree, against a throwaway local sshd (needs root, openssh-server, openssh-client).
# Usage: bench/ssh.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cp="$("$here/classpath.sh" --test)"
exec "$("$here/../scripts/find-jdk")/bin/java" -cp "$cp" dev.corral.machine.ssh.SshBenchmark "$@"
