#!/usr/bin/env bash
# Benchmark: what earlier runs under the same results root cost a new run. Every `corral run` without --results
# looks at its siblings: it reaps killed runs (run.json says running, nobody holds the lock) and its HTML report
# shows the durations of the last ten runs. Times a one-test run (median of 5 whole processes) in an empty root
# and in a root holding N earlier runs (copies of a real run, each with its own id, name and start time).
# Usage: bench/root.sh [earlier runs]      (default: 500)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
count=${1:-500}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
corral --version >/dev/null
tree="$work/tree"
mkdir -p "$tree/.fmf"; echo 1 > "$tree/.fmf/version"
printf '/t1:\n    test: "true"\n' > "$tree/main.fmf"

# median wall time in ms of 5 one-test runs with the working directory $1 (so its results root is $1/corral-results)
median_run() {
  local s e i times=()
  for ((i = 0; i < 5; i++)); do
    s=$(now)
    (cd "$1" && corral run "$tree" --how local --workers 1 >/dev/null)
    e=$(now)
    times+=("$(awk -v a="$e" -v b="$s" 'BEGIN {printf "%d", 1000 * (a - b)}')")
  done
  printf '%s\n' "${times[@]}" | median
}

mkdir -p "$work/empty" "$work/full"
(cd "$work/full" && corral run "$tree" --how local --workers 1 >/dev/null)
python3 - "$work/full/corral-results" "$count" <<'PY'
import datetime, json, os, shutil, sys
root, count = sys.argv[1], int(sys.argv[2])
source = next(os.path.join(root, d) for d in os.listdir(root) if d.startswith("run-"))
base = datetime.datetime(2026, 1, 1)
for i in range(count):
    start = base + datetime.timedelta(minutes=7 * i)
    run_id = start.strftime("%Y%m%d-%H%M%S") + "-b%04d" % i
    target = os.path.join(root, "run-" + run_id)
    shutil.copytree(source, target, symlinks=True)
    info_file = os.path.join(target, "run.json")
    with open(info_file) as f:
        info = json.load(f)
    info["id"] = run_id
    info["start-time"] = (start + datetime.timedelta(seconds=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    info["end-time"] = (start + datetime.timedelta(seconds=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
    with open(info_file, "w") as f:
        json.dump(info, f, indent=2)
PY
empty=$(median_run "$work/empty")
full=$(median_run "$work/full")
printf 'one-test run, empty results root: %d ms; with %d earlier runs: %d ms (+%d ms, %.2f ms per earlier run)\n' \
  "$empty" "$count" "$full" $((full - empty)) "$(awk -v d=$((full - empty)) -v n="$count" 'BEGIN {print d / n}')"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
