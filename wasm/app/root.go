package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync/atomic"

	"github.com/vugu/vugu"
)

// Input is one file the user gave the page.
type Input struct {
	Name     string
	Size     int64
	ReaderAt io.ReaderAt
}

// Platform is what the app needs from the browser beyond rendering. The wasm
// entry passes wasm/jsio's implementation; tests on the host can pass a fake.
type Platform interface {
	// Download offers data to the user as a file.
	Download(filename, mimeType string, data []byte)
	// CopyText puts text on the clipboard.
	CopyText(text string)
	// Now is a monotonic clock in milliseconds (performance.now()).
	Now() float64
	// Painted waits until the browser has painted what was rendered, so
	// that a status line or a progress bar reaches the screen before work
	// that holds the thread. It blocks, so it must not run on an event
	// callback's goroutine.
	Painted()
}

// progressThreshold is the size above which a file shows a progress bar.
const progressThreshold = 8 << 20

// fileLoad is the state of one input while and after it is read.
type fileLoad struct {
	Name     string
	Size     int64
	Read     int64
	Done     bool
	Problem  string // why it could not be used, in words
	Note     string // what it was read as
	Snapshot bool   // decoded as a snapshot (possibly partial)
}

// Percent is how far the decoder has read, for the progress bar.
func (f *fileLoad) Percent() int {
	if f.Size <= 0 {
		return 100
	}
	return int(100 * f.Read / f.Size)
}

// ShowsProgress is true for files big enough to be worth a progress bar.
func (f *fileLoad) ShowsProgress() bool { return f.Size > progressThreshold && !f.Done }

// Finishing is true once the bar is full but the file is not done: the
// analysis after decoding takes seconds for millions of files.
func (f *fileLoad) Finishing() bool { return f.ShowsProgress() && f.Percent() >= 99 }

// Root is the page. Everything it renders comes from Report (plus the load
// status of the files being read), so a report opened from JSON renders the
// same views as one computed from files.
type Root struct {
	Env      vugu.EventEnv `vugu:"data"`
	Platform Platform      `vugu:"data"`

	// Base is the user's base location for the snapshot(s), which resolves
	// relative paths and names a savepoint's own folder.
	Base string `vugu:"data"`
	// Stopped states that the jobs (or SlateDB's writer and compactor) are
	// stopped: the plan may then take shared files from a listing without
	// times.
	Stopped bool `vugu:"data"`

	Report   *Report `vugu:"data"`
	ReadOnly bool    `vugu:"data"` // a shared report: no files behind it
	Loads    []*fileLoad
	Busy     bool
	Notice   string      // a short status line (copied, exported, …)
	Share    *ShareState `vugu:"data"` // share links (share.go)

	// Selected is the index of the snapshot the detail views show.
	Selected int
	// View is what is shown, kept in the URL (viewstate.go); linkFragment
	// is the share link part of the fragment a shown report came from, and
	// shownFragment the fragment last written.
	View                        ViewState
	linkFragment, shownFragment string

	// Timings is how long the last load took, for the page's budget check.
	Timings LoadTimings
	// Completed counts finished loads, so a script can wait for the next one.
	Completed int

	inputs     []Input
	notRead    []*fileLoad // lines for files of the drop left unread (leaveUnread)
	loadStart  float64
	loadSeq    atomic.Int64
	renderDone bool // the current Report has not been rendered yet when false
	// warming is true while Report and Loads are the warm-up's, rendered
	// hidden (warmup.go).
	warming bool
	// Idle waits until the browser is idle and returns the milliseconds
	// it has to spare (requestIdleCallback); the warm-up runs in them.
	// Nil only yields.
	Idle func() float64
}

// ShowReport makes the page render rep. readOnly marks a report that came
// without its files (a share link): the page then offers no re-analysis.
// Call it with the render lock held (from an event handler) or use
// ShowReportAsync from other goroutines.
func (r *Root) ShowReport(rep *Report, readOnly bool) {
	r.loadSeq.Add(1) // a load still reading is superseded
	r.warming = false
	r.Busy = false
	r.Report = rep
	r.ReadOnly = readOnly
	r.newReport()
	r.Loads = nil
	r.inputs, r.notRead = nil, nil
}

