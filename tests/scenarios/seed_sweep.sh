#!/bin/sh
# seed_sweep.sh SIM SCENARIO CODE FIRST LAST: runs SCENARIO with every seed FIRST..LAST and fails
# unless each run exits with CODE (0 pass, 1 fail: the scenario's "expect"). Prints the seeds
# that did not, with their one-line summaries, and the count.
set -u
sim=$1 file=$2 want=$3 first=$4 last=$5
bad=0 seed=$first
while [ "$seed" -le "$last" ]; do
  line=$("$sim" run "$file" --quiet --seed "$seed" 2>&1)
  got=$?
  if [ "$got" != "$want" ]; then
    echo "seed $seed: exit $got, expected $want: $line"
    bad=$((bad + 1))
  fi
  seed=$((seed + 1))
done
echo "$(basename "$file" .json): $bad of $((last - first + 1)) seeds missed the expected exit $want"
[ "$bad" = 0 ]
