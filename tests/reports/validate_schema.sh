#!/usr/bin/env bash
# report.json of runs with and without faults validates against reports/report.schema.json
# (python3-jsonschema, draft-07). Exit 77 (skipped; a failure under BACKBEAT_NO_SKIP=1) when python3-jsonschema is missing.
# Usage: validate_schema.sh SIM WORKDIR SCHEMA
set -euo pipefail
. "$(dirname "$0")/../support/skip.sh"
sim=$1 work=$2 schema=$3
python3 -c "import jsonschema" 2>/dev/null || skip "python3-jsonschema missing"
rm -rf "$work" && mkdir -p "$work"
for s in baseline nats_disconnect_storm pulse_failover slow_peers; do
  "$sim" run "$s" --quiet --out "$work/$s" || true
done
python3 - "$schema" "$work" <<'PY'
import json, sys, jsonschema, pathlib
schema = json.load(open(sys.argv[1]))
jsonschema.Draft7Validator.check_schema(schema)
runs = sorted(pathlib.Path(sys.argv[2]).glob("*/report.json"))
assert len(runs) == 4, runs
for path in runs:
    jsonschema.Draft7Validator(schema).validate(json.load(open(path)))
    print("valid", path)
PY
