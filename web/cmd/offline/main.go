// Command offline writes the built page's service worker, web app manifest
// and icons (web/offline). build.sh runs it after building dist/.
//
//	offline [PAGE_DIR]   default: dist
package main

import (
	"fmt"
	"os"

	"github.com/ckptlens/ckptlens/web/offline"
)

func main() {
	dist := "dist"
	if len(os.Args) > 1 {
		dist = os.Args[1]
	}
	if err := offline.Write(dist); err != nil {
		fmt.Fprintln(os.Stderr, "offline:", err)
		os.Exit(1)
	}
}
