#!/usr/bin/env bash
# Benchmark (b): 100 000 zero-duration simulated tests on 1 000 simulated machines, with -Xmx512m.
# Prints dispatches per second and peak heap.
# Usage: bench/scale.sh [tests] [machines]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cp="$("$here/classpath.sh")"
exec "$("$here/../scripts/find-jdk")/bin/java" -Xmx512m -cp "$cp" \
    dev.corral.schedule.simulation.ThroughputBenchmark "$@"
