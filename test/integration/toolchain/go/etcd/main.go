// Command etcd is the etcd server, built from its Go module because Debian only ships etcd 3.4
// and kube-apiserver 1.36 wants etcd 3.5.13 or newer.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
