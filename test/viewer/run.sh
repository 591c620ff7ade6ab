#!/usr/bin/env bash
# The run report's 3D view in a real headless Chromium (test/viewer/check.ts, through the pinned puppeteer-core):
# the standalone page and the run report, each from disk and inside KFP 2.17.0's sandboxed iframe. The browser
# is Debian's chromium package, installed with apt when absent (no browser download); WebGL is SwiftShader's.
# Usage: test/viewer/run.sh RUN_DIR   (the --out of `npm run pipeline:local`; needs node_modules: npm ci)
set -euo pipefail
cd "$(dirname "$0")/../.."
run=${1:?usage: test/viewer/run.sh RUN_DIR}
if ! command -v chromium >/dev/null; then
  echo "installing Debian's chromium with apt"
  start=$SECONDS
  as_root=()
  [ "$(id -u)" = 0 ] || as_root=(sudo)
  "${as_root[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends chromium >/dev/null
  echo "chromium installed in $((SECONDS - start)) s"
fi
chromium --version 2>/dev/null | grep -i chromium || true
npx ts-node --transpile-only test/viewer/check.ts "$(command -v chromium)" \
  "$run/run-report/molecule.html" "$run/run-report/plot.html"
