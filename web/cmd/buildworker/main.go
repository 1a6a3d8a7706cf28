// Command buildworker compiles the ckptlens Worker (Go → js/wasm, with
// syumai/workers' JS shim) into a directory and prints its size. build.sh
// runs it before `wrangler dev` and `wrangler deploy`; the tests build the
// same way through localworker.Build.
package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ckptlens/ckptlens/web/localworker"
)

func main() {
	dir := "web/build"
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	if err := localworker.Build(context.Background(), dir); err != nil {
		fmt.Fprintln(os.Stderr, "buildworker:", err)
		os.Exit(1)
	}
	wasm, err := os.ReadFile(filepath.Join(dir, "app.wasm"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "buildworker:", err)
		os.Exit(1)
	}
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	zw.Write(wasm)
	zw.Close()
	// Cloudflare's limit is on the gzip size: 3 MB on the free plan, 10 MB paid.
	fmt.Printf("worker app.wasm: raw %d bytes, gzip %d bytes (Workers limit: 3 MB free plan, 10 MB paid)\n", len(wasm), gz.Len())
}