// ShowReportJSON decodes a report in the JSON form of Export and shows it
// read-only.
func (r *Root) ShowReportJSON(data []byte) error {
	var rep Report
	if err := json.Unmarshal(data, &rep); err != nil {
		return fmt.Errorf("the report is not valid JSON: %w", err)
	}
	r.ShowReport(&rep, true)
	return nil
}

// Load reads and analyses inputs in the background. It returns at once, so
// it may be called from a JavaScript event callback.
func (r *Root) Load(inputs []Input) { r.load(inputs, false) }

// load reads inputs; again says they are the files already given, whose
// lines for files left unread stay.
func (r *Root) load(inputs []Input, again bool) {
	if len(inputs) == 0 {
		return
	}
	r.Env.Lock()
	seq := r.loadSeq.Add(1)
	if r.warming {
		r.warming, r.Report = false, nil
	}
	r.inputs = inputs
	r.loadStart = r.Platform.Now()
	r.Busy = true
	r.Notice = ""
	loads := make([]*fileLoad, len(inputs))
	for i, in := range inputs {
		loads[i] = &fileLoad{Name: in.Name, Size: in.Size}
	}
	if !again {
		r.notRead = nil
	}
	r.Loads = append(loads, r.notRead...)
	where := placement{base: r.Base, stopped: r.Stopped}
	r.Env.UnlockRender()
	go r.analyse(seq, inputs, loads, where)
}

// Reanalyse runs the analysis again over the files already given, for
// example after the base location changed.
func (r *Root) Reanalyse() {
	if len(r.inputs) == 0 {
		return
	}
	inputs := r.inputs
	go func() { r.load(inputs, true) }()
}

// SetBase is the base-location field's handler.
func (r *Root) SetBase(base string) {
	if base == r.Base {
		return
	}
	r.Base = base
	r.Reanalyse()
}

// SetStopped is the "jobs are stopped" box's handler.
func (r *Root) SetStopped(stopped bool) {
	if stopped == r.Stopped {
		return
	}
	r.Stopped = stopped
	r.Reanalyse()
}

// LoadTimings splits a load's time, in milliseconds.
type LoadTimings struct {
	// DropToRender is from receiving the files to the rendered result (in
	// the DOM; the page publishes the time to its paint too).
	DropToRender float64
	// Decode is reading and decoding; Read is the part of it spent waiting
	// for the browser to hand over the files' bytes (pages rendered meanwhile
	// included). Analyse is the analysis after it.
	Decode, Read, Analyse float64
}

// errSuperseded ends the reading of a file a newer drop superseded.
var errSuperseded = errors.New("a newer drop replaced this one")

// progressReader moves a load's bar as the decoder reads through a file,
// and times the reads.
type progressReader struct {
	r      io.ReaderAt
	stop   func() bool // true once a newer drop supersedes this load
	readMs float64     // time spent in r.ReadAt
	progressBar
}

// progressBar moves a load's bar as work advances through a file, redrawing
// it now and then (see progressStep). The work is a number of passes over
// the file: reading it whole (when the page does), then the Flink decoder's
// two, counting and building (parse/flink's alloc.go). Each takes a share of
// the bar, so that it moves all the way instead of standing full for the
// building pass (about 20 s of a minute for 10 million state handles). A
// pass begins where work starts over from near the beginning after getting
// near the end. A decoder that reads once (SlateDB) ends its bar early;
// the done file hides it.
type progressBar struct {
	size   int64 // of the file: one pass
	passes int   // in all; zero is one
	pass   int   // under way, from 0
	// furthest is how far the pass under way has got.
	furthest atomic.Int64
	onStep   func(done int64) // done is the bar's position, between 0 and size
	lastStep int64
	now      func() float64 // milliseconds
	lastDraw float64
	// drawEnds draws the bar at the end of every pass: what follows the
	// last (the analysis) takes seconds for a large file and would leave
	// it short of full, and each pass takes seconds for it too.
	drawEnds bool
}

