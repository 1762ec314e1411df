#!/bin/sh
# Installs the system packages noisebook builds against, when they are missing.
# Used by `make deps` (and so by `make run` and `make test`). Safe to run repeatedly.
set -eu

packages="libpng-dev libopenblas-dev"
# Extra packages the tests need: a headless browser for the page checks, Slurm with munge
# for the single-node cluster the `run --slurm` tests start (tools/slurm/cluster.sh), and
# curl to read a preview's event stream.
if [ "${1:-}" = "--test" ]; then
    packages="$packages chromium slurmctld slurmd slurm-client munge curl"
fi

missing=""
for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "noisebook: installing system packages:$missing" >&2
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "noisebook: need root to install:$missing (run: apt-get install$missing)" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
