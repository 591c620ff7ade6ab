#!/usr/bin/env bash
# Usage: test/fakes/minio/build-minio.sh
# Builds (once) a MinIO server from its Go module (go/, pinned by go.mod + go.sum) and prints its path.
# The real-S3 tests of `npm run results` run against it. Cached under
# ${XDG_CACHE_HOME:-~/.cache}/kfp-protein-stack/minio/<key>, keyed by the wrapper module, this script and
# the Go version; the binary is written only when complete, so a build cut short starts over cleanly.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
command -v go >/dev/null || { echo "build-minio: Go is not installed; install Go >= 1.24 first" >&2; exit 1; }

export GOFLAGS=-mod=mod GOTOOLCHAIN=local CGO_ENABLED=0
# go.sum pins every module; the proxy here does not serve checksum-database entries for all of them.
export GOSUMDB=off

key=$( {
  cd "$here"
  sha256sum go/go.mod go/go.sum go/main.go build-minio.sh
  go version
} | sha256sum | cut -c1-16)
root="${XDG_CACHE_HOME:-$HOME/.cache}/kfp-protein-stack/minio"
out="$root/$key"
mkdir -p "$out"

exec 9>"$root/.lock"
flock 9

if [ -x "$out/minio" ]; then
  echo "$out/minio"
  exit 0
fi

version=$(cd "$here/go" && go list -m -f '{{.Version}}' github.com/minio/minio)
echo "build-minio: building github.com/minio/minio@$version (a few minutes the first time)" >&2
start=$(date +%s)
(cd "$here/go" && go build -trimpath -ldflags "-s -w" -o "$out/.minio.tmp" .)
mv "$out/.minio.tmp" "$out/minio"
echo "build-minio: built in $(($(date +%s) - start)) s" >&2
echo "$out/minio"
