#!/usr/bin/env bash
# npm run bench:science [-- OUT_DIR]     the tutorial preset on 1AKI, end to end, with the local runner
# npm run bench:science -- --table DIR   only print the table of a run that already exists in DIR
# Prints the table of docs/science.md (quantities beside the tutorial's, wall time per task). Long: sander
# is single-threaded; on a shared 2-core machine the run took 77 minutes. Not part of CI or `npm test`.
set -uo pipefail
cd "$(dirname "$0")/.."
venv=$(tools/python-env.sh amber images/amber/requirements-test.txt)
if [ "${1:-}" = "--table" ]; then
  exec "$venv/bin/python" images/amber/science_table.py "${2:?--table needs the run directory}"
fi
out=${1:-${XDG_CACHE_HOME:-$HOME/.cache}/kfp-protein-stack/bench-science}
npm run --silent compile
echo "bench:science: tutorial preset, 1AKI, output in $out (started $(date -u +%H:%M) UTC)"
status=0
mkdir -p "$out"
npm run --silent pipeline:local -- --preset tutorial --out "$out" --venv "$venv" --param pdb_code=1aki --no-cache |
  tee "$out/runner.log" || status=$?
"$venv/bin/python" images/amber/science_table.py "$out"
exit "$status"