// finishingDraw is the smallest file whose bar is drawn whenever a pass ends
// (progressBar.drawEnds). Below it the rest takes less than a redraw costs.
const finishingDraw = 64 << 20

// progressStep is how far reading moves before the bar may be redrawn, and
// progressEvery how long the bar waits between redraws: every redraw is a
// render of the whole page that the decoder waits for, and then a frame
// painted (Platform.Painted), so a fast read draws a few times rather than
// once per MiB (figures: bench/RESULTS.md).
const (
	progressStep  = 1 << 20
	progressEvery = 250 // ms
)

func (p *progressReader) ReadAt(b []byte, off int64) (int, error) {
	if p.stop != nil && p.stop() {
		return 0, errSuperseded // the decoder stops here, part-way through a file
	}
	began := p.now()
	n, err := p.r.ReadAt(b, off)
	p.readMs += p.now() - began
	p.advance(off + int64(n))
	return n, err
}

// advance records that work reached end. Going back does not move the bar,
// unless it starts the next pass.
func (p *progressBar) advance(end int64) {
	far := p.furthest.Load()
	if end <= far {
		if far >= p.size*9/10 && end < p.size/10 && p.pass+1 < max(p.passes, 1) {
			p.pass++
			p.furthest.Store(end)
			p.lastStep = end
			if p.drawEnds { // the last pass may have skipped its last bytes (inline payloads)
				p.draw(end)
			}
		}
		return
	}
	p.furthest.Store(end)
	if p.drawEnds && end >= p.size {
		p.draw(end)
		return
	}
	if end-p.lastStep >= progressStep {
		p.lastStep = end
		if t := p.now(); t-p.lastDraw >= progressEvery {
			p.draw(end)
		}
	}
}

func (p *progressBar) draw(end int64) {
	p.lastStep, p.lastDraw = end, p.now()
	p.onStep(p.position(end))
}

// position is where the bar stands when the pass under way reached end.
func (p *progressBar) position(end int64) int64 {
	passes := int64(max(p.passes, 1))
	return (int64(p.pass)*p.size + min(end, p.size)) / passes
}

// current reports whether seq is still the newest load; a newer drop
// replaces an older one that is still reading.
func (r *Root) current(seq int64) bool { return r.loadSeq.Load() == seq }

// Rendered is called by the wasm entry after every render. It turns the
// first render of a new result into the drop-to-render figure, and returns
// when that load started (0 for any other render), so the entry can time
// the result until it is painted, which is what the user waits for.
func (r *Root) Rendered() (loadStart float64) {
	if !r.renderDone && r.Report != nil && !r.Busy {
		r.renderDone = true
		if r.loadStart > 0 {
			loadStart = r.loadStart
			r.Timings.DropToRender = r.Platform.Now() - r.loadStart
			r.loadStart = 0
		}
	}
	r.showView()
	return loadStart
}

// Snapshot is the snapshot the detail views show, or nil.
func (r *Root) Snapshot() *SnapshotReport {
	if r.Report == nil || len(r.Report.Snapshots) == 0 {
		return nil
	}
	if r.Selected < 0 || r.Selected >= len(r.Report.Snapshots) {
		r.Selected = 0
	}
	return r.Report.Snapshots[r.Selected]
}

// appClass hides the warm-up's views.
func (r *Root) appClass() string {
	if r.warming {
		return "app warming"
	}
	return "app"
}

// Status is the page state published on <body data-state> for tests and
// scripts: "empty", "loading" or "done".
func (r *Root) Status() string {
	switch {
	case r.warming:
		return "empty"
	case r.Busy:
		return "loading"
	case r.Report != nil:
		return "done"
	default:
		return "empty"
	}
}
