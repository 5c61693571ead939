#!/usr/bin/env bash
# The loader and an independent JSON Schema validator (python3-jsonschema, draft-07) judge every
# test file alike: each shipped scenario is accepted by both; each file under bad/ is refused by
# both. Files under beyond_schema/ break only a cross-field rule a JSON Schema cannot state
# (selectors against the cluster, times against the run, names against the workload): the loader
# refuses them and the schema accepts them, and a file the schema starts refusing belongs in bad/.
# Exit 77 (skipped) when python3-jsonschema is missing.
# Usage: loader_agrees_with_schema.sh SIM SCHEMA SCENARIOS_DIR TEST_SCENARIOS_DIR
set -euo pipefail
sim=$1 schema=$2 shipped=$3 data=$4
python3 -c "import jsonschema" 2>/dev/null || { echo "python3-jsonschema missing: skipped"; exit 77; }
python3 - "$sim" "$schema" "$shipped" "$data" <<'PY'
import json, pathlib, subprocess, sys
import jsonschema

sim, schema_path, shipped, data = sys.argv[1:]
schema = json.load(open(schema_path))
jsonschema.Draft7Validator.check_schema(schema)
validator = jsonschema.Draft7Validator(schema)

def strip_comments(text):
    """JSON with // and /* */ comments -> JSON (comments outside strings only)."""
    out, i, n, in_string = [], 0, len(text), False
    while i < n:
        c = text[i]
        if in_string:
            out.append(c)
            if c == "\\" and i + 1 < n:
                out.append(text[i + 1]); i += 2; continue
            if c == '"': in_string = False
            i += 1; continue
        if c == '"':
            in_string = True; out.append(c); i += 1; continue
        if text.startswith("//", i):
            j = text.find("\n", i); i = n if j < 0 else j; continue
        if text.startswith("/*", i):
            j = text.find("*/", i + 2); i = n if j < 0 else j + 2; continue
        out.append(c); i += 1
    return "".join(out)

def schema_accepts(path):
    try:
        doc = json.loads(strip_comments(path.read_text()))
    except ValueError as e:
        return False, f"not JSON: {e}"
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    return not errors, "; ".join(f"/{'/'.join(map(str, e.absolute_path))}: {e.message[:120]}"
                                 for e in errors[:3])

def loader_accepts(path):
    r = subprocess.run([sim, "validate", str(path)], capture_output=True, text=True)
    if r.returncode not in (0, 2):
        sys.exit(f"{path}: backbeat-sim validate exited {r.returncode}: {r.stderr}")
    return r.returncode == 0, (r.stderr or r.stdout).strip().splitlines()[:2]

cases = [(p, True, True) for p in sorted(pathlib.Path(shipped).glob("*.json"))
         if p.name != "schema.json"]
cases += [(p, False, False) for p in sorted(pathlib.Path(data, "bad").glob("*.json"))]
cases += [(p, False, True) for p in sorted(pathlib.Path(data, "beyond_schema").glob("*.json"))]
assert len(cases) >= 40, f"only {len(cases)} files found"
failures = 0
for path, loader_expected, schema_expected in cases:
    by_loader, loader_says = loader_accepts(path)
    by_schema, schema_says = schema_accepts(path)
    verdict = "ok"
    if by_loader != loader_expected or by_schema != schema_expected:
        failures += 1
        verdict = "DISAGREE"
    print(f"{verdict:8} loader {'accepts' if by_loader else 'refuses'}, schema "
          f"{'accepts' if by_schema else 'refuses'}: {path.parent.name}/{path.name}")
    if verdict != "ok":
        print(f"         loader: {loader_says}\n         schema: {schema_says}")
print(f"{len(cases)} files, {failures} disagreements")
sys.exit(1 if failures else 0)
PY
