// Command pulumi-resource-kubernetes serves the Kubernetes provider. Upstream's main embeds files its
// `go generate` step writes next to it, which a module download lacks; build-test-tools.sh writes them
// here instead (schema-embed.json, terraform-mapping-embed.json; not committed).
package main

import (
	_ "embed"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

//go:embed schema-embed.json
var schema []byte

//go:embed terraform-mapping-embed.json
var terraformMapping []byte

func main() {
	provider.Serve("kubernetes", version.Version, schema, terraformMapping)
}
