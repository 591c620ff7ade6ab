#!/usr/bin/env bash
# npm run bench:md [-- --steps N] [-- --work DIR]    (--help: usage)
# The same NVT stage of the solvated 1AKI system on serial sander and on OpenMM's CPU platform with 1 thread
# and with every CPU; prints one `md-bench: …` line with ns/day and ratio = best OpenMM / sander.
# A benchmark, not a test: not part of CI or `npm test`. About 15 minutes on a 2-core machine.
set -euo pipefail
cd "$(dirname "$0")/.."
case " $* " in *" --help "* | *" -h "*) exec python3 images/amber/bench_md.py --help ;; esac
venv=$(tools/python-env.sh amber images/amber/requirements-test.txt)
export AMBERHOME="$venv" PATH="$PWD/images/amber/bin:$venv/bin:$PATH" PYTHONDONTWRITEBYTECODE=1
exec "$venv/bin/python" images/amber/bench_md.py "$@"
