// Command minio is the MinIO server, built from its Go module: the tests of `npm run results` need a
// real S3 server, and MinIO's community binaries and images are no longer published.
package main

import (
	"os"

	minio "github.com/minio/minio/cmd"
)

func main() {
	minio.Main(os.Args)
}
