#!/usr/bin/env bash
# Benchmark: N trivial tests on ONE local machine (--workers 1), as a whole `corral run` process, so the figure
# is Corral's own overhead per test (discovery, dispatch, tmt protocol, journal, reports).
# Compared with tmt's local execution of the same tree: about 13 s per 100 trivial tests on this kind of machine
# (quoted in issue 3; tmt cannot be installed here: PyPI is unreachable and Debian has no tmt package).
# Usage: bench/local.sh [counts...]      (default: 100 1000)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
counts=("$@"); ((${#counts[@]})) || counts=(100 1000)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
corral --version >/dev/null
for n in "${counts[@]}"; do
  tree="$work/tree-$n"; mkdir -p "$tree/.fmf"; echo 1 > "$tree/.fmf/version"
  { for ((i = 0; i < n; i++)); do printf '/t%05d:\n    test: "true"\n' "$i"; done; } > "$tree/main.fmf"
  s=$(now)
  corral run "$tree" --how local --workers 1 --results "$work/results-$n" >/dev/null
  e=$(now)
  total=$(minus "$e" "$s")
  per=$(awk -v t="$total" -v n="$n" 'BEGIN {printf "%.1f", 1000 * t / n}')
  printf '%5d trivial tests, 1 local machine: %6.2f s total, %5.1f ms per test; tmt ~130 ms per test: %.0fx less time\n' \
    "$n" "$total" "$per" "$(awk -v p="$per" 'BEGIN {print 130 / p}')"
done
