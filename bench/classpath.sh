#!/usr/bin/env bash
# Compiles corral-core and prints a classpath for the benchmark scripts: its main classes with their runtime
# dependencies, or with --test also its test classes (benchmarks written as test-scope code) and test dependencies.
# Usage: bench/classpath.sh [--test]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAVA_HOME="$("$root/scripts/find-jdk")"; export JAVA_HOME
if [[ ${1:-} == --test ]]; then
  (cd "$root" && mvn -B -q -pl corral-core test-compile dependency:build-classpath \
      -Dmdep.outputFile=target/bench-test.classpath -Dmdep.includeScope=test >&2)
  echo "$root/corral-core/target/test-classes:$root/corral-core/target/classes:$(cat "$root/corral-core/target/bench-test.classpath")"
else
  (cd "$root" && mvn -B -q -pl corral-core compile dependency:build-classpath \
      -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=runtime >&2)
  echo "$root/corral-core/target/classes:$(cat "$root/corral-core/target/bench.classpath")"
fi
