package app

import (
	"strings"
	"time"

	"github.com/ckptlens/ckptlens/parse/model"
)

// warmupRounds is how many times Warmup runs the engine. Chromium first runs
// each wasm function in baseline code and optimises it only once it has run
// enough, so a page's first file used to take about three times as long as
// the same file dropped again.
const warmupRounds = 200

// Warmup runs the decoder and the analysis over warmupMetadata, a small
// checkpoint compiled into the app, so the functions a dropped file needs
// are optimised before the user drops one. It reads nothing from the network,
// touches no page state, and stops as soon as a load starts. Call it on its
// own goroutine after the first render: each round takes a few milliseconds
// and then yields to the browser, so the page stays responsive.
func (r *Root) Warmup() {
	for range warmupRounds {
		if r.loadSeq.Load() != 0 {
			return // the user was quicker: never hold up a real file
		}
		warmupOnce()
		time.Sleep(time.Millisecond) // back to the browser's event loop
	}
}

// warmupOnce decodes and analyses warmupMetadata; the page discards the
// report, tests check it.
func warmupOnce() (*Report, error) {
	snap, err := decode("_metadata", strings.NewReader(warmupMetadata), int64(len(warmupMetadata)))
	if err != nil {
		return nil, err
	}
	return buildReport([]*model.Snapshot{snap}, nil, ""), nil
}
