#!/usr/bin/env bash
# Benchmark (a), for real: 200 `sleep` tests with log-normal durations on 8 local machines, run by `corral run`.
# Prints makespan / lower bound, where makespan = first test start .. last test end and lower bound =
# max(sum of durations / machines, longest test), for: dynamic without history, dynamic with the history of the
# first run (same results root), and a static up-front split. Target: second dynamic run <= 1.05.
# Usage: bench/makespan-local.sh [tests] [machines] [median-seconds]
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
tests=${1:-200} machines=${2:-8} median=${3:-0.5}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
tree="$work/tree"; mkdir -p "$tree/.fmf"; echo 1 > "$tree/.fmf/version"
python3 - "$tree/main.fmf" "$tests" "$median" <<'PY'
import math, random, sys
out, n, median = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
rnd = random.Random(42)
with open(out, "w") as f:
    for i in range(n):
        d = median * math.exp(rnd.gauss(0, 0.8))
        f.write("/t%03d:\n    test: sleep %.3f\n" % (i, d))
PY
corral --version >/dev/null
ratio_of() { # results dir -> "makespan lower ratio"
  python3 - "$1" "$machines" <<'PY'
import datetime, json, sys
rows = [json.loads(l) for l in open(sys.argv[1] + "/results.jsonl")]
t = lambda s: datetime.datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()
starts = [t(r["start-time"]) for r in rows]; ends = [t(r["end-time"]) for r in rows]
durs = [e - s for s, e in zip(starts, ends)]
span = max(ends) - min(starts); lower = max(sum(durs) / int(sys.argv[2]), max(durs))
print("%.1f %.1f %.3f" % (span, lower, span / lower))
PY
}
# runs in the default results root (./corral-results), where the duration history lives; a directory chosen with
# --results elsewhere keeps no history
for label in "dynamic, first run (no history)" "dynamic, second run (history)" "static split"; do
  sched=dynamic; [[ $label == static* ]] && sched=static
  (cd "$work" && corral run "$tree" --how local --workers "$machines" --schedule "$sched" >/dev/null) || true
  dir=$(readlink -f "$work/corral-results/latest")
  read -r span lower r < <(ratio_of "$dir")
  printf '%-34s makespan %6.1f s, lower bound %6.1f s, ratio %s\n' "$label:" "$span" "$lower" "$r"
done
