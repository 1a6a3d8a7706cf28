package app

import (
	"errors"
	"time"

	"github.com/ckptlens/ckptlens/parse"
	"github.com/ckptlens/ckptlens/parse/model"
)

// warmupRounds is how many times Warmup runs the engine. Chromium first runs
// each wasm function in baseline code and optimises it only once it has run
// often enough; without a warm-up the first file dropped pays for that.
const warmupRounds = 200

// Warmup runs the decoder and the analysis over warmupMetadata, a small
// checkpoint compiled into the app, so the functions a dropped file needs
// are optimised before the user drops one. It reads nothing from the network,
// touches no page state, and stops as soon as a load starts. Call it on its
// own goroutine after the first render: each round takes a few milliseconds
// and then yields to the browser, so the page stays responsive.
func (r *Root) Warmup() {
	var rep *Report
	for range warmupRounds {
		r.idle(warmupSlice)
		if r.loadSeq.Load() != 0 {
			return // the user was quicker: never hold up a real file
		}
		rep, _ = warmupOnce()
	}
	if rep != nil && r.Env != nil {
		r.warmViews(rep)
	}
}

// warmViewRounds is how many times warmViews renders its report.
const warmViewRounds = 3

// warmViews renders the result views and a progress bar for rep, hidden,
// and takes them away again. Chromium compiles each wasm function the first
// time it runs, so otherwise the first real result's render compiles the
// views' code.
func (r *Root) warmViews(rep *Report) {
	for range warmViewRounds {
		r.idle(warmViewSlice)
		if !r.setWarming(rep) {
			return
		}
		time.Sleep(time.Millisecond) // the render runs, hidden
		r.setWarming(nil)
		time.Sleep(time.Millisecond)
	}
}

// warmupSlice is the idle time a round of the engine needs (a few
// milliseconds); warmViewSlice a hidden render of the views, which cannot
// be cut short: it waits for an idle period nearly as long as the browser
// gives (50 ms), one with nothing else waiting.
const (
	warmupSlice   = 8  // ms
	warmViewSlice = 40 // ms
)

// idle waits until the browser is idle with ms for a warm-up step
// (Root.Idle), so the warm-up never holds up input or a drop; without
// Idle it only yields.
func (r *Root) idle(ms float64) {
	if r.Idle == nil {
		time.Sleep(time.Millisecond)
		return
	}
	for r.loadSeq.Load() == 0 && r.Idle() < ms {
	}
}

// setWarming shows rep hidden (nil takes it away); false when the page has
// anything of its own to show.
func (r *Root) setWarming(rep *Report) bool {
	r.Env.Lock()
	defer r.Env.UnlockRender()
	if r.loadSeq.Load() != 0 || (r.Report != nil && !r.warming) {
		return false
	}
	r.warming = rep != nil
	r.Report = rep
	r.Loads = nil
	if rep != nil {
		r.Loads = []*fileLoad{{Name: "_metadata", Size: 2 * progressThreshold, Read: progressThreshold}}
	}
	return true
}

// warmupOnce decodes and analyses warmupMetadata; the page discards the
// report, tests check it.
func warmupOnce() (*Report, error) {
	// From memory, as the page decodes a dropped file.
	data := []byte(warmupMetadata)
	rep := parse.Load([]parse.Source{parse.ReaderSource("_metadata", &model.Memory{Data: data}, int64(len(data)))}, pageOptions(placement{}))
	if e := rep.Snapshots[0].Error; e != nil {
		return nil, errors.New(e.Message)
	}
	return rep, nil
}
