#!/usr/bin/env bash
# Benchmark (a): 200 log-normal sleep tests on 8 machines, real dispatcher and threads, time x100.
# Prints makespan / lower bound for dynamic (no history), dynamic (with history) and static scheduling.
# Usage: bench/makespan.sh [tests] [machines] [speedup] [seed]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cp="$("$here/classpath.sh")"
exec "$("$here/../scripts/find-jdk")/bin/java" -Xmx512m -cp "$cp" \
    dev.corral.schedule.simulation.MakespanBenchmark "$@"
