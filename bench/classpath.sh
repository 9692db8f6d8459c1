#!/usr/bin/env bash
# Compiles corral-core and prints the runtime classpath of its main classes (sourced by the benchmark scripts).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAVA_HOME="$("$root/scripts/find-jdk")"; export JAVA_HOME
(cd "$root" && mvn -B -q -pl corral-core compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=runtime >&2)
echo "$root/corral-core/target/classes:$(cat "$root/corral-core/target/bench.classpath")"
