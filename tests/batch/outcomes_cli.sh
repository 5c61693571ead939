#!/usr/bin/env bash
# Outcomes CI understands, through backbeat-sim: run --as-expected (0 when the run meets its
# scenario's expect, 1 when not) and compare --fail-on-regression [--tolerance] (1 when B
# regressed from A).
# Usage: outcomes_cli.sh SIM WORKDIR
set -uo pipefail
sim=$1 work=$2
rm -rf "$work" && mkdir -p "$work"
. "$(dirname "$0")/cli_checks.sh"

# slow_peers expects to fail p95_beats[dht_store]: a failure, as expected.
check 1 plain_fail "$sim" run slow_peers --quiet
check 0 expected_fail "$sim" run slow_peers --quiet --as-expected
contains expected_fail "$work/expected_fail.out" "^expect    met \(the scenario expects fail\)"
check 1 unexpected_pass "$sim" run baseline --quiet --as-expected --set expect=fail --set duration=5m
contains unexpected_pass "$work/unexpected_pass.out" "^expect    NOT met: verdict pass, expected fail"
check 0 expected_pass "$sim" run baseline --quiet --as-expected --set duration=5m
# Failing a different assertion than the one named is not as expected.
check 1 other_failure "$sim" run slow_peers --quiet --as-expected --set budgets.pubsub_sync=1 \
  --set 'expect={"verdict":"fail","failing":["p95_beats[pubsub_sync] <= budget"]}'

# compare: a tighter budget turns an assertion from pass to fail.
"$sim" run budget_table --quiet --out "$work/a" >/dev/null
"$sim" run budget_table --quiet --out "$work/b" --set budgets.dht_store=2 >/dev/null
check 0 compare_plain "$sim" compare "$work/a" "$work/b"
check 1 compare_regressed "$sim" compare "$work/a" "$work/b" --fail-on-regression
contains compare_regressed "$work/compare_regressed.out" \
  "assertion p95_beats\[dht_store\] <= budget passed in A and fails in B"
check 0 compare_same "$sim" compare "$work/a" "$work/a" --fail-on-regression
check 0 compare_improved "$sim" compare "$work/b" "$work/a" --fail-on-regression
check 1 compare_json "$sim" compare "$work/a" "$work/b" --fail-on-regression --json
contains compare_json "$work/compare_json.out" '"regressions":\["assertion p95_beats'
check 2 tolerance_bad "$sim" compare "$work/a" "$work/b" --fail-on-regression --tolerance -3
check 2 tolerance_alone "$sim" compare "$work/a" "$work/b" --tolerance 2

[ $fails = 0 ] && echo "outcomes CLI: all checks passed"
exit $((fails > 0))
