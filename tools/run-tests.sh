#!/bin/sh
# The test suite as `make test` runs it: the XCTest suite in release (debug Swift is 10-50x
# slower on tensor loops), then each fuzzer briefly. Ends with one line "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
SWIFT="${SWIFT:-swift}"
# A build folder of its own: tests build with testing enabled, `make run` without.
SCRATCH="${SCRATCH:-.build-test}"
log=$(mktemp)
trap 'rm -f "$log" "$log.status"' EXIT

# POSIX sh has no pipefail: the test command's status travels through a file.
{ "$SWIFT" test -c release --scratch-path "$SCRATCH" --disable-swift-testing 2>&1; echo $? > "$log.status"; } | tee "$log"
status=$(cat "$log.status")
# XCTest's last line: "Executed 281 tests, with [1 test skipped and] 0 failures (0 unexpected) ...".
summary=$(grep -E "^[[:space:]]*Executed [0-9]+ tests?, with " "$log" | tail -1)
tests=$(echo "$summary" | sed -nE 's/.*Executed ([0-9]+) tests?.*/\1/p')
failures=$(echo "$summary" | sed -nE 's/.* ([0-9]+) failures? \(.*/\1/p')
skipped=$(echo "$summary" | sed -nE 's/.*with ([0-9]+) tests? skipped.*/\1/p')
: "${tests:=0}" "${failures:=0}" "${skipped:=0}"

fuzz_failed=0
if [ "$status" -eq 0 ]; then
    sh tools/fuzz.sh build && FUZZ_SECONDS="${FUZZ_SECONDS:-3}" sh tools/fuzz.sh run || fuzz_failed=1
fi

passed=$((tests - failures - skipped))
[ "$status" -eq 0 ] || [ "$failures" -gt 0 ] || failures=1
echo "tests: $passed passed, $((failures + fuzz_failed)) failed, $skipped skipped"
[ "$status" -eq 0 ] && [ "$fuzz_failed" -eq 0 ]
