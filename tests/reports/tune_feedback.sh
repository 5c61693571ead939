#!/usr/bin/env bash
# tune on a shipped scenario writes budgets.json; feeding it back (the tuned scenario file, or
# --set budgets=...) gives a passing verdict. Usage: tune_feedback.sh SIM WORKDIR SCENARIO
set -euo pipefail
sim=$1 work=$2 scenario=$3
rm -rf "$work" && mkdir -p "$work"
"$sim" tune "$scenario" --seeds 6 --jobs 2 --resamples 200 --out "$work/tune" > "$work/tune.out"
cat "$work/tune.out"
for f in budgets.json tune.json tune.txt scenario.tuned.json check/report.html check/report.json \
         check/report.md check/run.json; do
  [ -s "$work/tune/$f" ] || { echo "missing $work/tune/$f"; exit 1; }
done
grep -q '"seeds_completed": 6' "$work/tune/tune.json" || { echo "tune.json: not 6 seeds"; exit 1; }
grep -q "guideline" "$work/tune.out" || { echo "no guideline column"; exit 1; }
"$sim" run "$work/tune/scenario.tuned.json" --quiet
budgets=$(tr -d ' \n' < "$work/tune/budgets.json")
"$sim" run "$scenario" --set "budgets=$budgets" --quiet
# The tuned table replays like any scenario (run --out, then replay DIR).
"$sim" run "$work/tune/scenario.tuned.json" --quiet --out "$work/run"
"$sim" replay "$work/run" --quiet
echo "tune_feedback: ok ($budgets)"
