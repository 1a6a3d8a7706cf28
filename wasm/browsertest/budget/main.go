//go:build !js

// Command budget measures the page's budgets in headless Chromium and prints
// them (./build.sh runs it after building dist/):
//
//   - first render on localhost: from navigation start to the app's first
//     render (window.ckptlensTimings.firstRender);
//   - drop to rendered result for a generated 10 MB _metadata (the app's
//     own clock, from receiving the files to the paint that shows them),
//     dropped a moment after the first render, as a user would (-idle),
//     and dropped early, while the page still warms up (-early): the
//     early drop should take at most 1.5 times the later one;
//   - the longest task before the drop: the warm-up must not block input;
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
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/profiler"
	"github.com/chromedp/chromedp"

	"github.com/ckptlens/ckptlens/internal/flink/encode"
	"github.com/ckptlens/ckptlens/wasm/browsertest"
)

// idle is how long the page sits after its first render before the drop: a
// user takes seconds to find a file and drag it onto the page.
var idle = flag.Duration("idle", 3*time.Second, "time between the first render and the drop")

// early is a drop made right after the page loaded, while it warms up.
var early = flag.Duration("early", 500*time.Millisecond, "time between the first render and the early drop")

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
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute+runs*(*idle+*early+2*settle))
	defer cancel()
	b, err := browsertest.Start(ctx, chromium)
	if err != nil {
		return err
	}
	defer b.Close()

	selfTimes := map[string]float64{}
	var firsts, drops, earlyDrops, decodes, reads, analyses, extraRenders, extraMs, longest, earlyLongest []float64
	for range runs {
		for _, wait := range []time.Duration{*early, *idle} {
			m, err := measure(b, srv.URL, metadata, wait, selfTimes)
			if err != nil {
				return err
			}
			if wait == *early {
				earlyDrops, earlyLongest = append(earlyDrops, m.drop.DropToRender), append(earlyLongest, m.longestTask)
				continue
			}
			t := m.drop
			firsts, drops = append(firsts, m.first), append(drops, t.DropToRender)
			decodes, analyses = append(decodes, t.Decode), append(analyses, t.Analyse)
			reads, longest = append(reads, t.Read), append(longest, m.longestTask)
			extraRenders, extraMs = append(extraRenders, float64(m.later.Renders-t.Renders)), append(extraMs, m.later.RenderMs-t.RenderMs)
		}
	}
	fmt.Printf("first render on localhost: %.0f ms median of %d (budget <= 400 ms)\n", median(firsts), runs)
	fmt.Printf("drop to painted result, %.1f MB _metadata dropped %s after the first render: %.0f ms median of %d, range %.0f–%.0f (budget <= 250 ms; reading and decoding %.0f ms, of it waiting for the file %.0f ms; analysis %.0f ms; the rest rendering and painting)\n",
		float64(size)/1e6, *idle, median(drops), runs, slices.Min(drops), slices.Max(drops), median(decodes), median(reads), median(analyses))
	fmt.Printf("the same dropped %s after the first render, while the page warms up: %.0f ms median, range %.0f–%.0f: %.2f× the later drop (budget <= 1.5×)\n",
		*early, median(earlyDrops), slices.Min(earlyDrops), slices.Max(earlyDrops), median(earlyDrops)/median(drops))
	fmt.Printf("longest task from the first render to the drop: %.0f ms median (%s drop), %.0f ms (%s drop) (a task over 50 ms delays input)\n",
		median(longest), *idle, median(earlyLongest), *early)
	fmt.Printf("renders in the %s after the result: %.0f taking %.0f ms, median of %d (should be 0)\n",
		settle, median(extraRenders), median(extraMs), runs)
	if *profileTop > 0 {
		printTop(selfTimes, *profileTop, runs)
	}
	return nil
}

// longTasks records the page's long tasks from its first script on.
const longTasks = `window.ckptlensLongTasks = [];
new PerformanceObserver((l) => { for (const e of l.getEntries()) window.ckptlensLongTasks.push([e.startTime, e.duration]); }).observe({type: "longtask"});`

// measurement is one drop on a fresh page.
type measurement struct {
	first       float64 // first render, ms after navigation
	longestTask float64 // ms, between the first render and the drop
	drop, later timings // right after the result's paint, and settle later
}

// measure opens a fresh page, waits wait after its first render, drops
// file and times it until the result is painted.
func measure(b *browsertest.Browser, url, file string, wait time.Duration, selfTimes map[string]float64) (m measurement, err error) {
	p, err := b.NewPage()
	if err != nil {
		return m, err
	}
	defer p.Close()
	if _, err := chromedp.Call(p.Context(), page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: longTasks}); err != nil {
		return m, err
	}
	if err := p.Open(url + "/"); err != nil {
		return m, err
	}
	if m.first, err = browsertest.Eval[float64](p, `window.ckptlensTimings.firstRender`); err != nil {
		return m, err
	}
	time.Sleep(wait)
	before, err := browsertest.Eval[timings](p, `({...window.ckptlensTimings})`)
	if err != nil {
		return m, err
	}
	m.longestTask, err = browsertest.Eval[float64](p, fmt.Sprintf(`Math.max(0, ...window.ckptlensLongTasks.filter(t => t[0] + t[1] > %f).map(t => t[1]))`, m.first))
	if err != nil {
		return m, err
	}
	if *profileTop > 0 {
		if err := startProfile(p); err != nil {
			return m, err
		}
	}
	if _, err := p.DropAndWait(time.Minute, file); err != nil {
		return m, err
	}
	if *profileTop > 0 {
		if err := stopProfile(p, selfTimes); err != nil {
			return m, err
		}
	}
	// dropToRender is set once the result is painted.
	if err := p.WaitFor(fmt.Sprintf(`window.ckptlensTimings.paints > %d`, before.Paints)); err != nil {
		return m, err
	}
	if m.drop, err = browsertest.Eval[timings](p, `({...window.ckptlensTimings})`); err != nil {
		return m, err
	}
	m.later, err = browsertest.Eval[timings](p, fmt.Sprintf(`new Promise(r => setTimeout(() => r({...window.ckptlensTimings}), %d))`, settle.Milliseconds()))
	if *verbose {
		t := m.drop
		fmt.Printf("  run (drop %s after load): result render %.0f; drop %.0f decode %.0f (read %.0f) analyse %.0f; renders during load %d (%.0f ms); after %d (%.0f ms); longest task before the drop %.0f ms\n",
			wait, t.LastRenderMs, t.DropToRender, t.Decode, t.Read, t.Analyse, t.Renders-before.Renders, t.RenderMs-before.RenderMs, m.later.Renders-t.Renders, m.later.RenderMs-t.RenderMs, m.longestTask)
	}
	return m, err
}

// timings is window.ckptlensTimings after a drop.
type timings struct {
	DropToRender float64 `json:"dropToRender"`
	Decode       float64 `json:"decode"`
	Read         float64 `json:"read"`
	Analyse      float64 `json:"analyse"`
	Renders      int     `json:"renders"`
	Paints       int     `json:"paints"`
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
