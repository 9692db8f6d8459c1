#!/usr/bin/env bash
# Benchmark: N trivial tests on ONE local machine (--workers 1), as a whole `corral run` process, so the figure
# is Corral's own overhead per test (discovery, dispatch, tmt protocol, journal, reports).
# Compared with tmt's local execution of the same tree: about 13 s per 100 trivial tests on this kind of machine
# (quoted in issue 3; tmt cannot be installed here: PyPI is unreachable and Debian has no tmt package).
# Also runs a tree of one test first: its time is the fixed cost of a run (JVM start, set-up, reports), and
# (total - fixed) / (N - 1) is what each further test adds.
# Usage: bench/local.sh [counts...]      (default: 100 1000)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
counts=("$@"); ((${#counts[@]})) || counts=(100 1000)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
corral --version >/dev/null

# a tree of n trivial tests; prints its run's wall time in seconds
timed_run() {
  local n=$1 tree="$work/tree-$1" s e
  mkdir -p "$tree/.fmf"; echo 1 > "$tree/.fmf/version"
  { for ((i = 0; i < n; i++)); do printf '/t%05d:\n    test: "true"\n' "$i"; done; } > "$tree/main.fmf"
  s=$(now)
  # a results directory of its own for every run (a directory that holds a run is refused)
  corral run "$tree" --how local --workers 1 --results "$work/results-$n-$(date +%s%N)" >/dev/null
  e=$(now)
  minus "$e" "$s"
}

fixed=$(timed_run 1)
printf '    1 trivial test, 1 local machine:  %6.2f s total (the fixed cost of a run)\n' "$fixed"
for n in "${counts[@]}"; do
  total=$(timed_run "$n")
  per=$(awk -v t="$total" -v n="$n" 'BEGIN {printf "%.1f", 1000 * t / n}')
  marginal=$(awk -v t="$total" -v f="$fixed" -v n="$n" 'BEGIN {printf "%.1f", (n > 1) ? 1000 * (t - f) / (n - 1) : 0}')
  printf '%5d trivial tests, 1 local machine: %6.2f s total, %5.1f ms per test (%s ms per further test); tmt ~130 ms per test: %.1fx less time\n' \
    "$n" "$total" "$per" "$marginal" "$(awk -v p="$per" 'BEGIN {print 130 / p}')"
done
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
