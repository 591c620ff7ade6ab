#!/usr/bin/env bash
# Usage: npm run test:integration
# Builds or reuses the test tools (test/integration/toolchain/build-test-tools.sh), unit-tests the harness's own logic,
# then runs the live tier (test/integration/main.ts). Its last line is the `integration: …` summary.
set -euo pipefail
cd "$(dirname "$0")/../.."
for cmd in go node kubectl; do
  command -v "$cmd" >/dev/null || { echo "integration: $cmd is not installed (needs Go >= 1.26, Node 20, kubectl)" >&2; exit 1; }
done
ITEST_TOOLS_BIN=$(bash test/integration/toolchain/build-test-tools.sh)
export ITEST_TOOLS_BIN
# The real MinIO behind the `npm run results` port-forward check, built (once, cached) as test:results builds it.
MINIO_BIN=$(test/fakes/minio/build-minio.sh)
export MINIO_BIN
npx jest -c test/integration/jest.config.js --silent
exec npx ts-node --transpile-only test/integration/main.ts
