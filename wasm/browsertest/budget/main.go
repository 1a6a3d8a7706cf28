//go:build !js

// Command budget measures the page's budgets in headless Chromium and prints
// them (./build.sh runs it after building dist/):
//
//   - first render on localhost: from navigation start to the app's first
//     render (window.ckptlensTimings.firstRender);
//   - drop to rendered result for a generated 10 MB _metadata (the app's
//     own clock, from receiving the files to the render that shows them),
//     dropped a moment after the first render, as a user would (-idle);
//   - renders after the result: the page should render once and then rest.
//
// Figures are printed, not asserted: performance is shown, never a test.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/profiler"
	"github.com/chromedp/chromedp"

	"github.com/ckptlens/ckptlens/parse/flink/encode"
	"github.com/ckptlens/ckptlens/wasm/browsertest"
)

// idle is how long the page sits after its first render before the drop: a
// user takes seconds to find a file and drag it onto the page.
var idle = flag.Duration("idle", 3*time.Second, "time between the first render and the drop")

var verbose = flag.Bool("v", false, "print each run: result render, renders during the load and after it")

// profileTop, when set, records a CPU profile of each drop with Chromium's
// sampling profiler and prints the functions that took the most time. Build
// the page without -s (names stripped) to see Go function names.
var dropFile = flag.String("file", "", "drop this file instead of the generated 10 MB one (to time or profile another input; its figure is then not the budget's)")

var profileTop = flag.Int("profile", 0, "print the N functions with the most self time during the drops (Chromium's CPU profiler)")

// settle is how long the page is watched after the result for further renders.
const settle = 2 * time.Second

func main() {
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: budget [-idle 3s] [-v] DIST_DIR")
		os.Exit(2)
	}
	if err := run(flag.Arg(0)); err != nil {
		fmt.Fprintln(os.Stderr, "budget:", err)
		os.Exit(1)
	}
}

// runs is how many drops are timed; the median is printed.
const runs = 5

func run(dist string) error {
	chromium, ok := browsertest.Chromium()
	if !ok {
		return fmt.Errorf("chromium not found at %s", chromium)
	}
	tmp, err := os.MkdirTemp("", "ckptlens-budget-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	metadata := filepath.Join(tmp, "chk-42", "_metadata")
	size, err := writeTenMB(metadata)
	if err != nil {
		return err
	}
	if *dropFile != "" {
		st, err := os.Stat(*dropFile)
		if err != nil {
			return err
		}
		metadata, size = *dropFile, st.Size()
	}

	srv, err := browsertest.Serve(dist)
	if err != nil {
		return err
	}
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute+runs*(*idle+settle))
	defer cancel()
	b, err := browsertest.Start(ctx, chromium)
	if err != nil {
		return err
	}
	defer b.Close()

	selfTimes := map[string]float64{}
	var firsts, drops, decodes, reads, analyses, extraRenders, extraMs []float64
	for range runs {
		p, err := b.NewPage()
		if err != nil {
			return err
		}
		if err := p.Open(srv.URL + "/"); err != nil {
			return err
		}
		first, err := browsertest.Eval[float64](p, `window.ckptlensTimings.firstRender`)
		if err != nil {
			return err
		}
		time.Sleep(*idle)
		before, err := browsertest.Eval[timings](p, `({...window.ckptlensTimings})`)
		if err != nil {
			return err
		}
		if *profileTop > 0 {
			if err := startProfile(p); err != nil {
				return err
			}
		}
		if _, err := p.DropAndWait(time.Minute, metadata); err != nil {
			return err
		}
		if *profileTop > 0 {
			if err := stopProfile(p, selfTimes); err != nil {
				return err
			}
		}
		// dropToRender is set by the render after the result's render.
		t, err := browsertest.Eval[timings](p, `new Promise(r => setTimeout(() => r({...window.ckptlensTimings}), 50))`)
		if err != nil {
			return err
		}
		later, err := browsertest.Eval[timings](p, fmt.Sprintf(`new Promise(r => setTimeout(() => r({...window.ckptlensTimings}), %d))`, settle.Milliseconds()))
		if err != nil {
			return err
		}
		firsts, drops = append(firsts, first), append(drops, t.DropToRender)
		decodes, analyses = append(decodes, t.Decode), append(analyses, t.Analyse)
		reads = append(reads, t.Read)
		if *verbose {
			fmt.Printf("  run: result render %.0f; drop %.0f decode %.0f (read %.0f) analyse %.0f; renders during load %d (%.0f ms); after %d (%.0f ms)\n", t.LastRenderMs, t.DropToRender, t.Decode, t.Read, t.Analyse, t.Renders-before.Renders, t.RenderMs-before.RenderMs, later.Renders-t.Renders, later.RenderMs-t.RenderMs)
		}
		extraRenders, extraMs = append(extraRenders, float64(later.Renders-t.Renders)), append(extraMs, later.RenderMs-t.RenderMs)
		p.Close()
	}
	fmt.Printf("first render on localhost: %.0f ms median of %d (budget <= 400 ms)\n", median(firsts), runs)
	fmt.Printf("drop to rendered result, %.1f MB _metadata dropped %s after the first render: %.0f ms median of %d, range %.0f–%.0f (budget <= 250 ms; reading and decoding %.0f ms, of it waiting for the file %.0f ms; analysis %.0f ms; the rest rendering)\n",
		float64(size)/1e6, *idle, median(drops), runs, slices.Min(drops), slices.Max(drops), median(decodes), median(reads), median(analyses))
	fmt.Printf("renders in the %s after the result: %.0f taking %.0f ms, median of %d (should be 0)\n",
		settle, median(extraRenders), median(extraMs), runs)
	if *profileTop > 0 {
		printTop(selfTimes, *profileTop, runs)
	}
	return nil
}

