#!/bin/sh
# replay_roundtrip.sh BACKBEAT_SIM SCENARIO: `run --out DIR` then `replay DIR` and
# `replay SCENARIO --seed --expect-fingerprint` must reproduce the run's fingerprint.
set -eu
sim=$1; scenario=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$sim" run "$scenario" --seed 77 --set workload.operations.0.count=30 --out "$dir/run" --quiet || true
test -f "$dir/run/run.json" && test -f "$dir/run/scenario.json" && test -f "$dir/run/seed"
fp=$(sed -n 's/.*"fingerprint": "\([0-9a-f]\{16\}\)".*/\1/p' "$dir/run/run.json")
test -n "$fp"
"$sim" replay "$dir/run" --quiet
"$sim" replay "$scenario" --seed 77 --set workload.operations.0.count=30 --expect-fingerprint "$fp" --quiet
# A different seed must not reproduce it (exit 1).
if "$sim" replay "$scenario" --seed 78 --set workload.operations.0.count=30 --expect-fingerprint "$fp" --quiet; then
  echo "replay with another seed claimed to reproduce $fp" >&2; exit 1
fi
echo "replay reproduced $fp"
