#!/usr/bin/env bash
# Usage: test/integration/toolchain/build-test-tools.sh
# Builds (once) the integration tier's tools from Go modules and prints the directory holding them:
# the Pulumi CLI, a Node.js language host, the Kubernetes provider, kube-apiserver,
# kube-controller-manager, kube-scheduler, etcd, kwok and kwokctl.
# The directory is keyed by a hash of every input (wrapper modules with their go.sum, this script, the
# Go version), so a version bump rebuilds and an unchanged key reuses. A build cut short resumes: each
# binary is written only when complete. Build times go to stderr and to <key>/build-times.log.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
go_dir="$here/go"

command -v go >/dev/null || { echo "build-test-tools: Go is not installed; install Go >= 1.26 first" >&2; exit 1; }

export GOFLAGS=-mod=mod GOTOOLCHAIN=local CGO_ENABLED=0
# The committed go.sum files pin every module; the proxy here does not serve checksum-database
# entries for some of them, so go.sum is the only check.
export GOSUMDB=off

key=$( {
  cd "$here"
  find go -type f \( -name go.mod -o -name go.sum -o -name '*.go' \) | LC_ALL=C sort | xargs sha256sum
  sha256sum build-test-tools.sh pulumi-resource-pulumi-nodejs
  go version
} | sha256sum | cut -c1-16)
root="${XDG_CACHE_HOME:-$HOME/.cache}/kfp-protein-stack/tools"
out="$root/$key"
bin="$out/bin"
mkdir -p "$bin"

exec 9>"$root/.lock"
flock 9

if [ -f "$out/.complete" ]; then
  echo "build-test-tools: reusing $bin" >&2
  echo "$bin"
  exit 0
fi

log="$out/build-times.log"
total_start=$(date +%s)

module_version() { (cd "$go_dir/$1" && go list -m -f '{{.Version}}' "$2"); }

# build NAME MODULE_DIR PACKAGE [LDFLAGS]
build() {
  local name=$1 module=$2 package=$3 ldflags="-s -w ${4:-}"
  if [ -x "$bin/$name" ]; then
    echo "build-test-tools: $name already built" >&2
    return
  fi
  local start=$(date +%s)
  echo "build-test-tools: building $name ($package)" >&2
  (cd "$go_dir/$module" && go build -trimpath -ldflags "$ldflags" -o "$bin/.$name.tmp" "$package")
  mv "$bin/.$name.tmp" "$bin/$name"
  local seconds=$(( $(date +%s) - start ))
  echo "$name ${seconds}s" | tee -a "$log" >&2
}

pulumi_version=$(module_version pulumi github.com/pulumi/pulumi/pkg/v3)
build pulumi pulumi github.com/pulumi/pulumi/pkg/v3/cmd/pulumi \
  "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$pulumi_version"
build pulumi-language-nodejs pulumi ./pulumi-language-nodejs "-X main.version=${pulumi_version#v}"
install -m 0755 "$here/pulumi-resource-pulumi-nodejs" "$bin/pulumi-resource-pulumi-nodejs"

# Upstream's main embeds files written by its `go generate` step (schema with the version filled in);
# write them beside our wrapper main instead.
# `go list -m -f {{.Dir}}` prints an empty directory for a module not yet in GOMODCACHE (a fresh machine),
# so download it first and ask the download for its directory.
k8s_provider_dir=$(cd "$go_dir/pulumi-kubernetes" && go mod download -json github.com/pulumi/pulumi-kubernetes/provider/v4 |
  node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => console.log(JSON.parse(s).Dir || ""))')
[ -d "$k8s_provider_dir/cmd/pulumi-resource-kubernetes" ] || {
  echo "build-test-tools: could not download github.com/pulumi/pulumi-kubernetes/provider/v4 (got '$k8s_provider_dir')" >&2
  exit 1
}
k8s_provider_version=$(module_version pulumi-kubernetes github.com/pulumi/pulumi-kubernetes/provider/v4)
k8s_provider_version=${k8s_provider_version#v}
node -e '
  const fs = require("fs");
  const [src, dst, version] = process.argv.slice(1);
  const schema = JSON.parse(fs.readFileSync(`${src}/schema.json`, "utf8"));
  schema.version = version;
  fs.writeFileSync(`${dst}/schema-embed.json`, JSON.stringify(schema));
  const mapping = JSON.parse(fs.readFileSync(`${src}/terraform-mapping.json`, "utf8"));
  fs.writeFileSync(`${dst}/terraform-mapping-embed.json`, JSON.stringify(mapping));
' "$k8s_provider_dir/cmd/pulumi-resource-kubernetes" "$go_dir/pulumi-kubernetes" "$k8s_provider_version"
build pulumi-resource-kubernetes pulumi-kubernetes . \
  "-X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=$k8s_provider_version"

etcd_version=$(module_version etcd go.etcd.io/etcd/server/v3)
build etcd etcd .

kube_version=$(module_version kubernetes k8s.io/kubernetes)
kube_minor=$(echo "$kube_version" | cut -d. -f2)
kube_ldflags="-X k8s.io/component-base/version.gitVersion=$kube_version
  -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$kube_minor
  -X k8s.io/component-base/version.gitTreeState=clean"
for component in kube-apiserver kube-controller-manager kube-scheduler; do
  build "$component" kubernetes "k8s.io/kubernetes/cmd/$component" "$kube_ldflags"
done

build kwok kwok sigs.k8s.io/kwok/cmd/kwok
build kwokctl kwok sigs.k8s.io/kwok/cmd/kwokctl

cat >"$out/versions.env" <<EOF
PULUMI_VERSION=${pulumi_version#v}
KUBERNETES_PROVIDER_VERSION=$k8s_provider_version
ETCD_VERSION=${etcd_version#v}
KUBE_VERSION=${kube_version#v}
KWOK_VERSION=$(module_version kwok sigs.k8s.io/kwok | sed 's/^v//')
EOF
echo "total $(( $(date +%s) - total_start ))s" | tee -a "$log" >&2
touch "$out/.complete"
echo "$bin"