// timings is window.ckptlensTimings after a drop.
type timings struct {
	DropToRender float64 `json:"dropToRender"`
	Decode       float64 `json:"decode"`
	Read         float64 `json:"read"`
	Analyse      float64 `json:"analyse"`
	Renders      int     `json:"renders"`
	RenderMs     float64 `json:"renderMs"`
	LastRenderMs float64 `json:"lastRenderMs"`
}

// writeTenMB writes a handle-dense incremental checkpoint of about 10 MB.
func writeTenMB(path string) (int64, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return 0, err
	}
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	if _, err := encode.WriteDense(f, encode.DenseSpec{Version: 5, Operators: 2, Parallelism: 620, SharedPerSubtask: 50}); err != nil {
		return 0, err
	}
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
	return s[len(s)/2]
}

func startProfile(p *browsertest.Page) error {
	if _, err := chromedp.Call(p.Context(), profiler.Enable, cdp.Empty{}); err != nil {
		return err
	}
	if _, err := chromedp.Call(p.Context(), profiler.SetSamplingInterval, profiler.SetSamplingIntervalParams{Interval: 100}); err != nil {
		return err
	}
	_, err := chromedp.Call(p.Context(), profiler.Start, cdp.Empty{})
	return err
}

// stopProfile adds each function's self time (ms) in the profile to self,
// and its total time (callees included) under "total: " and its name.
func stopProfile(p *browsertest.Page, self map[string]float64) error {
	res, err := chromedp.Call(p.Context(), profiler.Stop, cdp.Empty{})
	if err != nil {
		return err
	}
	prof := res.Profile
	name := map[int64]string{}
	for _, n := range prof.Nodes {
		f := n.CallFrame.FunctionName
		if f == "" {
			f = "(anonymous " + n.CallFrame.URL + ")"
		}
		name[n.ID] = f
	}
	parent := map[int64]int64{}
	for _, n := range prof.Nodes {
		for _, c := range n.Children {
			parent[c] = n.ID
		}
	}
	for i, id := range prof.Samples {
		if i < len(prof.TimeDeltas) {
			ms := float64(prof.TimeDeltas[i]) / 1000
			self[name[id]] += ms
			seen := map[string]bool{}
			for a := id; a != 0; a = parent[a] {
				if n := name[a]; !seen[n] {
					seen[n] = true
					self["total: "+n] += ms
				}
			}
		}
	}
	return nil
}

func printTop(self map[string]float64, top, runs int) {
	type entry struct {
		name string
		ms   float64
	}
	var all []entry
	total := 0.0
	for n, ms := range self {
		all = append(all, entry{n, ms})
		total += ms
	}
	slices.SortFunc(all, func(a, b entry) int { return int(b.ms*1000 - a.ms*1000) })
	fmt.Printf("CPU profile of the drops, self time per drop (total %.0f ms):\n", total/float64(runs))
	for _, e := range all[:min(top, len(all))] {
		fmt.Printf("  %7.1f ms  %s\n", e.ms/float64(runs), e.name)
	}
}
