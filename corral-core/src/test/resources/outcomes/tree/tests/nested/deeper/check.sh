# Runs from the test's own directory of the copied tree.
[ "$(basename "$PWD")" = deeper ]
[ -f ../../main.fmf ]
echo "nested test $TMT_TEST_NAME in $PWD"
