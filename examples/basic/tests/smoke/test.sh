#!/bin/bash
# The test runs from its own directory with `set -eo pipefail`.
uname -a
command -v bash tar
test -n "$TMT_TEST_NAME"
echo "running $TMT_TEST_NAME (serial $TMT_TEST_SERIAL_NUMBER) from $PWD"
