# Sourced by the scripts that build one test tool from its Go module (test/fakes/minio/build-minio.sh,
# test/workflows/actionlint/build-actionlint.sh). Each keeps its wrapper module in go/ beside it, pinned by
# go.mod + go.sum.
#
# go_binary NAME GO_MIN MODULE PACKAGE LDFLAGS NOTE KEY_FILE...
#   Builds (once) PACKAGE of the wrapper module as NAME and prints the binary's path. Cached under
#   ${XDG_CACHE_HOME:-~/.cache}/kfp-protein-stack/NAME/<key>, keyed by the KEY_FILEs (relative to the caller's
#   folder), this file and the Go version; the binary is written only when complete, so a build cut short
#   starts over cleanly. @VERSION@ in LDFLAGS becomes MODULE's pinned version; NOTE follows the "building" line.
go_binary() {
  local name=$1 go_min=$2 module=$3 package=$4 ldflags=$5 note=$6
  shift 6
  local here helper=${BASH_SOURCE[0]}
  here=$(cd "$(dirname "${BASH_SOURCE[1]}")" && pwd)
  command -v go >/dev/null || { echo "build-$name: Go is not installed; install Go >= $go_min first" >&2; return 1; }

  export GOFLAGS=-mod=mod GOTOOLCHAIN=local CGO_ENABLED=0
  # go.sum pins every module; the proxy here does not serve checksum-database entries for all of them.
  export GOSUMDB=off

  local key root out
  key=$( {
    (cd "$here" && sha256sum "$@")
    sha256sum <"$helper"
    go version
  } | sha256sum | cut -c1-16)
  root="${XDG_CACHE_HOME:-$HOME/.cache}/kfp-protein-stack/$name"
  out="$root/$key"
  mkdir -p "$out"

  exec 9>"$root/.lock"
  flock 9

  if [ -x "$out/$name" ]; then
    echo "$out/$name"
    return 0
  fi

  local version start
  version=$(cd "$here/go" && go list -m -f '{{.Version}}' "$module")
  echo "build-$name: building $module@$version$note" >&2
  start=$(date +%s)
  (cd "$here/go" && go build -trimpath -ldflags "-s -w ${ldflags//@VERSION@/$version}" -o "$out/.$name.tmp" "$package")
  mv "$out/.$name.tmp" "$out/$name"
  echo "build-$name: built in $(($(date +%s) - start)) s" >&2
  echo "$out/$name"
}
