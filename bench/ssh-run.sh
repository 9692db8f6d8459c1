#!/usr/bin/env bash
# Benchmark: N trivial tests (test: "true") on ONE SSH host (--how connect --workers 1), as a whole `corral run`
# process, so the figure is Corral's own overhead per test over SSH (discovery, dispatch, one tar upload, one
# exec and one tar download per test, journal, reports).
# The host is a throwaway OpenSSH sshd on a free loopback port with generated host and user keys; the login is a
# throwaway user whose login shell is /bin/sh (root's start-up files would be measured otherwise). Everything is
# removed at exit. Needs root, openssh-server, ssh-keygen, python3.
# Compared with tmt over SSH: about 2.6 s per trivial test (quoted; tmt cannot be installed here).
# Usage: bench/ssh-run.sh [tests] [rounds]      (default: 100 tests, 3 rounds; the median round is reported)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
n=${1:-100}
rounds=${2:-3}
tmt_per_test_ms=2600

[ "$(id -u)" = 0 ] || { echo "error: run as root (creates a user and starts sshd)" >&2; exit 2; }
for tool in /usr/sbin/sshd ssh-keygen python3 useradd userdel; do
  command -v "$tool" >/dev/null || { echo "error: $tool is missing (install openssh-server)" >&2; exit 2; }
done

work=$(mktemp -d /tmp/corral-bench-ssh-XXXXXX)
chmod 755 "$work"
user="corralb$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')"
sshd_pid=""
cleanup() {
  if [ -n "$sshd_pid" ]; then
    kill -KILL "$sshd_pid" 2>/dev/null || true
    wait "$sshd_pid" 2>/dev/null || true
  fi
  if id "$user" >/dev/null 2>&1; then
    for pid in $(pgrep -u "$user" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
    sleep 0.2
    userdel "$user" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# keys, user, sshd
ssh-keygen -q -t ed25519 -N '' -C corral-bench -f "$work/host_ed25519"
ssh-keygen -q -t ed25519 -N '' -C corral-bench -f "$work/user_ed25519"
cp "$work/user_ed25519.pub" "$work/authorized_keys"
chmod 644 "$work/authorized_keys"
mkdir -p "$work/home"
useradd -M -d "$work/home" -s /bin/sh "$user"
usermod -p '*' "$user"     # not locked: key logins only
chown "$user" "$work/home"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > "$work/sshd_config" <<EOF
ListenAddress 127.0.0.1:$port
HostKey $work/host_ed25519
PubkeyAuthentication yes
AuthorizedKeysFile $work/authorized_keys
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PidFile none
MaxStartups 100:30:200
EOF
mkdir -p /run/sshd
/usr/sbin/sshd -D -e -f "$work/sshd_config" 2>"$work/sshd.log" &
sshd_pid=$!
for _ in $(seq 1 300); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  kill -0 "$sshd_pid" 2>/dev/null || { echo "error: sshd failed: $(cat "$work/sshd.log")" >&2; exit 2; }
  sleep 0.1
done

# the tree: n trivial tests
tree="$work/tree"; mkdir -p "$tree/.fmf"; echo 1 > "$tree/.fmf/version"
{ for ((i = 0; i < n; i++)); do printf '/t%05d:\n    test: "true"\n' "$i"; done; } > "$tree/main.fmf"

corral --version >/dev/null   # builds the jar when it is stale, outside the measurement
times=()
cpus=()
for ((r = 1; r <= rounds; r++)); do
  results="$work/results-$r"
  s=$(now)
  set +e
  TIMEFORMAT='%U %S'
  { time corral run "$tree" --how connect --guest 127.0.0.1 --port "$port" --user "$user" \
    --key "$work/user_ed25519" --insecure-host-key --workers 1 --results "$results" >"$work/run-$r.log" 2>&1; } \
    2>"$work/time-$r"
  rc=$?
  set -e
  e=$(now)
  if [ "$rc" != 0 ]; then
    echo "error: corral run exited with $rc:" >&2; tail -n 20 "$work/run-$r.log" >&2; exit 1
  fi
  ran=$(wc -l < "$results/results.jsonl")
  [ "$ran" = "$n" ] || { echo "error: $ran results for $n tests" >&2; exit 1; }
  t=$(minus "$e" "$s")
  times+=("$t")
  c=$(awk '{printf "%.3f", $1 + $2}' "$work/time-$r")
  cpus+=("$c")
  printf 'round %d: %.2f s wall, %.2f s CPU of the corral process (user+sys)\n' "$r" "$t" "$c"
done
total=$(printf '%s\n' "${times[@]}" | median)
cpu=$(printf '%s\n' "${cpus[@]}" | median)
per=$(awk -v t="$total" -v n="$n" 'BEGIN {printf "%.1f", 1000 * t / n}')
printf '%d trivial tests, 1 SSH host (loopback sshd, /bin/sh login), --workers 1: %.2f s total (median of %d), %s ms per test;' \
  "$n" "$total" "$rounds" "$per"
printf ' tmt ~%d ms per test over SSH: %.1fx less time (target 20x)\n' "$tmt_per_test_ms" \
  "$(awk -v p="$per" -v t="$tmt_per_test_ms" 'BEGIN {print t / p}')"
printf 'corral process CPU (user+sys, median): %.2f s, %.1f ms per test (sshd and the sessions not counted);' \
  "$cpu" "$(awk -v c="$cpu" -v n="$n" 'BEGIN {print 1000 * c / n}')"
printf ' load average %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
