#!/bin/sh
# The cost of a sampling loop written in a cell against the built-in that does the same work:
# a 33-step CFG loop from t = 990 on the built-in model, notebook 1.6's own guidedLoop cell (read
# from the notebook) written with the model's primitives
# (noiseEstimate, predictX0, posteriorMean, addVariance) and as iterativeDenoiseCFG, each
# timed by the runner's own log over RUNS fresh runs that alternate which goes first.
# Prints the median time of each and their ratio (docs/cell-language.md, "Cost").
#
# usage: tools/bench/cell_loop_cost.sh [NOISEBOOK] [RUNS]   (defaults: .build/release/noisebook, 4)
set -eu
noisebook="${1:-.build/release/noisebook}"
runs="${2:-4}"
case "$noisebook" in /*) ;; *) noisebook="$(pwd)/$noisebook" ;; esac
[ -x "$noisebook" ] || { echo "cell_loop_cost: no executable at $noisebook (make build first)" >&2; exit 64; }
project=$(mktemp -d)
trap 'rm -rf "$project"' EXIT
mkdir -p "$project/Notebooks"
loop=$(sed -n '/^func guidedLoop(/,/^}$/p' "$(dirname "$0")/../../Notebooks/1.6-classifier-free-guidance.md")
[ -n "$loop" ] || { echo "cell_loop_cost: no func guidedLoop in notebook 1.6" >&2; exit 70; }

header='---
title: Loop cost
seed: 5
model: builtin
---
```swift
'"$loop"'
let start = forward(rectangleMask(size: 64, x: 8, y: 8, width: 48, height: 48).rgb(), t: 990, seed: 1)
```'
mine='```swift
let mine = guidedLoop(start, iStart: 0, prompt: "a rocket ship", guidance: 7, seed: 2)
```'
theirs='```swift
let theirs = iterativeDenoiseCFG(start, iStart: 0, prompt: "a rocket ship", guidance: 7, seed: 2)
```'

: > "$project/times"
i=0
while [ "$i" -lt "$runs" ]; do
    if [ $((i % 2)) -eq 0 ]; then
        printf '%s\n\n%s\n\n%s\n' "$header" "$mine" "$theirs" > "$project/Notebooks/loop.md"
        order="cell own"; second="builtin"
    else
        printf '%s\n\n%s\n\n%s\n' "$header" "$theirs" "$mine" > "$project/Notebooks/loop.md"
        order="builtin"; second="cell own"
    fi
    (cd "$project" && "$noisebook" run --fresh Notebooks 2> "$project/log" > /dev/null) || { cat "$project/log" >&2; exit 70; }
    # Cells 2 and 3 are the two loops, in this run's order.
    awk -v first="$order" -v second="$second" '
        /cell 2 \(line/ { for (f = 1; f < NF; f++) if ($(f + 1) == "s") print first, $f }
        /cell 3 \(line/ { for (f = 1; f < NF; f++) if ($(f + 1) == "s") print second, $f }
    ' "$project/log" | sed 's/^cell own/cell/' >> "$project/times"
    i=$((i + 1))
done
awk '
    { t[$1, ++n[$1]] = $2 }
    function median(k,    m, a, i, j, x) {
        m = n[k]; for (i = 1; i <= m; i++) a[i] = t[k, i]
        for (i = 2; i <= m; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
        return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
    }
    END {
        if (n["cell"] == 0 || n["builtin"] == 0) { print "cell_loop_cost: no timings in the log" > "/dev/stderr"; exit 70 }
        c = median("cell"); b = median("builtin")
        printf "33-step CFG loop on the built-in model, median of %d runs each: written in a cell %.2f s, iterativeDenoiseCFG %.2f s, ratio %.3f\n", n["cell"], c, b, c / b
    }' "$project/times"
