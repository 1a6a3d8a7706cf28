package app

import (
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"

	"github.com/ckptlens/ckptlens/parse"
	"github.com/ckptlens/ckptlens/parse/model"
)

// analyse reads every input through the engine's front door (parse.Load)
// and shows the report. It runs on its own goroutine: reading a Blob waits
// for promises, which must not happen on the event callback.
// loads is this load's own status list: a newer drop replaces r.Loads.
func (r *Root) analyse(seq int64, inputs []Input, loads []*fileLoad, where placement) {
	d := &decodedInputs{start: r.Platform.Now(), readers: make([]*progressReader, len(inputs)), toRead: len(inputs)}
	sources := make([]parse.Source, len(inputs))
	for i, in := range inputs {
		sources[i] = parse.Source{Name: in.Name, Size: in.Size, InFolder: strings.Contains(in.Name, "/"),
			Open: func() (io.ReaderAt, error) { return r.open(in, loads[i], d, i), nil }}
	}
	opts := pageOptions(where)
	opts.Stop = yielding(func() bool { return !r.current(seq) })
	d.stop = opts.Stop
	opts.NotLive = func(notLive []int) {
		d.toRead -= len(notLive)
		r.leaveUnread(seq, inputs, loads, notLive)
	}
	opts.Done = func(res parse.SourceResult) { r.showRead(seq, loads[res.Index], res, d) }
	rep := parse.Load(sources, opts)
	if rep.Cancelled {
		return
	}
	r.showResult(seq, rep, d)
}

// yielding wraps the engine's stop poll (between sources, operators and
// analysis steps) so that it yields. The page's Go runs on one thread and
// is never preempted: a collection begun during a load otherwise marked
// only as the load allocated, with write barriers on through the rest (our
// reading of the profile in bench/RESULTS.md). It yields at each of the
// first 64 polls and at every 64th after: little for millions of operators.
func yielding(stop func() bool) func() bool {
	polls := 0
	return func() bool {
		if polls++; polls <= 64 || polls%64 == 0 {
			runtime.Gosched()
		}
		return stop()
	}
}

// pageOptions are how the page reads its inputs: within its limits, with
// the listings dropped among them.
func pageOptions(where placement) parse.LoadOptions {
	return parse.LoadOptions{Options: parse.Options{Stopped: where.stopped}, Limits: pageLimits,
		Base: where.base, ReadListings: true}
}

// placement is what the user says of where the files live and whether
// their writers still run.
type placement struct {
	base    string
	stopped bool
}

// decodedInputs is what the inputs of one load turned out to be so far.
type decodedInputs struct {
	start     float64 // when the load began
	stop      func() bool
	decodedAt float64 // when the last input was read
	readers   []*progressReader
	toRead    int     // inputs not yet read
	files     int     // in the snapshots read
	listings  int     // storage listings read
	readMs    float64 // time spent waiting for the browser to hand over bytes
	held      int64   // bytes of files read whole, which their snapshots keep
}

// open hands the engine input i, read whole when it fits (readWhole), with
// its progress bar.
func (r *Root) open(in Input, load *fileLoad, d *decodedInputs, i int) io.ReaderAt {
	show := func(done int64) {
		r.Env.Lock()
		load.Read = done
		r.Env.UnlockRender()
		// The decoder does not wait for a file held in memory: this
		// hands the thread to the render and the browser, which draws
		// the bar and answers input; a short sleep would not wait for
		// the paint.
		r.Platform.Painted()
	}
	pr := &progressReader{r: in.ReaderAt, stop: d.stop, progressBar: progressBar{size: in.Size, passes: decodingPasses,
		now: r.Platform.Now, lastDraw: d.start, onStep: show, drawEnds: in.Size >= finishingDraw}}
	d.readers[i] = pr
	src := readWhole(in, pr, min(inMemoryLimit, heldLimit-d.held))
	if _, ok := src.(*model.Memory); ok {
		d.held += in.Size
	}
	return src
}

// showRead shows what one input turned out to be. Once the last is read,
// a large analysis still to come is announced.
func (r *Root) showRead(seq int64, load *fileLoad, res parse.SourceResult, d *decodedInputs) {
	if pr := d.readers[res.Index]; pr != nil {
		d.readMs += pr.readMs
	}
	d.toRead--
	if !r.current(seq) {
		return
	}
	r.Env.Lock()
	load.Read, load.Done = load.Size, true
	load.Snapshot, load.Problem = res.Snapshot != nil, problem(res)
	switch {
	case res.Snapshot != nil:
		load.Note = describe(res.Snapshot)
		d.files += len(res.Snapshot.Files)
	case res.Listing != nil:
		d.listings++
		load.Note = fmt.Sprintf("storage listing (%s), %s entries", res.Listing.Format, Count(len(res.Listing.Entries)))
	}
	if d.toRead > 0 {
		r.Env.UnlockRender()
		return
	}
	d.decodedAt = r.Platform.Now()
	if d.files < analysingNotice {
		r.Env.UnlockOnly() // the result's render, right after the analysis, shows it
		return
	}
	r.Notice = fmt.Sprintf("Working out the folders and sizes of %s files…", Count(d.files))
	r.Env.UnlockRender()
	r.Platform.Painted()
}

