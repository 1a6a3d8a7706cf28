package app

import (
	"errors"
	"fmt"
	"io"

	"github.com/ckptlens/ckptlens/parse/listing"
	"github.com/ckptlens/ckptlens/parse/model"
)

// analyse decodes every input and builds the report. It runs on its own
// goroutine: reading a Blob waits for promises, which must not happen on
// the event callback.
// loads is this load's own status list: a newer drop replaces r.Loads.
func (r *Root) analyse(seq int64, inputs []Input, loads []*fileLoad, where placement) {
	start := r.Platform.Now()
	inputs, loads, ok := r.keepLiveManifests(seq, inputs, loads)
	if !ok {
		return
	}
	d := &decodedInputs{start: start}
	for i, in := range inputs {
		if !r.readInput(seq, in, loads[i], d, i == len(inputs)-1) {
			return
		}
	}
	decodedAt := r.Platform.Now()
	if n := fileCount(d.snaps); n >= analysingNotice {
		r.Env.Lock()
		r.Notice = fmt.Sprintf("Working out the folders and sizes of %s files…", Count(n))
		r.Env.UnlockRender()
		r.Platform.Painted()
	}
	rep := buildReport(d.snaps, d.listings, d.listingErr, where)
	r.showResult(seq, rep, d, decodedAt)
}

// decodedInputs is what the inputs of one load turned out to be so far.
type decodedInputs struct {
	start      float64 // when the load began
	snaps      []*model.Snapshot
	listings   []*listing.Listing
	listingErr error   // a listing with a line that cannot be read: the plan refuses
	readMs     float64 // time spent waiting for the browser to hand over bytes
	held       int64   // bytes of files read whole, which their snapshots keep
}

// keepLiveManifests leaves out the SlateDB manifests no live one needs
// (liveManifests); ok is false when a newer load superseded this one.
func (r *Root) keepLiveManifests(seq int64, inputs []Input, loads []*fileLoad) ([]Input, []*fileLoad, bool) {
	live, liveLoads := liveManifests(inputs, loads)
	if len(live) == len(inputs) {
		return inputs, loads, true
	}
	r.Env.Lock()
	if !r.current(seq) {
		r.Env.UnlockOnly()
		return nil, nil, false
	}
	r.inputs, r.Loads = live, liveLoads
	r.notRead = liveLoads[len(live):]
	r.Env.UnlockRender()
	return live, liveLoads, true
}

// readInput reads and decodes one input, showing its progress and then what
// it is; false when a newer load superseded this one.
func (r *Root) readInput(seq int64, in Input, load *fileLoad, d *decodedInputs, last bool) bool {
	show := func(done int64) {
		r.Env.Lock()
		load.Read = done
		r.Env.UnlockRender()
		// The decoder does not wait for a file held in memory: this
		// hands the thread to the render and the browser, which draws
		// the bar and answers input. (After a 1 ms sleep the bar was
		// rendered but often not painted before decoding went on.)
		r.Platform.Painted()
	}
	pr := &progressReader{r: in.ReaderAt, progressBar: progressBar{size: in.Size, passes: decodingPasses,
		now: r.Platform.Now, lastDraw: d.start, onStep: show, drawEnds: in.Size >= finishingDraw}}
	src := readWhole(in, pr, min(inMemoryLimit, heldLimit-d.held))
	if _, ok := src.(*model.Memory); ok {
		d.held += in.Size
	}
	snap, lst, lerr, problem := decodeInput(in, src)
	if lerr != nil && d.listingErr == nil {
		d.listingErr = lerr
	}
	d.readMs += pr.readMs
	if !r.current(seq) {
		return false
	}
	r.Env.Lock()
	load.Read, load.Done, load.Problem = in.Size, true, problem
	load.Snapshot = snap != nil
	switch {
	case snap != nil:
		load.Note = describe(snap)
		d.snaps = append(d.snaps, snap)
	case lst != nil:
		load.Note = fmt.Sprintf("storage listing (%s), %s entries", lst.Format, Count(len(lst.Entries)))
	}
	if lst != nil {
		d.listings = append(d.listings, lst)
	}
	if last {
		r.Env.UnlockOnly() // the result's render, right after the analysis, shows it
	} else {
		r.Env.UnlockRender()
	}
	return true
}

// showResult hands the report to the views, unless a newer load superseded
// this one.
func (r *Root) showResult(seq int64, rep *Report, d *decodedInputs, decodedAt float64) {
	analysed := r.Platform.Now()
	r.Env.Lock()
	defer r.Env.UnlockRender()
	if !r.current(seq) {
		return
	}
	r.Busy = false
	r.Notice = ""
	r.Completed++
	r.Timings = LoadTimings{Decode: decodedAt - d.start, Read: d.readMs, Analyse: analysed - decodedAt}
	r.renderDone = false
	if len(rep.Snapshots) == 0 {
		r.Report = nil
		r.Notice = "None of the files is a snapshot ckptlens can read; see the reasons above."
		if len(d.listings) > 0 {
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

func fileCount(snaps []*model.Snapshot) (n int) {
	for _, s := range snaps {
		n += len(s.Files)
	}
	return n
}

// inMemoryLimit is the largest file the page reads whole and decodes in
// place (model.Memory). In Chromium that decodes a dense 16 MB file in
// 79 ms instead of 148 (every small copy was a call out of the module), and
// a file over 32 MiB is fetched once instead of once per decoding pass.
// Larger files are read as the decoder goes, so that their inline
// payloads, which it skips, are never fetched.
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

// listingLimit bounds a listing read into memory; listings are text and
// far smaller than this in practice.
const listingLimit = 512 << 20

// decodeInput reads one file as a snapshot or, failing that, as a storage
// listing. A snapshot that stops part-way is kept with its error, and so is
// a listing with a line that cannot be read (lerr: its plan is refused);
// problem explains a file that is neither, or the listing's bad line.
func decodeInput(in Input, r io.ReaderAt) (snap *model.Snapshot, lst *listing.Listing, lerr error, problem string) {
	snap, err := decode(in.Name, r, in.Size)
	if snap != nil && snap.Format != "" {
		return snap, nil, nil, "" // a snapshot, perhaps partial: its Error is shown with it
	}
	if in.Size <= listingLimit {
		l, lerr := listing.Parse(io.NewSectionReader(r, 0, in.Size))
		switch {
		case lerr == nil && len(l.Entries) > 0:
			return nil, l, nil, ""
		case l.Format != "" && len(l.Entries) > 0:
			return nil, l, lerr, "This listing has a line ckptlens cannot read (" + lerr.Error() + "), so no deletion plan is made from it."
		}
	}
	return nil, nil, nil, explain(err)
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
