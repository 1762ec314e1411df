#!/bin/sh
# Checks that tools/test-summary.sh refuses hollow runs: a missing summary, too few tests, a
# suite below its floor or missing, an unlisted skip and a failed command, and accepts a whole one. `make test` runs it first.
set -u
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
summary="$(dirname "$0")/test-summary.sh"
printf '5\nSuiteA 2\n' > "$dir/floor"
echo "AllowedTests.testMaySkip" > "$dir/allowed"
failures=0

# check NAME EXPECTED_STATUS COMMAND_STATUS < LOG
check() {
    cat > "$dir/log"
    sh "$summary" "$dir/log" "$3" "$dir/floor" "$dir/allowed" > "$dir/out" 2>&1
    got=$?
    if { [ "$2" -eq 0 ] && [ "$got" -ne 0 ]; } || { [ "$2" -ne 0 ] && [ "$got" -eq 0 ]; }; then
        echo "test-summary self-test: '$1' exited $got, expected $( [ "$2" -eq 0 ] && echo 0 || echo non-zero )" >&2
        sed 's/^/    /' "$dir/out" >&2
        failures=$((failures + 1))
    fi
}

check "a whole run" 0 0 <<'LOG'
Test Suite 'SuiteA' passed at 2026-01-01 00:00:00.000
	 Executed 2 tests, with 0 failures (0 unexpected) in 1.0 (1.0) seconds
Test Case 'AllowedTests.testMaySkip' skipped (0.001 seconds)
	 Executed 6 tests, with 1 test skipped and 0 failures (0 unexpected) in 1.0 (1.0) seconds
LOG
check "a suite below its floor" 1 0 <<'LOG'
Test Suite 'SuiteA' passed at 2026-01-01 00:00:00.000
	 Executed 1 test, with 0 failures (0 unexpected) in 1.0 (1.0) seconds
	 Executed 6 tests, with 0 failures (0 unexpected) in 1.0 (1.0) seconds
LOG
check "a suite that did not run" 1 0 <<'LOG'
Test Suite 'SuiteB' passed at 2026-01-01 00:00:00.000
	 Executed 2 tests, with 0 failures (0 unexpected) in 1.0 (1.0) seconds
	 Executed 6 tests, with 0 failures (0 unexpected) in 1.0 (1.0) seconds
LOG
check "no summary line" 1 0 <<'LOG'
Test Case 'A.testOne' passed (0.001 seconds)
LOG
check "fewer tests than the floor" 1 0 <<'LOG'
Test Suite 'SuiteA' passed at 2026-01-01 00:00:00.000
	 Executed 2 tests, with 0 failures (0 unexpected) in 1.0 (1.0) seconds
	 Executed 4 tests, with 0 failures (0 unexpected) in 1.0 (1.0) seconds
LOG
check "a skip outside the allow-list" 1 0 <<'LOG'
Test Suite 'SuiteA' passed at 2026-01-01 00:00:00.000
	 Executed 2 tests, with 0 failures (0 unexpected) in 1.0 (1.0) seconds
Test Case 'NotebookSiteTests.testEveryNotebookRenders' skipped (0.001 seconds)
	 Executed 6 tests, with 1 test skipped and 0 failures (0 unexpected) in 1.0 (1.0) seconds
LOG
check "a failing command" 1 1 <<'LOG'
Test Suite 'SuiteA' passed at 2026-01-01 00:00:00.000
	 Executed 2 tests, with 0 failures (0 unexpected) in 1.0 (1.0) seconds
	 Executed 6 tests, with 0 failures (0 unexpected) in 1.0 (1.0) seconds
LOG
check "a failed test" 1 0 <<'LOG'
Test Suite 'SuiteA' passed at 2026-01-01 00:00:00.000
	 Executed 2 tests, with 0 failures (0 unexpected) in 1.0 (1.0) seconds
	 Executed 6 tests, with 1 failure (0 unexpected) in 1.0 (1.0) seconds
LOG

if [ "$failures" -gt 0 ]; then exit 1; fi
echo "test-summary self-test: 8 cases ok"
