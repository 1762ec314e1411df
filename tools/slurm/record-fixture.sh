#!/bin/sh
# Records what `scontrol show job --oneliner` prints for a job array whose tasks end in
# every way noisebook reports: completed, failed (exit 3), cancelled while running, and
# cancelled while still pending. Tests/SlurmTests/Fixtures/array.txt is its output, on the
# test cluster of tools/slurm/cluster.sh:
#   tools/slurm/cluster.sh start /tmp/nbs && export SLURM_CONF=/tmp/nbs/slurm.conf
#   sh tools/slurm/record-fixture.sh > Tests/SlurmTests/Fixtures/array.txt
set -eu
out=$(mktemp -d)
job=$(sbatch --parsable --array=0-4%2 --output="$out/task-%a.log" \
    --wrap 'case $SLURM_ARRAY_TASK_ID in 0) exit 0;; 1) exit 3;; *) sleep 300;; esac')
# Wait until tasks 0 and 1 are over and two sleepers run (the throttle keeps the fifth pending).
for _ in $(seq 100); do
    running=$(squeue -h -r -j "$job" -t RUNNING -o %i | wc -l)
    [ "$running" -eq 2 ] && [ -z "$(squeue -h -r -j "$job" -t RUNNING -o %K | grep -x '[01]' || true)" ] && break
    sleep 0.2
done
scancel "$job"
for _ in $(seq 50); do
    [ -z "$(squeue -h -j "$job" -t PENDING,RUNNING,COMPLETING -o %i)" ] && break
    sleep 0.2
done
echo "# job $job"
scontrol show job --oneliner "$job"
rm -rf "$out"
