#!/bin/sh
# libFuzzer targets for noisebook's untrusted-input readers (see Fuzz/README.md).
#
#   tools/fuzz.sh build              compile the fuzzers into .build-fuzz/ (when sources changed)
#   tools/fuzz.sh run [TARGET...]    fuzz each target for $FUZZ_SECONDS (default 60) seconds
#   tools/fuzz.sh replay [TARGET...] run the seed corpus and regressions once, no mutation
#
# SwiftPM cannot link a `-sanitize=fuzzer` executable (it renames the entry point that
# libFuzzer provides), so the library modules are compiled here with swiftc, in dependency
# order, into instrumented static libraries, and each Fuzz/<target>/main.swift is linked
# against them. Generated inputs go to .build-fuzz/corpus/<target>/; Fuzz/corpus/<target>/
# (seeds) and Fuzz/regressions/<target>/ (past crashes) are only read. A crashing input is
# saved as .build-fuzz/artifacts/<target>/crash-<sha1>. Fuzz/dictionaries/<target>.dict, when
# present, gives the fuzzer the format's keywords.
set -eu

cd "$(dirname "$0")/.."
SWIFTC="${SWIFTC:-$(command -v swiftc 2>/dev/null || echo /opt/swift/usr/bin/swiftc)}"
CLANG="${CLANG:-$(dirname "$SWIFTC")/clang}"
AR="${AR:-$(dirname "$SWIFTC")/llvm-ar}"
[ -x "$AR" ] || AR=ar
OUT=.build-fuzz
TARGETS="notebook script safetensors pickle checkpoint png http spiece shardindex npy config"
FUZZ_SECONDS="${FUZZ_SECONDS:-60}"
# The Swift modules the harness reaches, in dependency order (after Diagnostics, TextDistance,
# AtomicWrite, JSON and the C kernels), and every library in the order the linker needs (users first).
MODULES="Tensor Imaging Weights Notebook Script Preview NN Diffusion DeepFloyd SentencePiece T5"
LINK_ORDER="DeepFloyd T5 NN Diffusion SentencePiece Preview Script Notebook Weights JSON Imaging Tensor CBFloat16 CSGEMM CVector AtomicWrite TextDistance Diagnostics"
MODULE_DIRS="Sources/Diagnostics Sources/TextDistance Sources/AtomicWrite Sources/JSON $(for module in $MODULES; do printf 'Sources/%s ' "$module"; done)"
SANITIZE="-sanitize=fuzzer,address"

# Longest input libFuzzer may generate per target: room for a real example of the format.
max_len() {
    case "$1" in
        notebook|script) echo 8192 ;;
        http) echo 20000 ;;
        safetensors|pickle|shardindex|npy|config) echo 4096 ;;
        *) echo 16384 ;;
    esac
}

# compile_module NAME DIR... : one instrumented static library and its .swiftmodule.
compile_module() {
    name="$1"; shift
    files=$(find "$@" -name '*.swift' | sort)
    # shellcheck disable=SC2086
    "$SWIFTC" -swift-version 6 -O -wmo -parse-as-library -package-name noisebook $SANITIZE \
        -module-name "$name" -emit-module -emit-module-path "$OUT/modules/$name.swiftmodule" \
        -emit-library -static -o "$OUT/lib/lib$name.a" \
        -I "$OUT/modules" -I Sources/COpenBLAS -I Sources/CPNG -I Sources/CBFloat16/include -I Sources/CSGEMM/include -I Sources/CVector/include $files
}

