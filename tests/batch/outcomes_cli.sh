#!/usr/bin/env bash
# Outcomes CI understands, through backbeat-sim: run --as-expected (0 when the run meets its
# scenario's expect, 1 when not) and compare --fail-on-regression [--tolerance] (1 when B
# regressed from A).
# Usage: outcomes_cli.sh SIM WORKDIR
set -uo pipefail
sim=$1 work=$2
rm -rf "$work" && mkdir -p "$work"
fails=0
check() {  # check WANT_CODE NAME COMMAND...
  local want=$1 name=$2; shift 2
  "$@" >"$work/$name.out" 2>"$work/$name.err"
  local got=$?
  if [ "$got" != "$want" ]; then
    echo "FAIL $name: exit $got, expected $want: $*"; cat "$work/$name.out" "$work/$name.err" | head -40
    fails=$((fails + 1))
  fi
}

# slow_peers expects to fail p95_beats[dht_store]: a failure, as expected.
check 1 plain_fail "$sim" run slow_peers --quiet
check 0 expected_fail "$sim" run slow_peers --quiet --as-expected
grep -q "^expect    met (the scenario expects fail)" "$work/expected_fail.out" ||
  { echo "FAIL expected_fail: no 'expect met' line"; fails=$((fails + 1)); }
check 1 unexpected_pass "$sim" run baseline --quiet --as-expected --set expect=fail --set duration=5m
grep -q "^expect    NOT met: verdict pass, expected fail" "$work/unexpected_pass.out" ||
  { echo "FAIL unexpected_pass: no 'NOT met' line"; fails=$((fails + 1)); }
check 0 expected_pass "$sim" run baseline --quiet --as-expected --set duration=5m
# Failing a different assertion than the one named is not as expected.
check 1 other_failure "$sim" run slow_peers --quiet --as-expected --set budgets.pubsub_sync=1 \
  --set 'expect={"verdict":"fail","failing":["p95_beats[pubsub_sync] <= budget"]}'

# compare: a tighter budget turns an assertion from pass to fail.
"$sim" run budget_table --quiet --out "$work/a" >/dev/null
"$sim" run budget_table --quiet --out "$work/b" --set budgets.dht_store=2 >/dev/null
check 0 compare_plain "$sim" compare "$work/a" "$work/b"
check 1 compare_regressed "$sim" compare "$work/a" "$work/b" --fail-on-regression
grep -q "assertion p95_beats\[dht_store\] <= budget passed in A and fails in B" "$work/compare_regressed.out" ||
  { echo "FAIL compare_regressed: the regression is not named"; fails=$((fails + 1)); }
check 0 compare_same "$sim" compare "$work/a" "$work/a" --fail-on-regression
check 0 compare_improved "$sim" compare "$work/b" "$work/a" --fail-on-regression
check 1 compare_json "$sim" compare "$work/a" "$work/b" --fail-on-regression --json
grep -q '"regressions":\["assertion p95_beats' "$work/compare_json.out" ||
  { echo "FAIL compare_json: no regressions array"; fails=$((fails + 1)); }
check 2 tolerance_bad "$sim" compare "$work/a" "$work/b" --fail-on-regression --tolerance -3
check 2 tolerance_alone "$sim" compare "$work/a" "$work/b" --tolerance 2

[ $fails = 0 ] && echo "outcomes CLI: all checks passed"
exit $((fails > 0))
