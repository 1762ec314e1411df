#!/bin/sh
# The edit loop of notebook 1.7: the time from saving an edit that adds one i_start to its
# list to the updated page, with whole cells reused only (--no-call-cache) and with single
# calls reused too. Both start from a warm cache of the unedited notebook, in a copy of the
# project; the runner's own summary times each run. Prints both times, their ratio, and the
# sdedit calls that ran, from which the IF-I-L time is estimated: an sdedit from i_start i takes
# 33 - i steps, each one IF-I-L forward at batch 2, IFL_SECONDS_PER_STEP (default 3.82, the
# batch-2 IF-I-L forward measured on a 2-core AVX-512 machine; docs/performance.md).
#
# usage: tools/bench/call_reuse.sh [NOISEBOOK]   (default: .build/release/noisebook)
set -eu
noisebook="${1:-.build/release/noisebook}"
case "$noisebook" in /*) ;; *) noisebook="$(pwd)/$noisebook" ;; esac
[ -x "$noisebook" ] || { echo "call_reuse: no executable at $noisebook (make build first)" >&2; exit 64; }
project=$(mktemp -d)
trap 'rm -rf "$project"' EXIT
mkdir -p "$project/Notebooks"
cp -R Notebooks/images "$project/Notebooks/images"
cp Notebooks/1.7-image-to-image.md Notebooks/deliverables.txt "$project/Notebooks/"
notebook="$project/Notebooks/1.7-image-to-image.md"

seconds() { sed -n 's/.* in \([0-9.]*\) s$/\1/p' "$1" | tail -1; }
ran_calls() { sed -n 's/.*; \([0-9]*\) of [0-9]* sdedit calls ran.*/\1/p' "$1" | awk '{ s += $1 } END { print s + 0 }'; }

for mode in cells calls; do
    flag=""; [ "$mode" = cells ] && flag="--no-call-cache"
    rm -rf "$project/.noisebook" "$project/Output"
    cp Notebooks/1.7-image-to-image.md "$notebook"
    (cd "$project" && "$noisebook" run $flag Notebooks > /dev/null 2> "$project/warm.log") || { cat "$project/warm.log" >&2; exit 70; }
    # The edit: one more starting index in the list the notebook's cells map over.
    sed -i 's/^  starts: \[1, 3, 5, 7, 10, 20\]$/  starts: [1, 3, 5, 7, 10, 15, 20]/' "$notebook"
    grep -q 'starts: \[1, 3, 5, 7, 10, 15, 20\]' "$notebook" || { echo "call_reuse: the edit did not apply" >&2; exit 70; }
    (cd "$project" && "$noisebook" run $flag Notebooks > /dev/null 2> "$project/$mode.log") || { cat "$project/$mode.log" >&2; exit 70; }
done
before=$(seconds "$project/cells.log")
after=$(seconds "$project/calls.log")
ran=$(ran_calls "$project/calls.log")
awk -v b="$before" -v a="$after" -v ran="$ran" -v per="${IFL_SECONDS_PER_STEP:-3.82}" 'BEGIN {
    printf "1.7, one i_start added: %.1f s re-running whole cells, %.1f s reusing calls (%.1fx faster)\n", b, a, b / a
    # Before: every call of the three photos over the seven starts; after: the new start (15) of each photo.
    split("1 3 5 7 10 15 20", starts, " "); steps = 0
    for (k in starts) steps += 3 * (33 - starts[k])
    printf "  sdedit calls that ran after the edit: %d of 21; estimated on IF-I-L: %.0f s against %.0f s\n", ran, ran * (33 - 15) * per, steps * per
}'
