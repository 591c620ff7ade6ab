#!/usr/bin/env bash
# npm run bench:science [-- [--engine sander|openmm] [OUT_DIR]]  the tutorial preset on 1AKI, end to end, once per
#                                                               seed, with the local runner, on one MD engine
# npm run bench:science -- --table DIR…  only print the table of runs that already exist (one DIR per seed)
# Runs go to OUT_DIR/ENGINE/seed-N; the table and docs/science.md then cover every engine's runs of these seeds
# found under OUT_DIR, so `--engine sander` and `--engine openmm` one after the other give both columns.
# Seeds: BENCH_SEEDS (default "71277 1 2", at least 3). Prints, for each reference band, the mean and range across
# the seeds with inside/outside computed, and regenerates the generated block of docs/science.md with the date,
# commit, machine and command. Long: sander is single-threaded; a seed's MD took 34–43 minutes with sander
# and 16–20 with OpenMM on one core of a busy 2-core machine. Not part of CI or `npm test`.
set -uo pipefail
cd "$(dirname "$0")/.."
synopsis="npm run bench:science [-- [--engine sander|openmm] [OUT_DIR] | --table DIR...]"
engine=sander
if [ "${1:-}" = "--engine" ]; then
  case "${2:-}" in
    sander | openmm) engine=$2 && shift 2 ;;
    *) printf 'bench:science: --engine takes sander or openmm, got "%s"\nusage: %s\n' "${2:-}" "$synopsis" >&2 && exit 2 ;;
  esac
fi
case "${1:-}" in
  -h | --help)
    cat <<EOF
usage: $synopsis

Runs the tutorial preset on PDB 1AKI end to end with the local runner, once per seed (BENCH_SEEDS, default
"71277 1 2", at least 3; 35-45 minutes a seed with sander, about 20 with OpenMM on one core), prints each reference
band's mean and range across the seeds with inside/outside computed, and regenerates the generated block of
docs/science.md. Not part of CI or npm test.

arguments:
  --engine E     the MD engine of every MD stage: sander (default) or openmm (OpenMM takes as many threads as the
                 process may use: pin it with taskset to compare fairly)
  OUT_DIR        where the runs go, OUT_DIR/ENGINE/seed-N (default ~/.cache/kfp-protein-stack/bench-science); the
                 table covers every engine's runs of these seeds found there
  --table DIR... only print the table of runs that already exist (one DIR per seed)
  -h, --help     print this help and exit
EOF
    exit 0
    ;;
  --table) [ -n "${2:-}" ] || { printf 'bench:science: --table needs the run directory\nusage: %s\n' "$synopsis" >&2 && exit 2; } ;;
  -*) printf 'bench:science: unknown argument %s\nusage: %s\n' "$1" "$synopsis" >&2 && exit 2 ;;
esac
venv=$(tools/python-env.sh amber images/amber/requirements-test.txt)
if [ "${1:-}" = "--table" ]; then
  shift
  exec "$venv/bin/python" images/amber/science_table.py "${@:?--table needs the run directories}"
fi
read -r -a seeds <<<"${BENCH_SEEDS:-71277 1 2}"
if [ "${#seeds[@]}" -lt 3 ]; then
  echo "bench:science: give at least 3 seeds (BENCH_SEEDS), got ${#seeds[@]}" >&2
  exit 2
fi
root=${1:-${XDG_CACHE_HOME:-$HOME/.cache}/kfp-protein-stack/bench-science}
npm run --silent compile
status=0
for seed in "${seeds[@]}"; do
  dir="$root/$engine/seed-$seed"
  mkdir -p "$dir"
  echo "bench:science: tutorial preset, 1AKI, $engine, seed $seed, output in $dir (started $(date -u +%H:%M) UTC)"
  npm run --silent pipeline:local -- --preset tutorial --out "$dir" --venv "$venv" --param pdb_code=1aki \
    --param "seed=$seed" --param "md_engine=$engine" --no-cache | tee "$dir/runner.log" || status=$?
done
runs=()
for other in sander openmm; do
  for seed in "${seeds[@]}"; do
    [ -d "$root/$other/seed-$seed" ] && runs+=("$root/$other/seed-$seed")
  done
done
"$venv/bin/python" images/amber/science_table.py --docs docs/science.md \
  --command "BENCH_SEEDS=\"${seeds[*]}\" npm run bench:science -- --engine sander|openmm" "${runs[@]}"
exit "$status"
