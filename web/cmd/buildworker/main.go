// Command buildworker compiles the ckptlens Worker (Go → js/wasm, with
// syumai/workers' JS shim) into a directory and prints its size, and
// writes the page's _headers into the built page. build.sh runs it before
// `wrangler dev` and `wrangler deploy`; the tests build the same way
// through localworker.
//
//	buildworker [WORKER_DIR [PAGE_DIR]]   defaults: web/build, dist
package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ckptlens/ckptlens/web/localworker"
	"github.com/ckptlens/ckptlens/web/server"
)

func main() {
	dir, page := "web/build", "dist"
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	if len(os.Args) > 2 {
		page = os.Args[2]
	}
	if err := server.WriteHeadersFile(page); err != nil {
		fail(err)
	}
	if err := localworker.Build(context.Background(), dir); err != nil {
		fail(err)
	}
	wasm, err := os.ReadFile(filepath.Join(dir, "app.wasm"))
	if err != nil {
		fail(err)
	}
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	zw.Write(wasm)
	zw.Close()
	// Cloudflare's limit is on the gzip size: 3 MB on the free plan, 10 MB paid.
	fmt.Printf("worker app.wasm: raw %d bytes, gzip %d bytes (Workers limit: 3 MB free plan, 10 MB paid)\n", len(wasm), gz.Len())
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "buildworker:", err)
	os.Exit(1)
}
