#!/bin/bash
# Runs one test the way tmt's outer test wrapper does. Written by Corral; all
# variable input arrives as arguments and environment, never as code.
#
#   test-wrapper.sh TEST_SCRIPT SCRIPTS_DIR [tty]
#
# TEST_SCRIPT is the test's inner wrapper, SCRIPTS_DIR holds tmt-report-result
# and friends. The test pidfile tells tmt-reboot whom to signal.
test_script=$1
scripts_dir=$2
tty=${3:-}

case ":$PATH:" in
    *":$scripts_dir:"*) ;;
    *) export PATH="$scripts_dir:$PATH" ;;
esac

[ -n "${TMT_DEBUG:-}" ] && set -x

test_pid=$$
set -o pipefail

mkdir -p "$(dirname "$TMT_TEST_PIDFILE_LOCK")"
flock "$TMT_TEST_PIDFILE_LOCK" bash -c 'printf "%s %s\n" "$1" "$2" > "$3"' pidfile \
    "$test_pid" "$TMT_REBOOT_REQUEST" "$TMT_TEST_PIDFILE" || exit 122

if [ "$tty" = "tty" ]; then
    bash "$test_script" 2>&1
else
    bash "$test_script" </dev/null |& cat
fi
exit_code=$?

flock "$TMT_TEST_PIDFILE_LOCK" rm -f "$TMT_TEST_PIDFILE" || exit 123

# the plan environment file as this test left it, collected with the test's directory
cp "$TMT_PLAN_ENVIRONMENT_FILE" "$(dirname "$test_script")/plan-environment.snapshot" 2>/dev/null

exit "$exit_code"
