#!/bin/sh
# Judges a `swift test` log: prints "tests: N passed, N failed, N skipped" and exits
# non-zero unless the run was whole. A run fails when the test command failed, when its
# XCTest summary line is missing, when fewer tests ran than the committed floor
# (tools/test-floor: the total on its first line, then "Suite N" per suite), or when a test
# skipped that tools/allowed-skips does not list.
#
#   tools/test-summary.sh LOG STATUS [FLOOR_FILE] [ALLOWED_SKIPS_FILE]
set -u
log="$1"
status="$2"
floor_file="${3:-$(dirname "$0")/test-floor}"
allowed_file="${4:-$(dirname "$0")/allowed-skips}"

problems=""
# XCTest's last line: "Executed 281 tests, with [1 test skipped and] 0 failures (0 unexpected) ...".
summary=$(grep -E "^[[:space:]]*Executed [0-9]+ tests?, with " "$log" | tail -1)
tests=$(echo "$summary" | sed -nE 's/.*Executed ([0-9]+) tests?.*/\1/p')
failures=$(echo "$summary" | sed -nE 's/.* ([0-9]+) failures? \(.*/\1/p')
skipped=$(echo "$summary" | sed -nE 's/.*with ([0-9]+) tests? skipped.*/\1/p')
: "${tests:=0}" "${failures:=0}" "${skipped:=0}"

[ -n "$summary" ] || problems="$problems\n- the test log has no XCTest summary line (the suite did not finish)"
[ "$status" -eq 0 ] || problems="$problems\n- the test command exited with status $status"
[ "$failures" -eq 0 ] || problems="$problems\n- $failures test(s) failed"

floor=$(grep -Eo '^[0-9]+' "$floor_file" 2>/dev/null | head -1)
if [ -z "$floor" ]; then
    problems="$problems\n- no test floor in $floor_file"
elif [ "$tests" -lt "$floor" ]; then
    problems="$problems\n- only $tests tests ran; the floor in $floor_file is $floor (did a suite go missing?)"
fi

# Per-suite floors: after the total, lines "SuiteName N" — each suite must run at least N tests,
# so a suite that loses tests (or vanishes) fails the run even when the total still clears.
suite_counts=$(awk -f "$(dirname "$0")/suite-counts.awk" "$log")
while read -r suite minimum; do
    case "$suite" in ''|\#*) continue ;; esac
    case "$minimum" in ''|*[!0-9]*) continue ;; esac
    count=$(echo "$suite_counts" | awk -v s="$suite" '$1 == s { c = $2 } END { print c + 0 }')
    has=$(echo "$suite_counts" | awk -v s="$suite" '$1 == s { found = 1 } END { print found + 0 }')
    if [ "$has" -eq 0 ]; then
        problems="$problems\n- suite $suite did not run; its floor in $floor_file is $minimum"
    elif [ "$count" -lt "$minimum" ]; then
        problems="$problems\n- suite $suite ran $count tests; its floor in $floor_file is $minimum"
    fi
done <<EOF
$(sed -n '2,$p' "$floor_file" 2>/dev/null | grep -E '^[A-Za-z_][A-Za-z0-9_]* [0-9]+$')
EOF

# "Test Case 'Suite.testName' skipped" (Linux XCTest) or "... -[Suite testName]' skipped".
for name in $(sed -nE "s/.*Test Case '-?\[?([A-Za-z0-9_.]+)[ .]([A-Za-z0-9_]+)\]?' skipped.*/\1.\2/p" "$log" | sort -u); do
    if ! grep -qxF "$name" "$allowed_file" 2>/dev/null; then
        problems="$problems\n- $name was skipped, and $allowed_file does not allow it"
    fi
done

passed=$((tests - failures - skipped))
failed=$failures
[ -z "$problems" ] || [ "$failed" -gt 0 ] || failed=1
echo "tests: $passed passed, $failed failed, $skipped skipped"
if [ -n "$problems" ]; then
    printf 'test run not accepted:%b\n' "$problems" >&2
    exit 1
fi
