#!/usr/bin/env bash
# CI tier for the AMBER step runner, with real AmberTools and biobb from PyPI (no cluster, no Docker):
#  1. the venv (tools/python-env.sh; cached by requirements hash),
#  2. the IR (npm run compile) for the contract test,
#  3. pytest: unit tests, the contract test and every step run for real on a small system,
#  4. the local runner on the tiny preset, the whole pipeline checked by tests/check_local_run.py: once on 1AKI
#     (the default; the container tier benchmarks against this run), once on 4E43 (a second structure), and
#     once more on 1AKI with md_engine=openmm (every MD stage on OpenMM's CPU platform),
#  5. reproducibility: the tiny 1AKI run once more, every structure and MD energy series compared with the
#     first run's by tests/compare_runs.py (same seed, same machine, same thread count),
#  6. the first tiny 1AKI run's 3D view (run-report/molecule.html and the report) in headless Chromium
#     (test/viewer/run.sh; installs Debian's chromium with apt when absent).
# Needs node_modules (npm ci) first. Usage: images/amber/ci.sh [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
out=${1:-$(mktemp -d)}

echo "== AMBER: python env"
venv=$(tools/python-env.sh amber images/amber/requirements-test.txt)
export AMBERHOME="$venv" PATH="$repo/images/amber/bin:$venv/bin:$PATH" PYTHONDONTWRITEBYTECODE=1
for tool in tleap teLeap sander cpptraj ambpdb pdb4amber protein-step; do
  command -v "$tool" >/dev/null || { echo "AmberTools check: $tool is not on PATH" >&2; exit 1; }
done
test -f "$AMBERHOME/dat/leap/cmd/leaprc.protein.ff14SB" || { echo "AmberTools check: no leap force fields under $AMBERHOME" >&2; exit 1; }
echo "AmberTools from $AMBERHOME: tleap, teLeap, sander, cpptraj, ambpdb, pdb4amber, leap data present"

echo "== AMBER: compile the IR"
npm run --silent compile

echo "== AMBER: pytest (real AmberTools)"
start=$SECONDS
(cd images/amber && python -m pytest -q -p no:cacheprovider tests)
echo "pytest took $((SECONDS - start)) s"

for run in 1aki:sander 4e43:sander 1aki:openmm; do
  pdb=${run%:*} engine=${run#*:}
  echo "== AMBER: local runner, tiny preset, $pdb, md_engine=$engine"
  start=$SECONDS
  dir="$out/tiny"
  [ "$pdb" = 1aki ] || dir="$out/tiny-$pdb"
  [ "$engine" = sander ] || dir="$dir-$engine"
  npm run --silent pipeline:local -- --preset tiny --param "pdb_code=$pdb" --param "md_engine=$engine" --out "$dir" --venv "$venv"
  python images/amber/tests/check_local_run.py "$dir" --engine "$engine"
  echo "local runner on $pdb ($engine) took $((SECONDS - start)) s"
done

echo "== AMBER: reproducibility, the tiny 1AKI run again with the same seed"
start=$SECONDS
npm run --silent pipeline:local -- --preset tiny --param pdb_code=1aki --out "$out/tiny-repeat" --venv "$venv" --no-cache
python images/amber/tests/compare_runs.py "$out/tiny" "$out/tiny-repeat"
echo "reproducibility run and comparison took $((SECONDS - start)) s"

echo "== AMBER: the tiny 1AKI run's 3D view in headless Chromium"
start=$SECONDS
bash test/viewer/run.sh "$out/tiny"
echo "3D view check took $((SECONDS - start)) s"
