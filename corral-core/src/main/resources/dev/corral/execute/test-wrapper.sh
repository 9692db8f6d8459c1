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

# Every process costs time on a busy machine: the lock is taken on a descriptor (no extra shell), the test's
# directory already exists, stderr is merged by bash itself. The pidfile is the test's own and none of its
# processes runs yet, so nothing can read it while it is written: no lock is needed for that.
lock_dir=${TMT_TEST_PIDFILE_LOCK%/*}
[ -d "$lock_dir" ] || mkdir -p "$lock_dir"
exec 9>>"$TMT_TEST_PIDFILE_LOCK" || exit 122
printf "%s %s\n" "$test_pid" "$TMT_REBOOT_REQUEST" > "$TMT_TEST_PIDFILE" || exit 122

# The test script has no #! line, like tmt's inner wrapper: bash runs it in a forked copy of itself that starts
# over as a new shell (own $$, $0, SHLVL, options and variables), without loading bash again. Where the file
# cannot be executed (a noexec mount), a new bash reads it instead.
if [ -x "$test_script" ]; then
    test_command=("$test_script")
else
    test_command=(bash "$test_script")
fi
# The test's shell names itself ($BASH) after the shell it starts from. Corral's local machines read this file in an
# existing bash (no second bash), whose name is then this file's path (BASH_ARGV0): the test starts from a shell
# named after the bash that runs it, or `"$BASH" -c ...` in a test would run this wrapper. Without a terminal the
# test's stdin is /dev/null.
(
    [ "$tty" = "tty" ] || exec </dev/null
    [ -z "$BASH" ] || BASH_ARGV0=$BASH
    exec "${test_command[@]}"
) 9>&- 2>&1
exit_code=$?

# Emptied rather than removed (tmt-reboot-core treats an empty pidfile as none): no rm process. A tmt-reboot
# started by a process the test left behind must either find no test or have finished before this wrapper goes
# on. tmt-reboot marks itself (the .wanted file) before it takes the lock and reads the pidfile, so when no mark
# exists once the pidfile is empty, no tmt-reboot can have read the old content, and the lock (a flock process,
# the costliest step of a short test) is not needed.
: > "$TMT_TEST_PIDFILE" || exit 123
if [ -e "$TMT_TEST_PIDFILE_LOCK.wanted" ]; then
    flock -x 9 || exit 123
fi
exec 9>&-

# the plan environment file as this test left it, collected with the test's directory
[ -s "$TMT_PLAN_ENVIRONMENT_FILE" ] && cp "$TMT_PLAN_ENVIRONMENT_FILE" "${test_script%/*}/plan-environment.snapshot" 2>/dev/null

exit "$exit_code"