// problem explains an input that is neither a snapshot nor a listing, or a
// listing's bad line. A snapshot that stops part-way shows its error with
// it instead.
func problem(res parse.SourceResult) string {
	switch {
	case res.Snapshot != nil || res.Err == nil:
		return ""
	case res.Listing != nil:
		return "This listing has a line ckptlens cannot read (" + res.Err.Error() + "), so no deletion plan is made from it."
	}
	return explain(res.Err)
}

// showResult hands the report to the views, unless a newer load superseded
// this one.
func (r *Root) showResult(seq int64, rep *Report, d *decodedInputs) {
	analysed := r.Platform.Now()
	r.Env.Lock()
	defer r.Env.UnlockRender()
	if !r.current(seq) {
		return
	}
	r.Busy = false
	r.Notice = ""
	r.Completed++
	r.Timings = LoadTimings{Decode: d.decodedAt - d.start, Read: d.readMs, Analyse: analysed - d.decodedAt}
	r.renderDone = false
	if len(rep.Snapshots) == 0 {
		r.Report = nil
		r.Notice = "None of the files is a snapshot ckptlens can read; see the reasons above."
		if d.listings > 0 {
			r.Notice = "A listing alone says nothing about what is referenced: drop it together with the snapshots."
		}
		return
	}
	r.Report = rep
	r.newReport()
}

// analysingNotice is the fewest files whose analysis the status line
// announces: two million take it seconds, 649,500 a fifth of one, less
// than the render and paint that would say so is worth.
var analysingNotice = 1_000_000

// inMemoryLimit is the largest file the page reads whole and decodes in
// place (model.Memory): no small copies out of the module, and one fetch
// instead of one per decoding pass (figures: bench/RESULTS.md). Larger
// files are read as the decoder goes, so that their inline payloads, which
// it skips, are never fetched.
const inMemoryLimit = 256 << 20

// heldLimit bounds the files of one drop read whole: a snapshot decoded in
// place keeps its file, payloads and all, and several large inline-heavy
// files must not fill the page's memory. Files past it are read as the
// decoder goes, and their snapshots keep only their strings.
const heldLimit = 512 << 20

// readStep is how much of a file one read brings in when it is read whole:
// a 16 MB file in one fetch, the fastest way the browser hands a file over,
// and larger ones in steps that move the bar.
const readStep = 16 << 20

// decodingPasses is how often the Flink decoder goes over a file: it
// counts, then builds (parse/flink's alloc.go).
const decodingPasses = 2

// readWhole reads a file of up to limit bytes whole and returns it
// as a model.Memory. Its bar then shows reading as one more pass before
// decoding's. Larger files, and any whose reading fails (the decoder then
// meets and reports the failure), are read as the decoder goes, through pr.
func readWhole(in Input, pr *progressReader, limit int64) io.ReaderAt {
	if in.Size <= 0 || in.Size > limit {
		return pr
	}
	pr.passes = 1 + decodingPasses
	data := make([]byte, in.Size)
	for off := int64(0); off < in.Size; off += readStep {
		end := min(off+readStep, in.Size)
		if n, _ := pr.ReadAt(data[off:end], off); int64(n) < end-off {
			pr.passes = decodingPasses
			return pr
		}
	}
	// Decoding in place reports how far it got through Reached, and starts
	// over from near the beginning for its second pass.
	decoding := &progressBar{size: pr.size, passes: pr.passes, pass: 1, now: pr.now, lastDraw: pr.lastDraw,
		onStep: pr.onStep, drawEnds: pr.drawEnds}
	return &model.Memory{Data: data, Reached: decoding.advance}
}

// explain words a decoding error for a user.
func explain(err error) string {
	var fe *model.FormatError
	if errors.As(err, &fe) && fe.Offset == 0 {
		return fmt.Sprintf("Not a Flink _metadata file, a SlateDB manifest or a storage listing: found %s.", fe.Found)
	}
	return fmt.Sprintf("Could not read this file: %v.", err)
}

// describe is the one-line note shown next to a decoded file.
func describe(s *model.Snapshot) string {
	var out string
	switch {
	case s.SlateDB != nil:
		out = fmt.Sprintf("SlateDB manifest %d, format version %d", s.SlateDB.ManifestID, s.FormatVersion)
	case s.SnapshotKind == model.KindUnknown || s.SnapshotKind == "":
		out = fmt.Sprintf("Flink _metadata, header version %d, checkpoint id %d (checkpoint or savepoint: the file does not say)", s.FormatVersion, s.CheckpointID)
	default:
		out = fmt.Sprintf("Flink _metadata, header version %d, %s %d", s.FormatVersion, s.SnapshotKind, s.CheckpointID)
	}
	if s.Error != nil {
		out += fmt.Sprintf(" — stopped at byte %d", s.Error.Offset)
	}
	return out
}
