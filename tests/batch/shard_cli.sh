#!/usr/bin/env bash
# sweep/tune --shard K/N and merge through the binary (issue 15 section 3): a sweep of two
# scenarios and a tune, each split into 3 shards and merged, give byte for byte the files and the
# printed text of the one-machine command (except the time and saved lines, and tune.json's
# "jobs" and "wall_time_s" and check/'s wall_time_s, which differ between any two runs); parts
# that do not belong together are refused by name with exit 2 and nothing written.
# Usage: shard_cli.sh SIM WORKDIR
set -uo pipefail
sim=$1 work=$2
rm -rf "$work" && mkdir -p "$work"
. "$(dirname "$0")/cli_checks.sh"
tight='assertions=[{"kind":"agents_in_sync_within","beats":2},{"kind":"no_claim_lost"},{"kind":"beats_within_budget","percentile":99}]'
same() {  # same NAME A B: byte-identical files
  cmp "$2" "$3" || { echo "FAIL $1: $2 and $3 differ"; fails=$((fails + 1)); }
}
text_of() { grep -Ev '^(time|saved) ' "$1"; }

# --- sweep: one machine, then 3 shards (contiguous: 1..4, 5..7, 8..10) merged.
sweep=(sweep swarm baseline --seeds 1..10 --set "$tight" --set duration=10m -q)
check 1 sweep_one "$sim" "${sweep[@]}" -j 2 --out "$work/sweep_one"
for k in 1 2 3; do check 0 "sweep_p$k" "$sim" "${sweep[@]}" -j 1 --shard "$k/3" --out "$work/sp$k"; done
contains sweep_p1 "$work/sweep_p1.out" "^shard     1/3 of sweep: seeds 1\.\.4 of 1\.\.10, 2 scenario"
contains sweep_p3 "$work/sweep_p3.out" "^shard     3/3 of sweep: seeds 8\.\.10 of 1\.\.10"
# Parts in any order, as directories or files.
check 1 sweep_merge "$sim" merge "$work/sp3" "$work/sp1/part.json" "$work/sp2" --out "$work/sweep_merged"
for f in sweep.json junit.xml; do same "sweep $f" "$work/sweep_one/$f" "$work/sweep_merged/$f"; done
diff <(text_of "$work/sweep_one.out") <(text_of "$work/sweep_merge.out") ||
  { echo "FAIL the merged sweep prints other text"; fails=$((fails + 1)); }
check 1 sweep_merge_json "$sim" merge "$work/sp1" "$work/sp2" "$work/sp3" --json
check 1 sweep_one_json "$sim" "${sweep[@]}" --json
same "sweep --json" "$work/sweep_one_json.out" "$work/sweep_merge_json.out"

# --- tune: one machine, then 3 shards merged (merge on another --jobs: only "jobs" may differ).
tune=(tune swarm --seeds 9 --first-seed 5 --set duration=10m --percentile 95 --margin 1 --resamples 300 -q)
check 0 tune_one "$sim" "${tune[@]}" -j 2 --out "$work/tune_one"
for k in 1 2 3; do check 0 "tune_p$k" "$sim" "${tune[@]}" -j 1 --shard "$k/3" --out "$work/tp$k"; done
check 0 tune_merge "$sim" merge "$work/tp2" "$work/tp3" "$work/tp1" -j 1 --out "$work/tune_merged"
for f in budgets.json tune.txt scenario.tuned.json check/scenario.json check/report.md; do
  same "tune $f" "$work/tune_one/$f" "$work/tune_merged/$f"
done
strip() { grep -Ev '^  "(jobs|wall_time_s)": ' "$1"; }
diff <(strip "$work/tune_one/tune.json") <(strip "$work/tune_merged/tune.json") ||
  { echo "FAIL tune.json differs beyond jobs and wall_time_s"; fails=$((fails + 1)); }
for f in check/run.json check/report.json; do
  diff <(grep -v '"wall_time_s": ' "$work/tune_one/$f") <(grep -v '"wall_time_s": ' "$work/tune_merged/$f") ||
    { echo "FAIL tune $f differs beyond wall_time_s"; fails=$((fails + 1)); }
