#!/usr/bin/env bash
# Usage: test/fakes/minio/build-minio.sh
# Builds (once) a MinIO server from its Go module (go/, pinned by go.mod + go.sum) and prints its path.
# The real-S3 tests of `npm run results` run against it. Cached and keyed as tools/go-binary.sh says.
set -euo pipefail
source "$(dirname "$0")/../../../tools/go-binary.sh"
go_binary minio 1.24 github.com/minio/minio . "" " (a few minutes the first time)" \
  go/go.mod go/go.sum go/main.go build-minio.sh
