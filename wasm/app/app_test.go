package app

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ckptlens/ckptlens/internal/flink/encode"
	"github.com/ckptlens/ckptlens/parse"
	"github.com/ckptlens/ckptlens/parse/listing"
	"github.com/ckptlens/ckptlens/parse/model"
)

func TestSortToggle(t *testing.T) {
	var s sortState
	s.Toggle("bytes", true)
	if s.Aria("bytes") != "descending" || s.Aria("path") != "none" {
		t.Fatalf("numbers sort largest first: %+v", s)
	}
	s.Toggle("bytes", true)
	if s.Aria("bytes") != "ascending" {
		t.Fatalf("a second press flips: %+v", s)
	}
	rows := []*model.File{{Path: "b", Bytes: 1}, {Path: "a", Bytes: 3}, {Path: "c", Bytes: 2}}
	sortBy(rows, s, fileColumns)
	if rows[0].Bytes != 1 || rows[2].Bytes != 3 {
		t.Fatalf("ascending by bytes: %+v", rows)
	}
}

func TestBytesAndCount(t *testing.T) {
	for n, want := range map[int64]string{-1: "unknown", 0: "0 B", 1023: "1023 B", 1536: "1.5 KiB",
		18 << 20: "18 MiB", 3 << 20: "3.0 MiB", 5 << 40: "5.0 TiB"} {
		if got := Bytes(n); got != want {
			t.Errorf("Bytes(%d) = %q, want %q", n, got, want)
		}
	}
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -4500: "-4,500"} {
		if got := Count(n); got != want {
			t.Errorf("Count(%d) = %q, want %q", n, got, want)
		}
	}
}

