// Command gen writes large Flink _metadata files for benchmarks, on demand
// (they are never committed):
//
//	go run ./bench/gen -kind dense    -o /tmp/ckptlens-bench/dense       # 2,000 keyed subtasks × 50 SSTs
//	go run ./bench/gen -kind dense-xl -o /tmp/ckptlens-bench/dense-xl    # 12,000 × 50, ~650k handles, ~100 MB
//	go run ./bench/gen -kind inline   -o /tmp/ckptlens-bench/inline      # 1 GiB of inline state
//	go run ./bench/gen -kind operators -operators 2000000 -o /tmp/ckptlens-bench/ops-2m
//	                                  # 2 M operators without state, 29 bytes each (58 MB)
//	go run ./bench/gen -kind sample -version 6 -text '<img src=x onerror=alert(1)>' -o /tmp/hostile
//	                                  # small file with every handle kind, text in every name and path
//
// -o names a directory (created; the file is <dir>/_metadata) or a file.
// Every size knob can be overridden. It prints what it wrote as one JSON
// object: the figures a decoder must report back.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/ckptlens/ckptlens/internal/flink/encode"
)

func main() {
	kind := flag.String("kind", "dense", "dense, dense-xl, inline, operators or sample")
	text := flag.String("text", "", "sample: text woven into every name, uid and path")
	out := flag.String("o", "", "output directory (or file path ending in _metadata)")
	version := flag.Int("version", 4, "header version 2–6")
	operators := flag.Int("operators", 0, "dense: keyed operators (default 4, dense-xl 8); operators: how many (default 2,000,000)")
	parallelism := flag.Int("parallelism", 0, "subtasks per operator (dense 500, dense-xl 1500, inline 128)")
	shared := flag.Int("shared", 50, "dense: shared SSTs per keyed subtask")
	total := flag.Int64("total", 1<<30, "inline: payload bytes in all")
	handleBytes := flag.Int("handle-bytes", 1<<20, "inline: payload bytes per handle")
	seed := flag.Uint64("seed", 0, "random seed of ids and sizes")
	root := flag.String("root", "", "dense: the checkpoint directory root (default hdfs://namenode.example.com:8020/jobs/flink/checkpoints)")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "gen: -o is required")
		os.Exit(2)
	}
	path := *out
	if !strings.HasSuffix(path, "_metadata") {
		path = filepath.Join(path, "_metadata")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		fail(err)
	}
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		fail(err)
	}
	var st encode.Stats
	switch *kind {
	case "dense", "dense-xl":
		spec := encode.DenseSpec{Version: *version, Operators: *operators, Parallelism: *parallelism,
			SharedPerSubtask: *shared, Seed: *seed, Root: *root}
		if *kind == "dense-xl" {
			spec.Operators, spec.Parallelism = or(*operators, 8), or(*parallelism, 1500)
		}
		st, err = encode.WriteDense(f, spec)
	case "inline":
		st, err = encode.WriteInline(f, encode.InlineSpec{Version: *version, TotalBytes: *total,
			HandleBytes: int32(*handleBytes), Parallelism: *parallelism, Seed: *seed})
	case "operators":
		st, err = encode.WriteEmptyOperators(f, *version, or(*operators, 2_000_000))
	case "sample":
		var n int64
		cw := &countingWriter{w: f}
		err = encode.Write(cw, encode.Sample(*version, *text))
		n = cw.n
		st.Bytes = n
	default:
		err = fmt.Errorf("unknown -kind %q", *kind)
	}
	if err == nil {
		err = f.Close()
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		fail(err)
	}
	json.NewEncoder(os.Stdout).Encode(struct {
		Path string `json:"path"`
		Kind string `json:"kind"`
		encode.Stats
	}{path, *kind, st})
}

type countingWriter struct {
	w *os.File
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func or(v, def int) int {
	if v != 0 {
		return v
	}
	return def
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "gen:", err)
	os.Exit(1)
}