# compile_c NAME: the C target Sources/NAME (noisebook's own GEMM and elementwise kernels) as an
# instrumented static library.
compile_c() {
    rm -f "$OUT/lib/lib$1.a"
    for source in Sources/"$1"/*.c; do
        "$CLANG" -O2 -fsanitize=fuzzer-no-link,address -I Sources/"$1"/include \
            -c "$source" -o "$OUT/lib/$1-$(basename "$source" .c).o"
    done
    "$AR" rcs "$OUT/lib/lib$1.a" "$OUT/lib/$1"-*.o
}

# True when every fuzzer binary is newer than every source it is built from.
up_to_date() {
    for target in $TARGETS; do
        [ -x "$OUT/bin/fuzz-$target" ] || return 1
    done
    stamp="$OUT/bin/fuzz-${TARGETS##* }"  # linked last
    # shellcheck disable=SC2086
    newer=$(find $MODULE_DIRS \
        Sources/COpenBLAS Sources/CPNG Sources/CBFloat16 Sources/CSGEMM Sources/CVector Fuzz \( -name '*.swift' -o -name '*.c' -o -name '*.h' -o -name '*.inc' \) -newer "$stamp" | head -n 1)
    [ -z "$newer" ]
}

build() {
    if up_to_date; then
        echo "fuzz: fuzzers up to date in $OUT/bin" >&2
        return 0
    fi
    mkdir -p "$OUT/modules" "$OUT/lib" "$OUT/bin"
    echo "fuzz: compiling modules (instrumented, optimised)" >&2
    compile_module Diagnostics Sources/Diagnostics
    compile_module TextDistance Sources/TextDistance
    compile_module AtomicWrite Sources/AtomicWrite
    compile_module JSON Sources/JSON
    compile_c CBFloat16
    compile_c CSGEMM
    compile_c CVector
    for module in $MODULES; do
        compile_module "$module" "Sources/$module"
    done
    compile_module FuzzHarness Fuzz/Harness
    for target in $TARGETS; do
        echo "fuzz: linking $OUT/bin/fuzz-$target" >&2
        "$SWIFTC" -swift-version 6 -O -parse-as-library $SANITIZE -use-ld=lld \
            -I "$OUT/modules" -I Sources/COpenBLAS -I Sources/CPNG -I Sources/CBFloat16/include -I Sources/CSGEMM/include -I Sources/CVector/include -L "$OUT/lib" \
            "Fuzz/$target/main.swift" -o "$OUT/bin/fuzz-$target" \
            -lFuzzHarness $(for module in $LINK_ORDER; do printf -- '-l%s ' "$module"; done) -lopenblas -lpng16
    done
}

# The corpus folders of TARGET: the writable working one first, then the committed ones.
corpora() {
    mkdir -p "$OUT/corpus/$1"
    dirs="$OUT/corpus/$1 Fuzz/corpus/$1"
    [ -d "Fuzz/regressions/$1" ] && dirs="$dirs Fuzz/regressions/$1"
    echo "$dirs"
}

# fuzz TARGET EXTRA_FLAGS... : runs one fuzzer, prints a summary line, fails on a finding.
fuzz() {
    target="$1"; shift
    binary="$OUT/bin/fuzz-$target"
    [ -x "$binary" ] || { echo "fuzz: $binary missing; run tools/fuzz.sh build" >&2; return 1; }
    mkdir -p "$OUT/artifacts/$target" "$OUT/logs"
    log="$OUT/logs/$target.log"
    status=0
    dict=""
    [ -f "Fuzz/dictionaries/$target.dict" ] && dict="-dict=Fuzz/dictionaries/$target.dict"
    # shellcheck disable=SC2046,SC2086
    ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}" "$binary" "$@" $dict \
        -max_len="$(max_len "$target")" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$OUT/artifacts/$target/" $(corpora "$target") >"$log" 2>&1 || status=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    corpus=$(ls "$OUT/corpus/$target" | wc -l)
    if [ "$status" -eq 0 ]; then
        printf '%-12s ok     %10s executions  %6s corpus units\n' "$target" "${runs:-?}" "$corpus"
    else
        printf '%-12s FAILED %10s executions  (exit %s; see %s)\n' "$target" "${runs:-?}" "$status" "$log"
        grep -E 'ERROR|Fatal error|deadly signal|out-of-memory|timeout|Test unit written' "$log" | head -n 8 >&2 || true
    fi
    return "$status"
}

command="${1:-run}"
[ $# -gt 0 ] && shift
selected="${*:-$TARGETS}"
case "$command" in
    build) build ;;
    run|replay)
        failed=0
        for target in $selected; do
            if [ "$command" = run ]; then
                fuzz "$target" -max_total_time="$FUZZ_SECONDS" || failed=1
            else
                fuzz "$target" -runs=0 || failed=1
            fi
        done
        exit "$failed" ;;
    *) echo "usage: tools/fuzz.sh build | run [TARGET...] | replay [TARGET...]" >&2; exit 64 ;;
esac