// A shared report carries the sharer's text in every column: opened from
// its JSON, none of it becomes a spreadsheet formula in the CSV export, and
// the numbers stay numbers.
func TestSharedReportCSVDefusesEveryColumn(t *testing.T) {
	r := &Root{}
	err := r.ShowReportJSON([]byte(`{"snapshots":[{"source":"=HYPERLINK(\"http://evil\",\"x\")","checkpointId":-1,
		"files":[{"path":"@SUM(1+1)","kind":"+cmd|' /C calc'!A0","bytes":-1,"operators":["-2+3","\tx"]}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(ReportCSV(r.Report))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 {
		t.Fatalf("%q", rows)
	}
	for i, cell := range rows[1] {
		if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) && cell != "-1" {
			t.Errorf("column %s: %q would run as a formula", rows[0][i], cell)
		}
	}
	if rows[1][1] != "-1" || rows[1][4] != "-1" || rows[1][0] != `'=HYPERLINK("http://evil","x")` || rows[1][6] != "'-2+3 \tx" {
		t.Errorf("%q", rows[1])
	}
}

// A path is data: in CSV a leading = must not become a spreadsheet formula.
func TestReportCSVDefusesFormulas(t *testing.T) {
	rep := &Report{Snapshots: []*SnapshotReport{{Snapshot: &model.Snapshot{Source: "_metadata", CheckpointID: 3,
		Files: []model.File{{Path: `=HYPERLINK("http://x")`, Kind: model.KindShared, Bytes: 5, Operators: []string{"a", "b"}}}}}}}
	rows, err := csv.NewReader(bytes.NewReader(ReportCSV(rep))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[1][2] != `'=HYPERLINK("http://x")` || rows[1][6] != "a b" {
		t.Fatalf("%q", rows)
	}
}

func TestProgressReaderReportsFurthestOffset(t *testing.T) {
	data := bytes.Repeat([]byte{1}, 3*progressStep)
	var steps []int64
	clock := 0.0
	pr := &progressReader{r: bytes.NewReader(data), progressBar: progressBar{size: int64(len(data)), now: func() float64 { return clock }, onStep: func(n int64) { steps = append(steps, n) }}}
	buf := make([]byte, progressStep/2)
	for off := int64(0); off < int64(len(data)); off += int64(len(buf)) {
		clock += progressEvery / 2 // a redraw each MiB
		pr.ReadAt(buf, off)
	}
	pr.ReadAt(buf, 0) // reading back does not move the bar
	if pr.furthest.Load() != int64(len(data)) || len(steps) != 3 {
		t.Fatalf("furthest %d, steps %v", pr.furthest.Load(), steps)
	}
}

// A fast read redraws the bar at most every progressEvery milliseconds.
func TestProgressReaderRedrawsAtMostEveryInterval(t *testing.T) {
	data := bytes.Repeat([]byte{1}, 8*progressStep)
	var steps []int64
	clock := 0.0
	pr := &progressReader{r: bytes.NewReader(data), progressBar: progressBar{size: int64(len(data)), now: func() float64 { return clock }, onStep: func(n int64) { steps = append(steps, n) }}}
	buf := make([]byte, progressStep)
	for off := int64(0); off < int64(len(data)); off += int64(len(buf)) {
		clock += progressEvery / 4.0
		pr.ReadAt(buf, off)
	}
	if pr.furthest.Load() != int64(len(data)) || len(steps) != 2 || steps[0] != 4*progressStep {
		t.Fatalf("furthest %d, steps %v", pr.furthest.Load(), steps)
	}
}

// readOne reads one input as the page does, and says what it turned out to be.
func readOne(in Input) (*model.Snapshot, *listing.Listing, string) {
	var res parse.SourceResult
	opts := pageOptions(placement{})
	opts.Done = func(r parse.SourceResult) { res = r }
	parse.Load([]parse.Source{parse.ReaderSource(in.Name, in.ReaderAt, in.Size)}, opts)
	return res.Snapshot, res.Listing, problem(res)
}

func TestDecodeInputTellsSnapshotListingAndGarbage(t *testing.T) {
	listingText := "100 /data/ckpt/job/chk-1/_metadata\n200 /data/ckpt/job/shared/a.sst\n"
	in := Input{Name: "listing.txt", Size: int64(len(listingText)), ReaderAt: strings.NewReader(listingText)}
	snap, lst, problem := readOne(in)
	if snap != nil || lst == nil || len(lst.Entries) != 2 || problem != "" {
		t.Fatalf("a find listing: %v %v %q", snap, lst, problem)
	}
	junk := "\x89PNG\r\n\x1a\n not a snapshot"
	in = Input{Name: "x.png", Size: int64(len(junk)), ReaderAt: strings.NewReader(junk)}
	snap, lst, problem = readOne(in)
	if snap != nil || lst != nil || !strings.HasPrefix(problem, "Not a Flink _metadata file") {
		t.Fatalf("junk: %v %v %q", snap, lst, problem)
	}
}

// The page's report is the engine's: a report from JSON shows read-only.
func TestShowReportJSON(t *testing.T) {
	var r Root
	if err := r.ShowReportJSON([]byte(`{"snapshots":[{"source":"_metadata","checkpointId":9,"files":[],"operators":[]}]}`)); err != nil {
		t.Fatal(err)
	}
	if !r.ReadOnly || r.Snapshot() == nil || r.Snapshot().CheckpointID != 9 || r.Status() != "done" {
		t.Fatalf("read-only %v, state %q, snapshot %v", r.ReadOnly, r.Status(), r.Snapshot())
	}
	if err := r.ShowReportJSON([]byte(`{`)); err == nil {
		t.Fatal("bad JSON accepted")
	}
	var _ *parse.Report = r.Report
}

// The file table shows its first rows, then all of them if they fit a
// page, else a page at a time; a new filter starts from the top.
func TestFilesShowsFirstRowsThenPages(t *testing.T) {
	snap := &model.Snapshot{}
	for i := range 1234 {
		snap.Files = append(snap.Files, model.File{Path: fmt.Sprintf("%d/f", i), Bytes: int64(i)})
	}
	c := &Files{Snap: &SnapshotReport{Snapshot: snap}}
	n := len(c.matching())
	if rows := c.visible(); len(rows) != rowsFirst || c.Rows.moreText(n) != "Show 500 at a time" || c.Rows.paged(n) {
		t.Fatalf("first rows: %d, more %q", len(rows), c.Rows.moreText(n))
	}
	c.Rows.ShowMore()
	var pages []string
	for {
		rows := c.visible()
		pages = append(pages, fmt.Sprintf("%s %s..%s", c.Rows.rangeText(n), rows[0].Path, rows[len(rows)-1].Path))
		if c.Rows.atEnd(n) {
			break
		}
		c.Rows.Next(n)
	}
	want := []string{"Rows 1–500 of 1,234 0/f..499/f", "Rows 501–1,000 of 1,234 500/f..999/f", "Rows 1,001–1,234 of 1,234 1000/f..1233/f"}
	if !slices.Equal(pages, want) || c.Rows.moreText(n) != "" || !c.Rows.paged(n) {
		t.Fatalf("pages %q, want %q", pages, want)
	}
	c.Rows.Next(n) // at the end: stays
	c.Rows.Previous(n)
	if c.visible()[0].Path != "500/f" || c.Rows.atStart(n) {
		t.Fatalf("back a page: starts at %s", c.visible()[0].Path)
	}
	c.SetFilter("99", nil)
	if rows := c.visible(); !c.Rows.atStart(len(c.matching())) || len(rows) != len(c.matching()) || rows[0].Path != "99/f" {
		t.Fatalf("after a filter: %d rows from %s", len(rows), rows[0].Path)
	}
	few := &Pager{}
	if text := few.moreText(300); text != "Show all (250 more)" {
		t.Fatalf("300 rows: %q", text)
	}
	if few.ShowMore(); few.paged(300) || len(pageOf(make([]int, 300), few)) != 300 {
		t.Fatalf("300 rows after Show all: paged %v", few.paged(300))
	}
	if few.moreText(50) != "" {
		t.Fatal("a button for 50 rows")
	}
}

// A start past the end of a list that got shorter shows its last page.
func TestPagerClampsToTheLastPage(t *testing.T) {
	p := &Pager{Paged: true, Start: 5000}
	if from, to := p.bounds(1234); from != 1000 || to != 1234 {
		t.Fatalf("bounds %d–%d", from, to)
	}
	if from, to := p.bounds(0); from != 0 || to != 0 {
		t.Fatalf("empty: %d–%d", from, to)
	}
}

// A file read whole is decoded in place; its bar shows reading, then the
// decoder's two passes over it (Reached sweeps the file twice), each a
// third, and never goes back.
func TestReadWholeDecodesInPlaceWithOneBar(t *testing.T) {
	data := bytes.Repeat([]byte{7}, 2*readStep+12345) // three reads
	size := int64(len(data))
	var shown []int64
	clock := 0.0
	tick := func() float64 { clock += progressEvery; return clock }
	in := Input{Name: "_metadata", Size: size, ReaderAt: bytes.NewReader(data)}
	pr := &progressReader{r: in.ReaderAt, progressBar: progressBar{size: size, passes: decodingPasses, now: tick,
		onStep: func(done int64) { shown = append(shown, done) }}}
	src := readWhole(in, pr, inMemoryLimit)
	mem, ok := src.(*model.Memory)
	if !ok || !bytes.Equal(mem.Data, data) {
		t.Fatalf("got %T, want the whole file as *model.Memory", src)
	}
	read := len(shown)
	for range decodingPasses {
		for off := int64(8); off < size; off += progressStep {
			mem.Reached(off)
		}
		mem.Reached(size)
	}
	if read < 2 || shown[read-1] > size/3 || len(shown) < read+8 || shown[len(shown)-1] < size-progressStep {
		t.Fatalf("bar steps %v (%d while reading), want reading to a third, then several to near %d", shown, read, size)
	}
	for i, s := range shown {
		if i > 0 && s < shown[i-1] {
			t.Fatalf("bar went back: %v", shown)
		}
	}
	if i := slices.IndexFunc(shown, func(s int64) bool { return s > size*2/3+progressStep }); i < 1 || shown[i-1] < size/2 {
		t.Fatalf("the second decoding pass did not move the bar on from two thirds: %v", shown)
	}
}

type failingReader struct{}

func (failingReader) ReadAt(p []byte, off int64) (int, error) { return 0, io.ErrUnexpectedEOF }

// A file too large to hold, or one whose reading fails, is read as the
// decoder goes: the decoder then meets and reports the failure.
func TestReadWholeFallsBackToReadingOnTheWay(t *testing.T) {
	now := func() float64 { return 0 }
	for _, in := range []Input{
		{Name: "huge", Size: inMemoryLimit + 1, ReaderAt: failingReader{}},
		{Name: "unreadable", Size: 1000, ReaderAt: failingReader{}},
	} {
		pr := &progressReader{r: in.ReaderAt, progressBar: progressBar{size: in.Size, passes: decodingPasses, now: now}}
		if src := readWhole(in, pr, inMemoryLimit); src != io.ReaderAt(pr) || pr.passes != decodingPasses {
			t.Errorf("%s: got %T, %d passes; want the progress reader and the decoder's passes", in.Name, src, pr.passes)
		}
	}
}

// zeros is a file of size zero bytes that records its longest read.
type zeros struct {
	size    int64
	longest int
}

func (z *zeros) ReadAt(p []byte, off int64) (int, error) {
	z.longest = max(z.longest, len(p))
	if off >= z.size {
		return 0, io.EOF
	}
	n := int(min(int64(len(p)), z.size-off))
	clear(p[:n])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// One drop reads at most heldLimit bytes of files whole (their snapshots
// keep them); the files after that are read as the decoder goes.
func TestOneDropHoldsAtMostHeldLimit(t *testing.T) {
	const size = 200 << 20
	files := []*zeros{{size: size}, {size: size}, {size: size}}
	var inputs []Input
	var loads []*fileLoad
	for i, f := range files {
		inputs = append(inputs, Input{Name: fmt.Sprint("big-", i), Size: size, ReaderAt: f})
		loads = append(loads, &fileLoad{Name: inputs[i].Name, Size: size})
	}
	r := &Root{Env: &countingEnv{}, Platform: &fakeBrowser{}}
	r.analyse(r.loadSeq.Load(), inputs, loads, placement{})
	for i, f := range files {
		readWhole := f.longest >= readStep
		if want := i < 2; readWhole != want {
			t.Errorf("file %d: read whole %v (longest read %d bytes), want %v", i, readWhole, f.longest, want)
		}
	}
}

// A checkpoint too big for the page's memory stops before its model is
// built, with a reason that points to the CLI.
func TestPageLimitsStopAModelTooBig(t *testing.T) {
	var buf bytes.Buffer
	if _, err := encode.WriteDense(&buf, encode.DenseSpec{Operators: 1, Parallelism: 10, SharedPerSubtask: 10}); err != nil {
		t.Fatal(err)
	}
	saved := pageLimits
	defer func() { pageLimits = saved }()
	pageLimits.MaxModelBytes = 1000
	in := Input{Name: "_metadata", Size: int64(buf.Len()), ReaderAt: bytes.NewReader(buf.Bytes())}
	snap, _, _ := readOne(in)
	if snap == nil || snap.Error == nil || len(snap.Operators) != 0 ||
		!strings.Contains(snap.Error.Message, "in a browser tab; the command-line tool (ckptlens inspect) reads it") {
		t.Fatalf("decoded %+v", snap)
	}
}

// A large list is filtered once typing pauses, with the last text typed;
// a small one on every key.
func TestFilterWaitsForTypingToPause(t *testing.T) {
	big := &model.Snapshot{Files: make([]model.File, filterNowFiles+1)}
	env := &syncEnv{}
	c := &Files{Snap: &SnapshotReport{Snapshot: big}}
	for _, s := range []string{"c", "ch", "chk"} {
		env.Lock()
		c.SetFilter(s, env)
		env.Unlock()
	}
	env.Lock()
	if c.Typed != "chk" || c.Filter != "" {
		t.Fatalf("while typing: typed %q, filter %q", c.Typed, c.Filter)
	}
	env.Unlock()
	waitFor(t, func() bool { env.Lock(); defer env.Unlock(); return c.Filter == "chk" })
	time.Sleep(2 * filterPause) // the earlier keys' timers have fired too
	env.Lock()
	if env.renders != 1 || c.Filter != "chk" {
		t.Fatalf("%d renders, filter %q", env.renders, c.Filter)
	}
	env.Unlock()
	small := &Files{Snap: &SnapshotReport{Snapshot: &model.Snapshot{Files: make([]model.File, 10)}}}
	small.SetFilter("x", env)
	if small.Filter != "x" {
		t.Fatal("a small list waited")
	}
}

// A large list is sorted after the count line says so, from the first
// page; of clicks in quick succession, the last sorts. A small list sorts
// at once.
func TestLargeListSaysItIsSorting(t *testing.T) {
	big := &model.Snapshot{Files: make([]model.File, filterNowFiles+1)}
	for i := range big.Files {
		big.Files[i].Bytes = int64(i % 1000)
	}
	env := &syncEnv{}
	c := &Files{Snap: &SnapshotReport{Snapshot: big}, Platform: &fakeBrowser{}, Rows: Pager{Paged: true, Start: 500}}
	env.Lock()
	c.SetSort("bytes", true, env) // largest first
	c.SetSort("bytes", true, env) // flipped: smallest first
	if got := c.countText(); got != "Sorting 20,001 files…" || c.sort.Key != "" {
		t.Fatalf("while sorting: %q, sorted by %+v", got, c.sort)
	}
	env.Unlock()
	waitFor(t, func() bool { env.Lock(); defer env.Unlock(); return c.sorting == 0 })
	env.Lock()
	rows := c.matching()
	if c.sort != (sortState{Key: "bytes"}) || rows[0].Bytes != 0 || rows[len(rows)-1].Bytes != 999 || c.Rows.Start != 0 ||
		c.countText() != "20,001 files" || env.renders != 1 {
		t.Fatalf("sorted by %+v, %d…%d, page at %d, %q, %d renders", c.sort, rows[0].Bytes, rows[len(rows)-1].Bytes, c.Rows.Start, c.countText(), env.renders)
	}
	env.Unlock()
	small := &Files{Snap: &SnapshotReport{Snapshot: &model.Snapshot{Files: make([]model.File, 10)}}, Platform: &fakeBrowser{}}
	if small.SetSort("path", false, env); small.sort.Key != "path" {
		t.Fatal("a small list waited")
	}
}

// syncEnv is an EventEnv with a real lock, counting renders.
type syncEnv struct {
	sync.Mutex
	renders int
}

func (e *syncEnv) UnlockOnly()   { e.Unlock() }
func (e *syncEnv) UnlockRender() { e.renders++; e.Unlock() }
func (e *syncEnv) RLock()        { e.Lock() }
func (e *syncEnv) RUnlock()      { e.Unlock() }

// While a large drop is analysed the status line says so, rendered before
// the work; the result clears it. A full bar whose file is not done says
// the result is being worked out.
func TestLargeAnalysisIsAnnounced(t *testing.T) {
	var buf bytes.Buffer
	if _, err := encode.WriteDense(&buf, encode.DenseSpec{Operators: 1, Parallelism: 10, SharedPerSubtask: 10}); err != nil {
		t.Fatal(err)
	}
	saved := analysingNotice
	defer func() { analysingNotice = saved }()
	analysingNotice = 100
	env := &noticeEnv{}
	r := &Root{Env: env, Platform: &fakeBrowser{}}
	env.root = r
	in := Input{Name: "_metadata", Size: int64(buf.Len()), ReaderAt: bytes.NewReader(buf.Bytes())}
	r.analyse(r.loadSeq.Load(), []Input{in}, []*fileLoad{{Name: in.Name, Size: in.Size}}, placement{})
	if !slices.Contains(env.shown, "Working out the folders and sizes of 150 files…") || r.Notice != "" || r.Report == nil {
		t.Fatalf("status lines rendered %q; now %q", env.shown, r.Notice)
	}
	l := &fileLoad{Size: 100 << 20, Read: 99 << 20}
	if !l.Finishing() {
		t.Fatal("a full bar does not say the result is being worked out")
	}
	if l.Read = 50 << 20; l.Finishing() {
		t.Fatal("a half bar says it")
	}
}

// noticeEnv records the status line of every render.
type noticeEnv struct {
	countingEnv
	root  *Root
	shown []string
}

func (e *noticeEnv) UnlockRender() { e.shown = append(e.shown, e.root.Notice) }

// A large file's bar moves through both decoding passes: it stands at half
// when the first pass ends (drawn then, or when the second starts if the
// first skipped its last bytes, as inline payloads are skipped), then moves
// on to full, drawn when the second pass ends. It never goes back.
func TestBarMovesThroughBothPasses(t *testing.T) {
	for _, c := range []struct {
		name    string
		readsTo int64 // how far the first pass reads
	}{{"read to the end", 10 << 20}, {"last megabyte skipped", 9 << 20}} {
		data := make([]byte, 10<<20)
		size := int64(len(data))
		var shown []int64
		clock := 0.0
		pr := &progressReader{r: bytes.NewReader(data), progressBar: progressBar{size: size, passes: decodingPasses, drawEnds: true,
			now: func() float64 { clock += 7; return clock }, onStep: func(done int64) { shown = append(shown, done) }}}
		buf := make([]byte, 64<<10)
		for off := int64(8); off < c.readsTo; off += int64(len(buf)) {
			pr.ReadAt(buf[:min(int64(len(buf)), c.readsTo-off)], off)
		}
		afterFirst := len(shown)
		for off := int64(8); off < size; off += int64(len(buf)) {
			pr.ReadAt(buf, off)
		}
		halfAt := slices.IndexFunc(shown, func(s int64) bool { return s >= size/2 })
		wantAt := afterFirst - 1 // the first pass's last draw
		if c.readsTo < size {
			wantAt = afterFirst // the second pass's first
		}
		if halfAt != wantAt || shown[halfAt] > size/2+int64(len(buf)) || len(shown) < afterFirst+3 ||
			shown[len(shown)-1] != size || slices.Index(shown, size) != len(shown)-1 {
			t.Errorf("%s: bar steps %v (%d in the first pass)", c.name, shown, afterFirst)
		}
		for i := 1; i < len(shown); i++ {
			if shown[i] < shown[i-1] {
				t.Errorf("%s: bar went back: %v", c.name, shown)
			}
		}
	}
}