done
diff <(text_of "$work/tune_one.out") <(text_of "$work/tune_merge.out") ||
  { echo "FAIL the merged tune prints another table"; fails=$((fails + 1)); }

# --- parts that do not make one command: exit 2, named, nothing written.
check 2 missing "$sim" merge "$work/sp1" "$work/sp3" --out "$work/refused"
contains missing "$work/missing.err" "merge: shard 2/3 missing"
cp -r "$work/sp2" "$work/sp2_copy"
check 2 duplicated "$sim" merge "$work/sp1" "$work/sp2" "$work/sp2_copy" "$work/sp3" --out "$work/refused"
contains duplicated "$work/duplicated.err" "merge: shard 2/3 given twice: .*/sp2/part.json and .*/sp2_copy/part.json"
check 2 mixed_kinds "$sim" merge "$work/sp1" "$work/tp2" "$work/sp3" --out "$work/refused"
contains mixed_kinds "$work/mixed_kinds.err" "merge .*/tp2/part.json: not a shard of the same sweep as .*/sp1/part.json: kind tune vs sweep"
check 0 other_set "$sim" "${sweep[@]}" --set duration=11m --shard 2/3 --out "$work/sp2_other"
check 2 other_scenario "$sim" merge "$work/sp1" "$work/sp2_other" "$work/sp3" --out "$work/refused"
contains other_scenario "$work/other_scenario.err" "sp2_other/part.json: not a shard of the same sweep .*: --set "
check 0 other_count "$sim" "${sweep[@]}" --shard 2/4 --out "$work/sp2_of_4"
check 2 other_count_merge "$sim" merge "$work/sp1" "$work/sp2_of_4" "$work/sp3" --out "$work/refused"
contains other_count_merge "$work/other_count_merge.err" "sp2_of_4/part.json: .*: shard count 4 vs 3"
# A part computed by another build (here: another canary fingerprint) is named, never merged.
mkdir -p "$work/sp2_foreign"
sed -E 's/canary [0-9a-f]{16}/canary 0000000000000000/g' "$work/sp2/part.json" >"$work/sp2_foreign/part.json"
check 2 foreign_build "$sim" merge "$work/sp1" "$work/sp2_foreign" "$work/sp3" --out "$work/refused"
contains foreign_build "$work/foreign_build.err" "sp2_foreign/part.json: not a shard of the same sweep .*: build \".*canary 0000000000000000\" vs"
# Hand-edited records: a part whose record lost its fingerprint is refused naming the field.
mkdir -p "$work/sp2_edited"
sed -E '0,/"fingerprint":"[0-9a-f]{16}",/s///' "$work/sp2/part.json" >"$work/sp2_edited/part.json"
check 2 edited "$sim" merge "$work/sp1" "$work/sp2_edited" "$work/sp3" --out "$work/refused"
contains edited "$work/edited.err" "sp2_edited/part.json: part/scenarios/0/result/records/0: seed 5/fingerprint: expected a string"
# Truncated, and too large (a sparse file: refused from its size, without reading it).
mkdir -p "$work/sp2_cut" "$work/huge"
head -c 500 "$work/sp2/part.json" >"$work/sp2_cut/part.json"
check 2 truncated "$sim" merge "$work/sp1" "$work/sp2_cut" "$work/sp3" --out "$work/refused"
contains truncated "$work/truncated.err" "sp2_cut/part.json: not JSON \(truncated"
truncate -s 2G "$work/huge/part.json"
check 2 huge "$sim" merge "$work/sp1" "$work/huge" "$work/sp3" --out "$work/refused"
contains huge "$work/huge.err" "huge/part.json: the part file is larger than the limit of 1024 MiB"
rm -f "$work/huge/part.json"
[ -e "$work/refused" ] && { echo "FAIL a refused merge wrote $work/refused"; fails=$((fails + 1)); }

[ $fails = 0 ] && echo "shard CLI: all checks passed"
exit $((fails > 0))
