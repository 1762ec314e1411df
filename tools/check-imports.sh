#!/bin/sh
# Package.swift's dependency lists against the imports, both ways, in a second, before any
# compiling:
# - every module a target imports is one of its declared dependencies (an undeclared import
#   can build locally when another target happened to build the module first, then fail on
#   a clean clone where the build order differs);
# - every declared dependency is imported somewhere in the target (a stale edge hides the
#   real structure and slows builds);
# - every library target depends only on targets Package.swift lists before it (the file
#   lists the layers lowest first), except the edges in KNOWN_UPWARD, each with its reason.
set -eu
cd "$(dirname "$0")/.."

# Edges allowed to point up, "Lower>Upper", each with its reason in a comment. None today.
KNOWN_UPWARD=""

status=0
order=$(grep -nE '^\s*\.(target|testTarget|executableTarget|systemLibrary)\(name:' Package.swift | sed -n 's/^\([0-9]*\):.*name: "\([A-Za-z0-9_]*\)".*/\2 \1/p')
position() { printf '%s\n' "$order" | awk -v n="$1" '$1 == n { print $2 }'; }
modules=$(sed -n 's/.*\.\(target\|testTarget\|executableTarget\|systemLibrary\)(name: "\([A-Za-z0-9_]*\)".*/\2/p' Package.swift)
grep -E '^\s*\.(target|testTarget|executableTarget)\(name:' Package.swift | while IFS= read -r line; do
    name=$(printf '%s\n' "$line" | sed -n 's/.*name: "\([A-Za-z0-9_]*\)".*/\1/p')
    deps=$(printf '%s\n' "$line" | sed -n 's/.*dependencies: \[\([^]]*\)\].*/\1/p' | tr -d '" ' | tr ',' ' ')
    path=$(printf '%s\n' "$line" | sed -n 's/.*path: "\([^"]*\)".*/\1/p')
    if [ -z "$path" ]; then
        case "$line" in *testTarget*) path="Tests/$name" ;; *) path="Sources/$name" ;; esac
    fi
    [ -d "$path" ] || continue
    imports=$(grep -rhoE '^(@testable |@_implementationOnly |package |internal |public )?import [A-Za-z0-9_]+' "$path" --include='*.swift' | awk '{print $NF}' | sort -u)
    for dep in $deps; do
        if ! printf '%s\n' $imports | grep -qx "$dep"; then
            echo "Package.swift: error: target '$name' lists '$dep' as a dependency but never imports it" >&2
            echo fail
        fi
        case "$line" in *testTarget*) continue ;; esac
        if [ "$(position "$dep")" -gt "$(position "$name")" ] && ! printf '%s\n' $KNOWN_UPWARD | grep -qx "$name>$dep"; then
            echo "Package.swift: error: target '$name' depends on '$dep', which is listed after it: dependencies point down the layers" >&2
            echo fail
        fi
    done
    for imported in $imports; do
        # Only the package's own modules matter; Foundation, XCTest, Glibc come with the toolchain.
        printf '%s\n' $modules | grep -qx "$imported" || continue
        [ "$imported" = "$name" ] && continue
        if ! printf '%s\n' $deps | grep -qx "$imported"; then
            echo "Package.swift: error: target '$name' imports '$imported' but does not list it in its dependencies" >&2
            echo fail
        fi
    done
done > "${TMPDIR:-/tmp}/noisebook-imports.$$"
if grep -q fail "${TMPDIR:-/tmp}/noisebook-imports.$$"; then status=1; fi
rm -f "${TMPDIR:-/tmp}/noisebook-imports.$$"
[ $status -eq 0 ] && echo "imports: every target lists what it imports, imports what it lists, and depends only on layers below it"
exit $status
