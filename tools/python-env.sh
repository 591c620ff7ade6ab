#!/usr/bin/env bash
# Usage: tools/python-env.sh NAME REQUIREMENTS_FILE [EXTRA_PIP_ARGS…]
# Creates (once) a virtualenv for NAME, keyed by the requirements file's hash, under the user cache,
# and prints its path. Re-running with the same requirements reuses it.
set -euo pipefail
name=$1 req=$2; shift 2
cache="${XDG_CACHE_HOME:-$HOME/.cache}/kfp-protein-stack"
hash=$( { cat "$req"; echo "$*"; python3 --version; } | sha256sum | cut -c1-12)
venv="$cache/venv-$name-$hash"
if [ ! -f "$venv/.complete" ]; then
  rm -rf "$venv"
  mkdir -p "$cache"
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$req" "$@" >&2
  touch "$venv/.complete"
fi
echo "$venv"
