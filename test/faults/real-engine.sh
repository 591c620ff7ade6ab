#!/usr/bin/env bash
# Usage: npm run test:faults:engine
# A few fault scenarios through the real Pulumi engine (test/faults/real-engine.ts), with the CLI and language host
# the integration tier builds (reused from ~/.cache when built). Its last line is the `faults-engine: …` summary.
set -euo pipefail
cd "$(dirname "$0")/../.."
ITEST_TOOLS_BIN=$(bash test/integration/toolchain/build-test-tools.sh)
export ITEST_TOOLS_BIN
exec npx ts-node --transpile-only test/faults/real-engine.ts
