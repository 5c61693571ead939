#!/usr/bin/env bash
# compare of two run directories exits 0 and shows a verdict change; bad input exits 2.
# Usage: compare_runs.sh SIM WORKDIR
set -euo pipefail
sim=$1 work=$2
rm -rf "$work" && mkdir -p "$work"
"$sim" run baseline --quiet --set duration=20m --out "$work/a"
set +e
"$sim" run baseline --quiet --set duration=20m --set budgets.dht_store=1 --out "$work/b"
code=$?
set -e
[ "$code" -eq 1 ] || { echo "expected run b to fail (exit 1), got $code"; exit 1; }
"$sim" compare "$work/a" "$work/b" | tee "$work/compare.txt"
grep -q "CHANGED" "$work/compare.txt"
grep -q "p95_beats\[dht_store\] <= budget .*pass -> fail" "$work/compare.txt"
"$sim" compare "$work/a/run.json" "$work/b/report.json" --json > "$work/compare.json"
grep -q '"changes":\[{' "$work/compare.json"
set +e
"$sim" compare "$work/a" "$work/nonexistent" 2> "$work/err.txt"
code=$?
set -e
[ "$code" -eq 2 ] || { echo "expected exit 2 for a missing run directory, got $code"; exit 1; }
echo "compare_runs: ok"
