#!/usr/bin/env bash
# Test double for ScriptRunner: behaves like a builder script (sources image-lib.sh, logs to stderr, result on stdout).
#   test-script.sh result VALUE   logs two lines, prints VALUE
#   test-script.sh fail           logs, then dies with an error
#   test-script.sh sleep DIR      writes the pid of a child `sleep` to DIR/child, waits; on SIGTERM writes DIR/cleaned
. "$(dirname "$(readlink -f "$0")")/image-lib.sh"
case $1 in
  result) log "working"; log "almost done"; result "$2" ;;
  fail) log "step 1"; die "something broke; install X and retry" ;;
  sleep)
    trap 'touch "$2/cleaned"; exit 143' TERM
    sleep 300 &
    echo $! >"$2/child.part"; mv "$2/child.part" "$2/child"
    wait $! ;;
  *) die "unknown mode $1" ;;
esac
