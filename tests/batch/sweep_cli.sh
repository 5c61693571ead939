#!/usr/bin/env bash
# backbeat-sim sweep through the binary: exit codes (0 every seed as expected, 1 not, 2 bad input
# before any run), byte-identical sweep.json/junit.xml/grouped text on --jobs 1 and 2, a folder of
# scenarios as one junit.xml with a testsuite each, and both files read back by independent
# parsers (python3's xml.etree and jsonschema; skipped without python3-jsonschema).
# Usage: sweep_cli.sh SIM WORKDIR SCENARIOS_DIR SWEEP_SCHEMA
set -uo pipefail
sim=$1 work=$2 scenarios=$3 schema=$4
rm -rf "$work" && mkdir -p "$work"
. "$(dirname "$0")/cli_checks.sh"
tight='assertions=[{"kind":"agents_in_sync_within","beats":2},{"kind":"no_claim_lost"},{"kind":"beats_within_budget","percentile":99}]'

check 0 pass "$sim" sweep swarm --seeds 4 -j 2 -q
contains pass "$work/pass.out" "^groups    none: every seed passed, as expected"
check 0 expected_fail "$sim" sweep slow_peers --seeds 2 -q
contains expected_fail "$work/expected_fail.out" "as expected: p95_beats\[dht_store\] <= budget \(above_bound\)"

# The same failing sweep on one and on two jobs: identical files, identical text but the time.
check 1 jobs1 "$sim" sweep swarm --seeds 1..10 --jobs 1 --set "$tight" --out "$work/j1"
check 1 jobs2 "$sim" sweep swarm --seeds 1..10 --jobs 2 --set "$tight" --out "$work/j2"
for f in sweep.json junit.xml; do
  cmp "$work/j1/$f" "$work/j2/$f" || { echo "FAIL $f differs between --jobs 1 and 2"; fails=$((fails + 1)); }
done
diff <(grep -Ev '^(time|saved) ' "$work/jobs1.out") <(grep -Ev '^(time|saved) ' "$work/jobs2.out") ||
  { echo "FAIL the grouped text differs between --jobs 1 and 2"; fails=$((fails + 1)); }
contains jobs1 "$work/jobs1.out" "^group 1   [0-9]+ seeds?, NOT AS EXPECTED: "
contains jobs1 "$work/jobs1.out" "^          backbeat-sim run swarm --seed [0-9]+ --set 'assertions="
# The printed replay command reproduces its seed's failure.
replay=$(grep -m1 '^          backbeat-sim run ' "$work/jobs1.out" | sed 's/^ *backbeat-sim //')
eval "check 1 replay \"\$sim\" $replay --quiet"
contains replay "$work/replay.out" "^FAIL swarm"

# Bad input: exit 2 before anything runs or is written.
check 2 seeds_zero "$sim" sweep swarm --seeds 0
contains seeds_zero "$work/seeds_zero.err" "--seeds 0: expected N"
check 2 seeds_backwards "$sim" sweep swarm --seeds 9..3
check 2 no_seeds "$sim" sweep swarm
check 2 missing "$sim" sweep no_such_scenario --seeds 2
contains missing "$work/missing.err" "no_such_scenario"
mkdir -p "$work/empty"
check 2 empty_folder "$sim" sweep "$work/empty" --seeds 2
contains empty_folder "$work/empty_folder.err" "a folder without scenario files"
check 2 out_device "$sim" sweep swarm --seeds 2 --out /dev/null
mkdir -p "$work/occupied/junit.xml"
check 2 out_occupied "$sim" sweep swarm --seeds 2 --out "$work/occupied"
check 2 bad_jobs "$sim" sweep swarm --seeds 2 --jobs -1

# A folder of scenarios: one junit.xml, a testsuite per scenario, exit 0 when all as expected.
mkdir -p "$work/folder"
cp "$scenarios/slow_peers.json" "$scenarios/swarm.json" "$work/folder/"
check 0 folder "$sim" sweep "$work/folder" --seeds 3 -q --out "$work/folder_out"
contains folder "$work/folder.out" "^total     2 scenarios, 6 seeds: 6 as expected, 0 not"
[ "$(grep -c '<testsuite ' "$work/folder_out/junit.xml")" = 2 ] ||
  { echo "FAIL folder: expected 2 testsuites"; fails=$((fails + 1)); }
check 0 json "$sim" sweep slow_peers --seeds 2 --json
contains json "$work/json.out" '^\{"as_expected":true,"format":"backbeat.sweep.v1"'

# Ctrl-C: exit 130 and nothing written (a partial junit.xml would read as a complete sweep).
"$sim" sweep swarm --seeds 100000 --jobs 1 --out "$work/interrupted" >"$work/int.out" 2>"$work/int.err" &
pid=$!
sleep 1.5
kill -INT $pid
wait $pid
code=$?
[ $code = 130 ] || { echo "FAIL interrupt: exit $code, expected 130"; fails=$((fails + 1)); }
contains interrupt "$work/int.err" "interrupted: [0-9]+ of 100000 seeds of swarm finished; nothing written"
[ ! -e "$work/interrupted/sweep.json" ] && [ ! -e "$work/interrupted/junit.xml" ] ||
  { echo "FAIL interrupt: files written"; fails=$((fails + 1)); }

if python3 -c "import jsonschema" 2>/dev/null; then
  python3 - "$schema" "$work/j1/sweep.json" "$work/folder_out/sweep.json" "$work/j1/junit.xml" \
    "$work/folder_out/junit.xml" <<'PY' || fails=$((fails + 1))
import json, sys, jsonschema, xml.etree.ElementTree as ET
schema = json.load(open(sys.argv[1]))
jsonschema.Draft7Validator.check_schema(schema)
for path in sys.argv[2:4]:
    jsonschema.Draft7Validator(schema).validate(json.load(open(path)))
for path in sys.argv[4:6]:
    root = ET.parse(path).getroot()
    assert root.tag == "testsuites", path
    cases = root.findall("./testsuite/testcase")
    assert len(cases) == int(root.get("tests")), path
    assert len(root.findall("./testsuite/testcase/failure")) == int(root.get("failures")), path
print("sweep.json valid, junit.xml parsed")
PY
else
  echo "python3-jsonschema missing: the independent schema and XML checks were not run"
  [ "${BACKBEAT_NO_SKIP:-0}" = 1 ] && fails=$((fails + 1))
fi

# A third reader, xmllint (libxml2-utils, installed by .ci/setup; the checks above stand alone).
if command -v xmllint >/dev/null; then
  xmllint --noout "$work/j1/junit.xml" "$work/folder_out/junit.xml" || fails=$((fails + 1))
fi

[ $fails = 0 ] && echo "sweep CLI: all checks passed"
exit $((fails > 0))
