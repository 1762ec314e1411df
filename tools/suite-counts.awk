# Each XCTest suite of a `swift test` log and its test count, one "Suite N" line per suite:
# the count is the "Executed N tests" line after "Test Suite 'Suite' passed|failed at".
# Suites whose names have spaces ('All tests', 'Selected tests') or are bundles are left out.
/Test Suite .* (passed|failed) at/ {
    match($0, /Test Suite \047[^\047]+\047/)
    name = substr($0, RSTART + 12, RLENGTH - 13)
    next
}
/^[[:space:]]*Executed [0-9]+ tests?, with / {
    if (name != "" && name !~ / / && name !~ /\.xctest$/) print name, $2
    name = ""
}
