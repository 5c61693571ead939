#!/bin/sh
# shrink_cli_roundtrip.sh BACKBEAT_SIM FIXTURE: `run --out DIR` of the failing fixture, then
# `shrink DIR`: the output directory is complete, scenario.min.json still fails (exit 1 with the
# same assertion), its run directory replays, and shrinking again (with other --jobs) writes the
# same scenario.min.json and shrink.log.
set -eu
sim=$1; fixture=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
if "$sim" run "$fixture" --out "$dir/run" --quiet; then
  echo "the fixture passed: it must fail" >&2; exit 1
fi
"$sim" shrink "$dir/run" --jobs 2 --quiet > "$dir/first.txt"
for f in scenario.min.json scenario.materialised.json shrink.log run/run.json run/report.html; do
  test -f "$dir/run/shrink/$f" || { echo "shrink did not write $f" >&2; exit 1; }
done
grep -q "faults .* 12 .* [12]$" "$dir/first.txt" || { cat "$dir/first.txt" >&2; exit 1; }
set +e
"$sim" run "$dir/run/shrink/scenario.min.json" --json > "$dir/min.json"
code=$?
set -e
test "$code" = 1 || { echo "scenario.min.json exited $code, expected 1 (fails)" >&2; exit 1; }
grep -q '"name":"over_budget_share"[^}]*"pass":false' "$dir/min.json" ||
  { echo "scenario.min.json does not fail over_budget_share" >&2; exit 1; }
"$sim" replay "$dir/run/shrink/run" --quiet > /dev/null || [ $? = 1 ]
"$sim" shrink "$fixture" --jobs 1 --out "$dir/again" --quiet > /dev/null
cmp "$dir/run/shrink/shrink.log" "$dir/again/shrink.log" | sed 's/^/shrink.log: /' >&2 || true
# The log names the source path; the scenarios themselves must be identical.
cmp "$dir/run/shrink/scenario.min.json" "$dir/again/scenario.min.json" || {
  echo "a second shrink wrote a different scenario.min.json" >&2; exit 1; }
echo "shrunk: $(grep faults "$dir/first.txt")"
