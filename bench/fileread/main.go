//go:build !js

// Command fileread measures what Chromium itself costs to hand a dropped
// file to a page, in plain JavaScript without the app or Go: the floor
// under the page's "waiting for the file". For each file it prints the
// median of -n fresh tabs:
//
//   - whole: the file in one arrayBuffer(), as the page reads files up to
//     16 MiB;
//   - steps: 2 MiB slices, each asked for before the one before is used,
//     alone and with 6 ms of main-thread work per slice (decoding while the
//     file arrives), and the same read by a worker;
//   - hops: dependent 4 KiB reads 1 MiB apart (an inline-heavy file's
//     headers between skipped payloads), awaited in the page and read with
//     FileReaderSync in a worker: the cost per read.
//
// Usage: go run ./bench/fileread [-n 5] FILE...
package main

import (
	"context"
	_ "embed"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/ckptlens/ckptlens/wasm/browsertest"
)

//go:embed page.html
var page []byte

var runs = flag.Int("n", 5, "fresh tabs per probe")

// probes are the page's functions, called as written.
var probes = []struct{ name, call string }{
	{"whole (ms)", "whole()"},
	{"2 MiB steps (ms)", "steps(2 << 20, 0)"},
	{"2 MiB steps + 6 ms work each (ms)", "steps(2 << 20, 6)"},
	{"2 MiB steps by a worker + 6 ms work each (ms)", "workerSteps(2 << 20, 6)"},
	{"dependent 4 KiB reads (ms per read)", "hops(256, (1 << 20) + 4096)"},
	{"the same, FileReaderSync in a worker (ms per read)", "syncHops(256, (1 << 20) + 4096)"},
}

func main() {
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: fileread [-n 5] FILE...")
		os.Exit(2)
	}
	if err := run(flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "fileread:", err)
		os.Exit(1)
	}
}

func run(files []string) error {
	chromium, ok := browsertest.Chromium()
	if !ok {
		return fmt.Errorf("no Chromium at %s", chromium)
	}
	dir, err := os.MkdirTemp("", "fileread-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if err := os.WriteFile(filepath.Join(dir, "index.html"), page, 0o644); err != nil {
		return err
	}
	srv, err := browsertest.Serve(dir)
	if err != nil {
		return err
	}
	defer srv.Close()
	b, err := browsertest.Start(context.Background(), chromium)
	if err != nil {
		return err
	}
	defer b.Close()
	for _, f := range files {
		st, err := os.Stat(f)
		if err != nil {
			return err
		}
		fmt.Printf("%s (%.1f MB), median of %d fresh tabs:\n", f, float64(st.Size())/1e6, *runs)
		for _, p := range probes {
			var got []float64
			for range *runs {
				v, err := probe(b, srv.URL, f, p.call)
				if err != nil {
					return fmt.Errorf("%s: %w", p.call, err)
				}
				got = append(got, v)
			}
			slices.Sort(got)
			fmt.Printf("  %-52s %8.2f  (range %.2f–%.2f)\n", p.name, got[len(got)/2], got[0], got[len(got)-1])
		}
	}
	return nil
}

// probe opens a fresh tab, picks file and returns what call measures.
func probe(b *browsertest.Browser, url, file, call string) (float64, error) {
	p, err := b.NewPage()
	if err != nil {
		return 0, err
	}
	defer p.Close()
	if err := p.Open(url + "/index.html"); err != nil {
		return 0, err
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return 0, err
	}
	if err := p.PickFiles(abs); err != nil {
		return 0, err
	}
	return browsertest.Eval[float64](p, call)
}
