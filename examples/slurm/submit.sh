#!/bin/bash
# Submits N shard tasks as one array, then the merge, which starts when all of them succeeded.
# Usage: SHARDS=8 SCENARIO=swarm SEEDS=1..100000 ./submit.sh   (PARTS, RESULT: output folders on
# a file system every node sees)
set -euo pipefail
cd "$(dirname "$0")"
export SHARDS=${SHARDS:-8}
array=$(sbatch --parsable --array="1-${SHARDS}" --export=ALL shard.sbatch)
sbatch --dependency="afterok:${array}" --export=ALL merge.sbatch
