// Command native times ckptlens's decoder (and optionally the analysis) on
// one _metadata file, the way bench/compare.sh measures every contender:
//
//	go build -o /tmp/ckptlens-native ./bench/native
//	/tmp/ckptlens-native -n 20 -analyze path/to/_metadata
//
// It prints one JSON object: the first decode in a fresh process ("cold",
// process start excluded; the script adds it by timing the whole process)
// and the median of the following ones ("warm"), with what was decoded, so
// the script can check every contender read the same thing.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"time"

	"github.com/ckptlens/ckptlens/parse"
	"github.com/ckptlens/ckptlens/parse/flink"
	"github.com/ckptlens/ckptlens/parse/model"
)

func main() {
	n := flag.Int("n", 10, "decodes to run (the first is cold)")
	analyze := flag.Bool("analyze", false, "time parse.Decode plus parse.Analyze (the snapshot model and the full report the CLI and the page render) instead of flink.Decode alone")
	inMemory := flag.Bool("mem", false, "read the whole file into memory first and decode it in place (model.Memory), as the page does; isolates the engine from file reads, e.g. under GOOS=js in Node")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: native [-n N] [-analyze] FILE")
		os.Exit(2)
	}
	path := flag.Arg(0)
	f, err := os.Open(path)
	if err != nil {
		fail(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		fail(err)
	}
	var src io.ReaderAt = f
	if *inMemory {
		data, err := os.ReadFile(path)
		if err != nil {
			fail(err)
		}
		src = &model.Memory{Data: data}
	}
	var times []float64
	var out result
	for i := 0; i < *n; i++ {
		start := time.Now()
		if *analyze {
			snap, err := parse.Decode(path, src, st.Size())
			if err != nil {
				fail(err)
			}
			rep := parse.Analyze([]parse.Input{{Snapshot: snap}}, parse.Options{})
			times = append(times, float64(time.Since(start).Microseconds())/1000)
			out.Operators, out.Files, out.InlineBytes = len(snap.Operators), len(snap.Files), snap.InlineBytes
			out.BytesRead, out.Dependencies = snap.BytesRead, len(rep.Snapshots[0].Dependencies)
			sz := rep.Snapshots[0].Sizes
			out.Sizes = &sizes{Full: sz.Full, Checkpointed: sz.Checkpointed, FileBytes: sz.FileBytes, Inline: sz.Inline}
			continue
		}
		m, err := flink.Decode(src, st.Size())
		if err != nil {
			fail(err)
		}
		times = append(times, float64(time.Since(start).Microseconds())/1000)
		out.Operators = len(m.Operators)
		out.Subtasks = 0
		for _, op := range m.Operators {
			out.Subtasks += len(op.Subtasks)
		}
		out.BytesRead = m.BytesRead
	}
	out.File, out.Size, out.Iterations, out.Analyze = path, st.Size(), *n, *analyze
	out.ColdMs = times[0]
	warm := times
	if len(times) > 1 {
		warm = slices.Clone(times[1:])
	}
	slices.Sort(warm)
	out.WarmMs = warm[len(warm)/2]
	out.WarmMinMs = warm[0]
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	out.HeapSysMB = float64(ms.HeapSys) / (1 << 20)
	json.NewEncoder(os.Stdout).Encode(out)
}

type result struct {
	File         string  `json:"file"`
	Size         int64   `json:"size"`
	Iterations   int     `json:"iterations"`
	Analyze      bool    `json:"analyze"`
	ColdMs       float64 `json:"coldMs"`
	WarmMs       float64 `json:"warmMs"` // median of the decodes after the first
	WarmMinMs    float64 `json:"warmMinMs"`
	HeapSysMB    float64 `json:"heapSysMB"`
	BytesRead    int64   `json:"bytesRead"`
	Operators    int     `json:"operators"`
	Subtasks     int     `json:"subtasks,omitempty"`
	Files        int     `json:"files,omitempty"`
	Dependencies int     `json:"dependencies,omitempty"`
	InlineBytes  int64   `json:"inlineBytes,omitempty"`
	// Sizes are the figures the page's summary shows (with -analyze), so
	// bench/compare.sh can check the browser rendered the same result.
	Sizes *sizes `json:"sizes,omitempty"`
}

type sizes struct {
	Full         int64 `json:"full"`
	Checkpointed int64 `json:"checkpointed"`
	FileBytes    int64 `json:"fileBytes"`
	Inline       int64 `json:"inline"`
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "native:", err)
	os.Exit(1)
}
