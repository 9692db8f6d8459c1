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
echo "== provisioning and exec overhead (PodmanBench)"
(cd "$BENCH_ROOT" && JAVA_HOME=$("$BENCH_ROOT/scripts/find-jdk") mvn -B -q -pl corral-core test -Dtest=PodmanBench \
    -Dsurefire.failIfNoSpecifiedTests=false -DredirectTestOutputToFile=false 2>&1 | grep '^BENCH' || true)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
tree="$work/tree"; mkdir -p "$tree/.fmf"; echo 1 > "$tree/.fmf/version"
{ for ((i = 0; i < n; i++)); do printf '/t%03d:\n    test: "true"\n' "$i"; done; } > "$tree/main.fmf"
echo "== $n trivial tests through corral run"
for how in local podman; do
  extra=(); [[ $how == podman ]] && extra=(--image "$image")
  s=$(now)
  corral run "$tree" --how "$how" "${extra[@]}" --workers 1 --results "$work/$how" >/dev/null
  e=$(now)
  printf '%-7s 1 machine: %6.2f s total, %6.1f ms per test (provisioning included)\n' "$how" "$(minus "$e" "$s")" \
    "$(awk -v t="$(minus "$e" "$s")" -v n="$n" 'BEGIN {print 1000 * t / n}')"
done
