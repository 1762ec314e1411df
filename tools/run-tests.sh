#!/bin/sh
# The test suite as `make test` runs it: a self-test of the summary check, the XCTest suite in
# release (debug Swift is 10-50x slower on tensor loops), then each fuzzer briefly. Ends with
# one line "tests: N passed, N failed, N skipped"; fails unless the run was whole (see
# tools/test-summary.sh: a missing summary, fewer tests than tools/test-floor, or a skip not
# in tools/allowed-skips all fail it).
set -u
cd "$(dirname "$0")/.."
SWIFT="${SWIFT:-swift}"
# A build folder of its own: tests build with testing enabled, `make run` without.
SCRATCH="${SCRATCH:-.build-test}"
log=$(mktemp)
trap 'rm -f "$log" "$log.status"' EXIT

# A knob left set in the shell would force a kernel, or (NOISEBOOK_RECORD_GOLDEN) rewrite the
# golden files and pass: the suite runs with none of them.
for name in $(env | sed -n 's/^\(NOISEBOOK_[A-Za-z0-9_]*\)=.*/\1/p'); do
    echo "tests: ignoring $name set in the environment" >&2
    unset "$name"
done

sh tools/test-summary-selftest.sh || { echo "tests: 0 passed, 1 failed, 0 skipped"; exit 1; }
sh tools/check-imports.sh || { echo "tests: 0 passed, 1 failed, 0 skipped"; exit 1; }

# POSIX sh has no pipefail: the test command's status travels through a file.
{ "$SWIFT" test -c release --scratch-path "$SCRATCH" --disable-swift-testing 2>&1; echo $? > "$log.status"; } | tee "$log"
status=$(cat "$log.status")

fuzz_failed=0
if [ "$status" -eq 0 ]; then
    sh tools/fuzz.sh build && FUZZ_SECONDS="${FUZZ_SECONDS:-3}" sh tools/fuzz.sh run || fuzz_failed=1
fi
[ "$fuzz_failed" -eq 0 ] || echo "fuzzing found a problem (see above)" >&2
[ "$fuzz_failed" -eq 0 ] || status=1
sh tools/test-summary.sh "$log" "$status"
