#!/usr/bin/env bash
# Usage: test/workflows/actionlint/build-actionlint.sh
# Builds (once) actionlint from its Go module (go/, pinned by go.mod + go.sum) and prints its path.
# Cached under ${XDG_CACHE_HOME:-~/.cache}/kfp-protein-stack/actionlint/<key>, keyed by the wrapper module, this
# script and the Go version; the binary is written only when complete.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
command -v go >/dev/null || { echo "build-actionlint: Go is not installed; install Go >= 1.26 first" >&2; exit 1; }

export GOFLAGS=-mod=mod GOTOOLCHAIN=local CGO_ENABLED=0
# go.sum pins every module; the proxy here does not serve checksum-database entries for all of them.
export GOSUMDB=off

key=$( {
  cd "$here"
  sha256sum go/go.mod go/go.sum build-actionlint.sh
  go version
} | sha256sum | cut -c1-16)
root="${XDG_CACHE_HOME:-$HOME/.cache}/kfp-protein-stack/actionlint"
out="$root/$key"
mkdir -p "$out"

exec 9>"$root/.lock"
flock 9

if [ -x "$out/actionlint" ]; then
  echo "$out/actionlint"
  exit 0
fi

version=$(cd "$here/go" && go list -m -f '{{.Version}}' github.com/rhysd/actionlint)
echo "build-actionlint: building github.com/rhysd/actionlint@$version" >&2
start=$(date +%s)
(cd "$here/go" && go build -trimpath -ldflags "-s -w -X github.com/rhysd/actionlint.version=$version" \
  -o "$out/.actionlint.tmp" github.com/rhysd/actionlint/cmd/actionlint)
mv "$out/.actionlint.tmp" "$out/actionlint"
echo "build-actionlint: built in $(($(date +%s) - start)) s" >&2
echo "$out/actionlint"
