#!/usr/bin/env bash
# Benchmark: podman machines. (1) 8 containers provisioned in parallel: time until all are ready, and the
# per-exec overhead of a container connection (PodmanBench, real podman). (2) Per-test overhead of the tmt
# protocol in one container: N trivial tests with `corral run --how podman --workers 1`, against the same tests on
# one local machine in the same run of this script.
# Usage: bench/podman.sh [tests]      (default 30; needs the offline test image, built when missing)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
n=${1:-30}
image=localhost/corral-test:debian-12
corral image build --container >/dev/null
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
echo "== provisioning and exec overhead (PodmanBench; load average $(cut -d' ' -f1-3 /proc/loadavg))"
# the pom redirects test output to a file (a -D cannot override it): the figures are read from there
bench_out="$BENCH_ROOT/corral-core/target/surefire-reports/dev.corral.machine.podman.PodmanBench-output.txt"
rm -f "$bench_out"
if ! (cd "$BENCH_ROOT" && JAVA_HOME=$("$BENCH_ROOT/scripts/find-jdk") mvn -B -q -pl corral-core test \
    -Dtest=PodmanBench -Dsurefire.failIfNoSpecifiedTests=false >"$work/mvn.log" 2>&1); then
  grep -E 'ERROR|FAIL' "$work/mvn.log" | head -n 20 >&2
  echo "error: PodmanBench failed (log above)" >&2
  exit 1
fi
grep '^BENCH' "$bench_out"
tree="$work/tree"; mkdir -p "$tree/.fmf"; echo 1 > "$tree/.fmf/version"
{ for ((i = 0; i < n; i++)); do printf '/t%03d:\n    test: "true"\n' "$i"; done; } > "$tree/main.fmf"
echo "== $n trivial tests through corral run (load average $(cut -d' ' -f1-3 /proc/loadavg))"
declare -A per
for how in local podman; do
  extra=(); [[ $how == podman ]] && extra=(--image "$image")
  s=$(now)
  if ! corral run "$tree" --how "$how" "${extra[@]}" --workers 1 --results "$work/$how" >"$work/$how.log" 2>&1; then
    tail -n 20 "$work/$how.log" >&2; echo "error: corral run --how $how failed" >&2; exit 1
  fi
  e=$(now)
  ran=$(wc -l < "$work/$how/results.jsonl")
  [ "$ran" = "$n" ] || { echo "error: $ran results for $n tests (--how $how)" >&2; exit 1; }
  per[$how]=$(awk -v t="$(minus "$e" "$s")" -v n="$n" 'BEGIN {printf "%.1f", 1000 * t / n}')
  printf '%-7s 1 machine: %6.2f s total, %6.1f ms per test (provisioning included)\n' "$how" "$(minus "$e" "$s")" \
    "${per[$how]}"
done
printf 'container overhead: %.1f ms per test over local (load average %s)\n' \
  "$(awk -v a="${per[podman]}" -v b="${per[local]}" 'BEGIN {print a - b}')" "$(cut -d' ' -f1-3 /proc/loadavg)"
