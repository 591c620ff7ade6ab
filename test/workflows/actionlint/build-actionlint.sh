#!/usr/bin/env bash
# Usage: test/workflows/actionlint/build-actionlint.sh
# Builds (once) actionlint from its Go module (go/, pinned by go.mod + go.sum) and prints its path.
# Cached and keyed as tools/go-binary.sh says.
set -euo pipefail
source "$(dirname "$0")/../../../tools/go-binary.sh"
go_binary actionlint 1.26 github.com/rhysd/actionlint github.com/rhysd/actionlint/cmd/actionlint \
  "-X github.com/rhysd/actionlint.version=@VERSION@" "" go/go.mod go/go.sum build-actionlint.sh
