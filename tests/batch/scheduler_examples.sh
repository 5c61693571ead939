#!/usr/bin/env bash
# The scheduler examples run as written (issue 15 section 3): examples/slurm's array and merge
# scripts with SLURM_ARRAY_TASK_ID set here, and the shell commands of examples/kubernetes'
# Indexed Job and merge Job with JOB_COMPLETION_INDEX set here (/parts moved to a scratch folder),
# each on a small scenario over 3 shards; the merged sweep.json and junit.xml must equal a
# one-machine sweep's, byte for byte, so every flag the examples name exists and does what they
# say. The manifests are read with python3-yaml (exit 77, skipped, without it).
# Usage: scheduler_examples.sh SIM WORKDIR EXAMPLES_DIR
set -uo pipefail
sim=$1 work=$2 examples=$3
rm -rf "$work" && mkdir -p "$work/bin"
. "$(dirname "$0")/cli_checks.sh"
# The examples call `backbeat-sim` from PATH.
ln -s "$(cd "$(dirname "$sim")" && pwd)/$(basename "$sim")" "$work/bin/backbeat-sim"
export PATH="$work/bin:$PATH"

# A small scenario: swarm for 5 virtual minutes, as a file (the effective document run --out saves).
"$sim" run swarm --set duration=5m --out "$work/scenario" >/dev/null 2>&1
scenario="$work/scenario/scenario.json"
[ -f "$scenario" ] || { echo "FAIL no scenario file from run --out"; exit 1; }
seeds=1..7
check_same() {  # check_same NAME MERGED_DIR
  for f in sweep.json junit.xml; do
    cmp "$work/one/$f" "$2/$f" || { echo "FAIL $1: $f differs from one machine's"; fails=$((fails + 1)); }
  done
}
"$sim" sweep "$scenario" --seeds "$seeds" -q --out "$work/one" >"$work/one.out" 2>&1
want=$?

# --- Slurm: three array tasks, then the merge job.
for k in 1 2 3; do
  check 0 "slurm_task_$k" env SHARDS=3 SLURM_ARRAY_TASK_ID=$k SLURM_CPUS_PER_TASK=1 \
    SCENARIO="$scenario" SEEDS=$seeds PARTS="$work/slurm/parts" bash "$examples/slurm/shard.sbatch"
done
check "$want" slurm_merge env PARTS="$work/slurm/parts" RESULT="$work/slurm/out" \
  bash "$examples/slurm/merge.sbatch"
check_same slurm "$work/slurm/out"
contains slurm_submit "$examples/slurm/submit.sh" 'sbatch --parsable --array="1-\$\{SHARDS\}"'
contains slurm_submit "$examples/slurm/submit.sh" 'dependency="afterok:\$\{array\}"'

# --- Kubernetes: the Indexed Job's command per index, then the merge Job's.
if ! python3 -c "import yaml" 2>/dev/null; then
  echo "python3-yaml missing: the Kubernetes manifests were not run"
  [ "${BACKBEAT_NO_SKIP:-0}" = 1 ] && exit 1
  [ $fails = 0 ] && exit 77
  exit 1
fi
python3 - "$examples/kubernetes" "$work/k8s" <<'PY' || fails=$((fails + 1))
import sys, yaml
src, out = sys.argv[1], sys.argv[2]
def job(name):
    with open(f"{src}/{name}") as f:
        doc = yaml.safe_load(f)
    assert doc["kind"] == "Job", name
    return doc["spec"]
shards = job("shards-job.yaml")
assert shards["completionMode"] == "Indexed", "shards-job.yaml: completionMode"
c = shards["template"]["spec"]["containers"][0]
env = {e["name"]: e["value"] for e in c["env"]}
assert int(env["SHARDS"]) == shards["completions"], "SHARDS must equal completions"
assert c["command"] == ["/bin/sh", "-c"], c["command"]
assert any(v["mountPath"] == "/parts" for v in c["volumeMounts"])
merge = job("merge-job.yaml")["template"]["spec"]["containers"][0]
for name, container in (("shard", c), ("merge", merge)):
    with open(f"{out}.{name}.sh", "w") as f:
        f.write(container["args"][0].replace("/parts", out + "/parts") + "\n")
PY
for i in 0 1 2; do
  check 0 "k8s_index_$i" env SHARDS=3 JOB_COMPLETION_INDEX=$i SCENARIO="$scenario" SEEDS=$seeds \
    /bin/sh "$work/k8s.shard.sh"
done
check "$want" k8s_merge /bin/sh "$work/k8s.merge.sh"
check_same kubernetes "$work/k8s/parts/result"

[ $fails = 0 ] && echo "scheduler examples: all checks passed"
exit $((fails > 0))
