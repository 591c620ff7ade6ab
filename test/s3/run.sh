#!/usr/bin/env bash
# npm run test:results: builds (once, cached) a MinIO server from its Go module, then runs the real-S3
# tests of `npm run results` against it. The disk-full case mounts a small tmpfs, so it runs as root.
set -euo pipefail
cd "$(dirname "$0")/../.."
start=$SECONDS
MINIO_BIN=$(test/fakes/minio/build-minio.sh)
export MINIO_BIN
echo "test:results: MinIO ready in $((SECONDS - start)) s ($MINIO_BIN)"
npx jest -c test/s3/jest.config.js "$@"
echo "test:results: took $((SECONDS - start)) s"
