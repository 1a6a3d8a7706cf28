//go:build !js

// Command wasm times ckptlens's page in headless Chromium on one file: open
// the built page (dist/), drop the file with a real drag event, wait for the
// rendered result, and read the app's own drop-to-render clock
// (window.ckptlensTimings.dropToRender). It also reads the rendered summary
// and the peak resident memory of the browser's processes, and prints one
// JSON object (bench/compare.sh compares it with the native run):
//
//	./build.sh && go run ./bench/wasm -n 3 dist path/to/_metadata
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ckptlens/ckptlens/wasm/browsertest"
)

type result struct {
	File           string            `json:"file"`
	Size           int64             `json:"size"`
	Iterations     int               `json:"iterations"`
	DropToRenderMs float64           `json:"dropToRenderMs"` // median
	FirstMs        float64           `json:"firstDropToRenderMs"`
	DropsMs        []float64         `json:"dropsMs"`  // every drop, in order
	DecodeMs       float64           `json:"decodeMs"` // the page's own split of the first drop
	AnalyseMs      float64           `json:"analyseMs"`
	ReadMs         float64           `json:"readMs"`    // of DecodeMs, waiting for the browser to hand over the file's bytes
	WallMs         float64           `json:"wallMs"`    // median, drop command to state "done", as seen from outside
	PeakRSSMB      float64           `json:"peakRSSMB"` // largest VmHWM among the browser's processes
	State          string            `json:"state"`
	Summary        map[string]string `json:"summary"`
	Error          string            `json:"error,omitempty"`
}

func main() {
	n := flag.Int("n", 3, "drops to time, each on a fresh tab")
	timeout := flag.Duration("timeout", 10*time.Minute, "longest wait for one rendered result")
	flag.DurationVar(&idle, "idle", 3*time.Second, "time between the page's first render and the drop (a user takes seconds to drag a file; the page warms up meanwhile), as the page budget measures it")
	flag.Parse()
	if flag.NArg() != 2 {
		fmt.Fprintln(os.Stderr, "usage: wasm [-n N] [-idle 3s] DIST_DIR FILE")
		os.Exit(2)
	}
	res, err := run(flag.Arg(0), flag.Arg(1), *n, *timeout)
	if err != nil {
		res.Error = err.Error()
	}
	json.NewEncoder(os.Stdout).Encode(res)
	if err != nil {
		os.Exit(1)
	}
}

var idle time.Duration

func run(dist, file string, n int, timeout time.Duration) (result, error) {
	res := result{File: file, Iterations: n}
	st, err := os.Stat(file)
	if err != nil {
		return res, err
	}
	res.Size = st.Size()
	chromium, ok := browsertest.Chromium()
	if !ok {
		return res, fmt.Errorf("chromium not found at %s", chromium)
	}
	srv, err := browsertest.Serve(dist)
	if err != nil {
		return res, err
	}
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(n+1)*timeout)
	defer cancel()
	b, err := browsertest.Start(ctx, chromium)
	if err != nil {
		return res, err
	}
	defer b.Close()

	var drops, walls []float64
	for i := 0; i < n; i++ {
		p, err := b.NewPage()
		if err != nil {
			return res, err
		}
		if err := p.Open(srv.URL + "/"); err != nil {
			return res, err
		}
		time.Sleep(idle)
		start := time.Now()
		if err := p.DropFiles(file); err != nil {
			return res, err
		}
		if err := p.WaitState("done", timeout); err != nil {
			res.State, _ = browsertest.Eval[string](p, `String(document.body.dataset.state)`)
			res.PeakRSSMB = peakRSSMB()
			return res, fmt.Errorf("no rendered result: %w", err)
		}
		walls = append(walls, float64(time.Since(start).Microseconds())/1000)
		// dropToRender is set once the result is painted (paints counts them).
		drop, err := browsertest.Eval[float64](p, `new Promise(r => { const t = () => window.ckptlensTimings.paints > 0 ? r(window.ckptlensTimings.dropToRender) : setTimeout(t, 10); t() })`)
		if err != nil {
			return res, err
		}
		drops = append(drops, drop)
		if i == 0 {
			res.FirstMs = drop
			res.DecodeMs, _ = browsertest.Eval[float64](p, `window.ckptlensTimings.decode || -1`)
			res.AnalyseMs, _ = browsertest.Eval[float64](p, `window.ckptlensTimings.analyse || -1`)
			res.ReadMs, _ = browsertest.Eval[float64](p, `window.ckptlensTimings.read || -1`)
			res.State, _ = browsertest.Eval[string](p, `String(document.body.dataset.state)`)
			res.Summary, err = summary(p)
			if err != nil {
				return res, err
			}
		}
		if rss := peakRSSMB(); rss > res.PeakRSSMB {
			res.PeakRSSMB = rss
		}
		p.Close()
	}
	res.DropToRenderMs, res.WallMs, res.DropsMs = median(drops), median(walls), drops
	return res, nil
}

// summary reads the rendered summary: each data-k mapped to its exact
// data-v, or its text.
func summary(p *browsertest.Page) (map[string]string, error) {
	m, err := browsertest.Eval[map[string]string](p, `(() => {
		const out = {};
		for (const e of document.querySelectorAll("#summary [data-k]"))
			out[e.dataset.k] = e.dataset.v !== undefined ? e.dataset.v : e.textContent.trim();
		return out;
	})()`)
	return m, err
}

// peakRSSMB is the largest peak resident set (VmHWM) among this process's
// descendants: Chromium's browser, GPU and renderer processes. The
// renderer holds the page's WebAssembly memory.
func peakRSSMB() float64 {
	parent := map[int]int{}
	procs, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, p := range procs {
		data, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...; comm may hold spaces, so cut at the last ')'.
		s := string(data)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		fields := strings.Fields(s[i+1:])
		pid, _ := strconv.Atoi(strings.Fields(s)[0])
		if len(fields) > 1 {
			parent[pid], _ = strconv.Atoi(fields[1])
		}
	}
	self := os.Getpid()
	var peak float64
	for pid := range parent {
		for a, hops := parent[pid], 0; a != 0 && hops < 64; a, hops = parent[a], hops+1 {
			if a != self {
				continue
			}
			if kb := vmHWM(pid); kb/1024 > peak {
				peak = kb / 1024
			}
			break
		}
	}
	return peak
}

func vmHWM(pid int) float64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			f := strings.Fields(line)
			if len(f) >= 2 {
				v, _ := strconv.ParseFloat(f[1], 64)
				return v
			}
		}
	}
	return 0
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return -1
	}
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}
