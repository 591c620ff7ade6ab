#!/usr/bin/env bash
# npm run bench:science [-- OUT_DIR]     the tutorial preset on 1AKI, end to end, with the local runner
# npm run bench:science -- --table DIR   only print the table of a run that already exists in DIR
# Prints the table of docs/science.md (quantities beside the tutorial's, wall time per task). Long: sander
# is single-threaded; on a shared 2-core machine the run took 77 minutes. Not part of CI or `npm test`.
set -uo pipefail
cd "$(dirname "$0")/.."
synopsis="npm run bench:science [-- OUT_DIR | --table DIR]"
case "${1:-}" in
  -h | --help)
    cat <<EOF
usage: $synopsis

Runs the tutorial preset on PDB 1AKI end to end with the local runner (about 77 minutes on 2 cores: sander is
single-threaded) and prints docs/science.md's table: each quantity beside the tutorial's, and the wall time of
every task. Not part of CI or npm test.

arguments:
  OUT_DIR       where the run goes (default ~/.cache/kfp-protein-stack/bench-science)
  --table DIR   only print the table of a run that already exists in DIR
  -h, --help    print this help and exit
EOF
    exit 0
    ;;
  --table) [ -n "${2:-}" ] || { printf 'bench:science: --table needs the run directory\nusage: %s\n' "$synopsis" >&2 && exit 2; } ;;
  -*) printf 'bench:science: unknown argument %s\nusage: %s\n' "$1" "$synopsis" >&2 && exit 2 ;;
esac
venv=$(tools/python-env.sh amber images/amber/requirements-test.txt)
if [ "${1:-}" = "--table" ]; then
  exec "$venv/bin/python" images/amber/science_table.py "$2"
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
