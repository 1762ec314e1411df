#!/bin/sh
# Every module a target imports must be one of its declared dependencies in Package.swift.
# An undeclared import can still build locally when another target happened to build the
# module first, then fail on a clean clone where the build order differs; this check
# catches it in a second, before any compiling.
set -eu
cd "$(dirname "$0")/.."

status=0
modules=$(sed -n 's/.*\.\(target\|testTarget\|executableTarget\|systemLibrary\)(name: "\([A-Za-z0-9_]*\)".*/\2/p' Package.swift)
grep -E '^\s*\.(target|testTarget|executableTarget)\(name:' Package.swift | while IFS= read -r line; do
    name=$(printf '%s\n' "$line" | sed -n 's/.*name: "\([A-Za-z0-9_]*\)".*/\1/p')
    deps=$(printf '%s\n' "$line" | sed -n 's/.*dependencies: \[\([^]]*\)\].*/\1/p' | tr -d '" ' | tr ',' ' ')
    path=$(printf '%s\n' "$line" | sed -n 's/.*path: "\([^"]*\)".*/\1/p')
    if [ -z "$path" ]; then
        case "$line" in *testTarget*) path="Tests/$name" ;; *) path="Sources/$name" ;; esac
    fi
    [ -d "$path" ] || continue
    for imported in $(grep -rhoE '^(@testable |@_implementationOnly |package |internal |public )?import [A-Za-z0-9_]+' "$path" --include='*.swift' | awk '{print $NF}' | sort -u); do
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
[ $status -eq 0 ] && echo "imports: every target lists what it imports"
exit $status
