#!/bin/sh
# Writes tools/test-floor from the log of a whole `make test` run: the total on the first
# line, then each suite's test count. Run it after adding tests (a suite's floor only goes up
# by hand, so a lost test shows as a failed run, not as a quietly lower number).
#
#   tools/record-test-floors.sh LOG
set -eu
log="$1"
out="$(dirname "$0")/test-floor"
total=$(grep -E "^[[:space:]]*Executed [0-9]+ tests?, with " "$log" | tail -1 | sed -nE 's/.*Executed ([0-9]+) tests?.*/\1/p')
[ -n "$total" ] || { echo "record-test-floors: $log has no XCTest summary" >&2; exit 65; }
{
    echo "$total"
    echo "# The fewest XCTest tests a whole \`make test\` run may report, then each suite's floor"
    echo "# (tools/record-test-floors.sh LOG writes them from a whole run; raise them with the suite)."
    awk -f "$(dirname "$0")/suite-counts.awk" "$log" | sort -u
} > "$out.tmp"
mv "$out.tmp" "$out"
echo "record-test-floors: $out: $total tests, $(($(wc -l < "$out") - 3)) suites"
