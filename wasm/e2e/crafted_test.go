//go:build !js

package e2e

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ckptlens/ckptlens/internal/flink/encode"
	"github.com/ckptlens/ckptlens/parse"
	"github.com/ckptlens/ckptlens/parse/deletecmd"
	"github.com/ckptlens/ckptlens/parse/listing"
	"github.com/ckptlens/ckptlens/wasm/browsertest"
)

// jobDir is where the generated checkpoints say they live.
const jobDir = "/data/flink/checkpoints/3b5c7a1e9d2f4c6b8a0e1f2d3c4b5a69"

// generatedFile is one file a generated checkpoint references.
type generatedFile struct {
	Path string
	Size int64
}

// checkpointFiles are the files chk-id references: its private files and
// metadata in chk-id/, and shared SSTs; the first SSTs are shared with the
// checkpoint before it, as RocksDB incremental checkpoints do.
func checkpointFiles(id int64) (meta generatedFile, private, shared []generatedFile) {
	chk := fmt.Sprintf("%s/chk-%d", jobDir, id)
	meta = generatedFile{chk + "/4a1e0c2b-meta", 2048 + id}
	private = []generatedFile{{chk + "/MANIFEST-000004", 4096 + id}, {chk + "/OPTIONS-000007", 7000}}
	for sst := id - 1; sst <= id+1; sst++ { // two SSTs overlap with chk-(id-1)
		shared = append(shared, generatedFile{fmt.Sprintf("%s/shared/%06d.sst", jobDir, sst), 1 << 20 * sst})
	}
	return
}

// strangeStrings replaces the keyed operator's name and uid and the
// metadata file's path of a generated checkpoint.
type strangeStrings struct{ Name, UID, MetaPath string }

// generatedCheckpoint writes dir/chk-id/_metadata: a V5 RocksDB incremental
// checkpoint with a keyed operator and a source with inline operator state.
// It returns the file's path.
func generatedCheckpoint(t *testing.T, dir string, id int64, strange *strangeStrings) string {
	t.Helper()
	meta, private, shared := checkpointFiles(id)
	if strange != nil {
		meta.Path = strange.MetaPath
	}
	inc := &encode.Incremental{CheckpointID: id, BackendID: "b5d1c9e0-backend", StartKeyGroup: 0, NumKeyGroups: 128,
		CheckpointedSize: 3 << 20, Meta: &encode.FileHandle{Path: meta.Path, Size: meta.Size}, ID: "handle-" + strconv.FormatInt(id, 10)}
	for i, f := range shared {
		inc.Shared = append(inc.Shared, encode.NamedHandle{LocalPath: fmt.Sprintf("%06d.sst", i), Handle: &encode.FileHandle{Path: f.Path, Size: f.Size}})
	}
	for _, f := range private {
		inc.Private = append(inc.Private, encode.NamedHandle{LocalPath: filepath.Base(f.Path), Handle: &encode.FileHandle{Path: f.Path, Size: f.Size}})
	}
	name, uid := "KeyedProcess: sessions", "sessions"
	if strange != nil {
		name, uid = strange.Name, strange.UID
	}
	m := &encode.Metadata{Version: 5, CheckpointID: id, Properties: encode.CheckpointProperties(), Operators: []encode.Operator{
		{Name: "Source: clicks", UID: "clicks-source", ID: encode.IDFor("clicks-source"), Parallelism: 1, MaxParallelism: 128,
			Subtasks: []encode.Subtask{{Index: 0, ManagedOperator: &encode.OperatorState{
				States:   []encode.NamedOperatorState{{Name: "SourceReaderState", Mode: encode.SplitDistribute, Offsets: []int64{0}}},
				Delegate: &encode.ByteStream{Name: "source-split", Data: []byte("split-0:offset-12345")},
			}}}},
		{Name: name, UID: uid, ID: encode.IDFor(uid), Parallelism: 1, MaxParallelism: 128,
			Subtasks: []encode.Subtask{{Index: 0, ManagedKeyed: inc}}},
	}}
	data, err := encode.Bytes(m)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, fmt.Sprintf("chk-%d", id), "_metadata")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestHostileStrings drops a _metadata whose operator name, uid and file
// paths are HTML and JavaScript: nothing may run, nothing may be injected,
// and the text must show exactly as written.
func TestHostileStrings(t *testing.T) {
	name := `<img src=x onerror=alert(1)>`
	uid := `"><script>alert(2)</script><svg onload=alert(3)>`
	evil := jobDir + `/chk-3/<script>alert(4)</script><a href="javascript:alert(5)">x</a>`
	file := generatedCheckpoint(t, t.TempDir(), 3, &strangeStrings{Name: name, UID: uid, MetaPath: evil})

	p := page(t)
	checkDrop(t, p, file) // the tables equal the CLI's, payloads included
	if d := p.Dialogs(); len(d) > 0 {
		t.Errorf("a payload ran: dialogs %q", d)
	}
	injected, err := browsertest.Eval[int](p, `document.querySelectorAll("#app img, #app script, #app svg[onload], #app [onerror], #app a[href^=javascript]").length`)
	if err != nil || injected != 0 {
		t.Errorf("%d injected elements (%v)", injected, err)
	}
	ops, err := p.Table("#operator-table")
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, o := range ops {
		if o["name"] == name && o["uid"] == uid {
			found = true
		}
	}
	if !found {
		t.Errorf("operator name and uid not shown as text: %v", ops)
	}
	files, err := p.Table("#file-table")
	if err != nil {
		t.Fatal(err)
	}
	found = false
	for _, f := range files {
		found = found || f["path"] == evil
	}
	if !found {
		t.Errorf("path %q not shown as text", evil)
	}
}

// TestBadFiles drops a truncated checkpoint (the partial result and the
// offset must show, as the CLI reports them) and a file that is no snapshot.
func TestBadFiles(t *testing.T) {
	dir := t.TempDir()
	good, err := os.ReadFile(generatedCheckpoint(t, dir, 9, nil))
	if err != nil {
		t.Fatal(err)
	}
	truncated := filepath.Join(dir, "truncated", "_metadata")
	os.MkdirAll(filepath.Dir(truncated), 0o755)
	if err := os.WriteFile(truncated, good[:len(good)*2/3], 0o644); err != nil {
		t.Fatal(err)
	}
	p := page(t)
	checkDrop(t, p, truncated)
	msg, err := p.Text("#decode-error")
	if err != nil {
		t.Fatal("no error shown for a truncated file:", err)
	}
	want := inspectCLI(t, truncated)
	if want.Error == nil || !strings.Contains(msg, want.Error.Message) {
		t.Errorf("error shown %q, CLI says %+v", msg, want.Error)
	}

	png := filepath.Join(dir, "picture.png")
	os.WriteFile(png, []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR and some more bytes"), 0o644)
	drop(t, p, png)
	problem, err := p.Text(".load-problem")
	if err != nil {
		t.Fatal("no explanation for a file that is not a snapshot:", err)
	}
	if !strings.Contains(problem, "Not a Flink _metadata file") {
		t.Errorf("explanation %q", problem)
	}
}

// engineReport is what the engine gives for files dropped together: each
// decoded under the name the page got for it (names[i], or its base name
// when names is nil), and a listing.
func engineReport(t *testing.T, snapshots []string, names []string, listingFile string) *parse.Report {
	t.Helper()
	var inputs []parse.Input
	for i, f := range snapshots {
		r, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		st, _ := r.Stat()
		name := filepath.Base(f)
		if names != nil {
			name = names[i]
		}
		s, _ := parse.Decode(name, r, st.Size())
		r.Close()
		inputs = append(inputs, parse.Input{Snapshot: s})
	}
	var opts parse.Options
	if listingFile != "" {
		r, err := os.Open(listingFile)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		if opts.Listing, err = listing.Parse(r); err != nil {
			t.Fatal(err)
		}
	}
	return parse.Analyze(inputs, opts)
}

func planRows(items []parse.OrphanItem) []browsertest.Row {
	var rows []browsertest.Row
	for _, it := range items {
		path := it.Path
		if it.Dir && !strings.HasSuffix(path, "/") {
			path += "/"
		}
		rows = append(rows, browsertest.Row{"path": path, "files": strconv.Itoa(it.Files), "bytes": i64(it.Bytes), "reason": it.Reason})
	}
	return rows
}

// checkPlan drops snapshots and a listing together and compares the
// comparison and the safe-to-delete plan with the engine's.
func checkPlan(t *testing.T, snapshots []string, listingFile string) *parse.Report {
	t.Helper()
	want := engineReport(t, snapshots, nil, listingFile)
	if want.Orphans == nil || want.Comparison == nil {
		t.Fatalf("the engine made no plan or comparison: %+v", want)
	}
	p := page(t)
	reqs := drop(t, p, append(append([]string(nil), snapshots...), listingFile)...)
	if len(reqs) != 0 {
		t.Errorf("network requests during analysis: %q", reqs)
	}
	for _, tc := range []struct {
		list string
		want []parse.OrphanItem
	}{{"deletable", want.Orphans.Deletable}, {"unsure", want.Orphans.Unsure}} {
		if len(tc.want) == 0 {
			continue
		}
		if err := p.ShowMoreRows(tc.list); err != nil {
			t.Fatal(err)
		}
		table := "#" + tc.list + "-table"
		got, err := p.Table(table)
		if err != nil {
			t.Fatal(err)
		}
		sameRows(t, table, got, planRows(tc.want))
	}
	var wantCmp []browsertest.Row
	for _, i := range want.Comparison.Order {
		s := want.Comparison.Snapshots[i]
		wantCmp = append(wantCmp, browsertest.Row{"label": s.Label, "files": strconv.Itoa(s.Files), "bytes": i64(s.Bytes),
			"sharedBytes": i64(s.SharedBytes), "newBytes": i64(s.NewBytes), "droppedBytes": i64(s.DroppedBytes)})
	}
	got, err := p.Table("#comparison-table")
	if err != nil {
		t.Fatal(err)
	}
	sameRows(t, "comparison", got, wantCmp)
	totals, err := p.Text("#plan-totals")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(totals, " files, ") {
		t.Errorf("plan totals %q", totals)
	}
	checkPlanOrder(t, p)
	// Every deletable path, one a line, for the storage's delete command,
	// once the reader has acknowledged what the plan cannot know.
	if len(want.Orphans.Deletable) > 0 {
		checkPlanCommands(t, p, want.Orphans)
		if err := p.Click("#copy-deletable"); err != nil {
			t.Fatal(err)
		}
		if err := p.WaitFor(`document.querySelector("#copy-deletable").textContent === "Copied"`); err != nil {
			t.Fatal("Copy the paths does not copy:", err)
		}
		if clip, err := p.Clipboard(); err != nil || clip != want.Orphans.DeletableList() {
			t.Errorf("clipboard %q (%v), want the engine's list %q", clip, err, want.Orphans.DeletableList())
		}
	}
	return want
}

// writeListing writes dir/listing.txt, a `find -printf '%s %p\n'` listing of
// the storage of the generated checkpoints ids, _metadata files included.
func writeListing(t *testing.T, dir string, ids ...int64) string {
	t.Helper()
	var lines []string
	for _, id := range ids {
		meta, private, shared := checkpointFiles(id)
		for _, f := range append(append(private, shared...), meta) {
			lines = append(lines, fmt.Sprintf("%d %s", f.Size, f.Path))
		}
		lines = append(lines, fmt.Sprintf("%d %s/chk-%d/_metadata", 1500+id, jobDir, id))
	}
	path := filepath.Join(dir, "listing.txt")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// checkPlanOrder checks that what the plan cannot know comes before its
// lists, and that the section bar links to the plan.
func checkPlanOrder(t *testing.T, p *browsertest.Page) {
	t.Helper()
	first, err := browsertest.Eval[bool](p, `(() => {
		const u = document.querySelector("#plan-unknowns"), lists = document.querySelectorAll("#deletable-table, #unsure-table, #copy-deletable");
		return !!u && [...lists].every(l => u.compareDocumentPosition(l) & Node.DOCUMENT_POSITION_FOLLOWING);
	})()`)
	if err != nil || !first {
		t.Errorf("what the plan cannot know does not come first (%v)", err)
	}
	if link, _ := browsertest.Eval[bool](p, `!!document.querySelector('nav.sections a[href="#plan-h"]') && !!document.getElementById("plan-h")`); !link {
		t.Error("the section bar has no link to the plan")
	}
}

// checkPlanCommands checks that nothing is copied before the reader's
// acknowledgement, then that the commands shown and copied are the ones
// deletecmd makes for the listing's storage.
func checkPlanCommands(t *testing.T, p *browsertest.Page, plan *parse.OrphanPlan) {
	t.Helper()
	for _, id := range []string{"copy-deletable", "copy-commands"} {
		if off, _ := browsertest.Eval[bool](p, `document.getElementById("`+id+`").disabled`); !off {
			t.Errorf("#%s works before the acknowledgement", id)
		}
	}
	if shown, _ := browsertest.Eval[bool](p, `!!document.getElementById("plan-commands")`); shown {
		t.Error("commands shown before the acknowledgement")
	}
	if err := p.Click("#plan-ack"); err != nil {
		t.Fatal(err)
	}
	if err := p.WaitFor(`!document.getElementById("copy-deletable").disabled && !!document.getElementById("plan-commands")`); err != nil {
		t.Fatal("the acknowledgement does not enable copying:", err)
	}
	var targets []deletecmd.Target
	for _, it := range plan.Deletable {
		targets = append(targets, deletecmd.Target{Path: it.Path, Dir: it.Dir})
	}
	want, err := deletecmd.Script(deletecmd.ToolFor(plan.Listing.Format), targets)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := browsertest.Eval[string](p, `document.getElementById("plan-commands").textContent`); got != want {
		t.Errorf("commands shown:\n%s\nwant\n%s", got, want)
	}
	if err := p.Click("#copy-commands"); err != nil {
		t.Fatal(err)
	}
	if err := p.WaitFor(`document.querySelector("#copy-commands").textContent === "Copied"`); err != nil {
		t.Fatal(err)
	}
	if clip, err := p.Clipboard(); err != nil || clip != want {
		t.Errorf("clipboard %q (%v), want the commands", clip, err)
	}
}

// TestPlanRefusalsComeFirst drops a checkpoint with a listing that lacks
// its files: the planner refuses, and the page says why in words at the
// top of the plan, with nothing to copy.
func TestPlanRefusalsComeFirst(t *testing.T) {
	dir := t.TempDir()
	snap := generatedCheckpoint(t, dir, 6, nil)
	listingFile := writeListing(t, dir, 4) // chk-6 is not in it
	want := engineReport(t, []string{snap}, nil, listingFile)
	if want.Orphans == nil || len(want.Orphans.Refusals) == 0 {
		t.Fatalf("the engine does not refuse this plan: %+v", want.Orphans)
	}
	p := page(t)
	drop(t, p, snap, listingFile)
	var codes []string
	for _, r := range want.Orphans.Refusals {
		codes = append(codes, r.Code)
	}
	got, err := browsertest.Eval[[]string](p, `[...document.querySelectorAll("#plan-refusals li")].map(li => li.dataset.code + ": " + li.textContent)`)
	if err != nil || len(got) != len(want.Orphans.Refusals) {
		t.Fatalf("refusals shown %q (%v), the engine's %q", got, err, codes)
	}
	for i, r := range want.Orphans.Refusals {
		if got[i] != r.Code+": "+r.Message {
			t.Errorf("refusal %d: %q, want %q", i, got[i], r.Code+": "+r.Message)
		}
	}
	first, _ := browsertest.Eval[bool](p, `document.querySelector("#plan").firstElementChild.id === "plan-refusals"`)
	if !first {
		t.Error("the refusals are not the first thing in the plan")
	}
	if copyable, _ := browsertest.Eval[bool](p, `!!document.getElementById("copy-deletable")`); copyable {
		t.Error("a refused plan offers paths to copy")
	}
}

// TestSeveralWithListing drops two generated incremental checkpoints that
// share SSTs and a find listing of their storage, which also holds an older
// checkpoint and SSTs nothing references any more.
func TestSeveralWithListing(t *testing.T) {
	dir := t.TempDir()
	snaps := []string{generatedCheckpoint(t, dir, 6, nil), generatedCheckpoint(t, dir, 7, nil)}
	listingFile := writeListing(t, dir, 4, 6, 7) // chk-4 is an old checkpoint nothing needs
	want := checkPlan(t, snaps, listingFile)
	if want.Orphans.DeletableFiles == 0 {
		t.Errorf("the plan should delete chk-4's files: %+v", want.Orphans)
	}
}

// TestSlateDBWithListing drops every manifest of the SlateDB oracle's
// parent database with the listing taken before SlateDB's GC.
func TestSlateDBWithListing(t *testing.T) {
	db := filepath.Join(repoRoot, "testdata", "slatedb", "store", "prod", "parent")
	manifests, _ := filepath.Glob(filepath.Join(db, "manifest", "*.manifest"))
	if len(manifests) == 0 {
		t.Skip("testdata/slatedb is absent")
	}
	checkPlan(t, manifests, filepath.Join(db, "listing-before.txt"))
}

// TestSlateDBFolderWithListing drops a SlateDB database as its folder, with
// its listing (object names under the bucket, as aws s3 ls prints them) and
// the database's location: the page reads the newest manifest and the one
// its checkpoints pin, says why the older ones were not read, and plans
// what the engine plans for those two, the old manifests among the
// deletable.
func TestSlateDBFolderWithListing(t *testing.T) {
	db := filepath.Join(repoRoot, "testdata", "slatedb", "store", "prod", "clone")
	const base = "s3://bucket/prod/clone"
	listingFile := timedListing(t, filepath.Join(db, "listing-before.txt"))
	var inputs []parse.Input
	var names []string
	for _, m := range []string{"00000000000000000006.manifest", "00000000000000000007.manifest"} {
		data, err := os.ReadFile(filepath.Join(db, "manifest", m))
		if err != nil {
			t.Skip("testdata/slatedb is absent")
		}
		names = append(names, "clone/manifest/"+m)
		s, _ := parse.Decode(names[len(names)-1], bytes.NewReader(data), int64(len(data)))
		inputs = append(inputs, parse.Input{Snapshot: s, Base: base})
	}
	lf, err := os.Open(listingFile)
	if err != nil {
		t.Fatal(err)
	}
	l, err := listing.Parse(lf)
	lf.Close()
	if err != nil {
		t.Fatal(err)
	}
	want := parse.Analyze(inputs, parse.Options{Listing: l})
	if !slices.ContainsFunc(want.Orphans.Deletable, func(it parse.OrphanItem) bool { return strings.HasSuffix(it.Path, "00000000000000000001.manifest") }) {
		t.Fatalf("the engine's plan for the live manifests keeps the oldest manifest: %+v", want.Orphans)
	}

	p := page(t)
	drop(t, p, db, listingFile)
	shown, err := browsertest.Eval[[]string](p, `[...document.querySelectorAll(".load")].map(e => e.textContent.replace(/\s+/g, " ").trim())`)
	if err != nil || len(shown) != 4 || !slices.ContainsFunc(shown, func(s string) bool { return strings.HasPrefix(s, names[0]) }) ||
		!slices.ContainsFunc(shown, func(s string) bool { return strings.HasPrefix(s, names[1]) }) ||
		!slices.ContainsFunc(shown, func(s string) bool {
			return strings.HasPrefix(s, "clone/manifest/ ") && strings.Contains(s, "5 older manifests, not read")
		}) {
		t.Errorf("files shown: %q (%v)", shown, err)
	}
	setBase(t, p, base)
	if shown, err := browsertest.Eval[string](p, `document.querySelector(".loads").textContent`); err != nil || !strings.Contains(shown, "5 older manifests, not read") {
		t.Errorf("after the base location, the files shown: %q (%v)", shown, err)
	}
	if err := p.ShowMoreRows("deletable"); err != nil {
		t.Fatal(err)
	}
	got, err := p.Table("#deletable-table")
	if err != nil {
		t.Fatal(err)
	}
	sameRows(t, "deletable", got, planRows(want.Orphans.Deletable))
}

// timedListing rewrites a find -printf '%s %p\n' listing in the form with
// modification times ('%T@ %s %p\n'), every object written long ago: a
// listing without times keeps what a running SlateDB writer may have just
// written, and the page has no --stopped.
func timedListing(t *testing.T, file string) string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Skip("testdata/slatedb is absent")
	}
	var out strings.Builder
	for _, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		out.WriteString("1700000000.5 " + line + "\n")
	}
	timed := filepath.Join(t.TempDir(), "listing-before.txt")
	if err := os.WriteFile(timed, []byte(out.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return timed
}

// TestStoppedJobsBox: from a listing without times the plan keeps the
// job's shared files; ticking "The jobs are stopped" plans them, as the
// CLI's --stopped does, and deletes nothing a snapshot references.
func TestStoppedJobsBox(t *testing.T) {
	dir := t.TempDir()
	snaps := []string{generatedCheckpoint(t, dir, 6, nil), generatedCheckpoint(t, dir, 7, nil)}
	listingFile := writeListing(t, dir, 4, 6, 7)
	running := engineReport(t, snaps, nil, listingFile).Orphans
	p := page(t)
	drop(t, p, append(snaps, listingFile)...)
	deletable := func() []browsertest.Row {
		rows, err := p.Table("#deletable-table")
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	sameRows(t, "deletable, running", deletable(), planRows(running.Deletable))
	if err := p.Click("#stopped"); err != nil {
		t.Fatal(err)
	}
	if err := p.WaitFor(`[...document.querySelectorAll("#deletable-table td")].some(td => td.textContent.includes("/shared/"))`); err != nil {
		t.Fatalf("stopped: no shared file planned: %v", err)
	}
	shared := 0
	for _, r := range deletable() {
		if strings.Contains(r["path"], "/shared/") {
			shared++
		}
	}
	if shared == 0 || shared <= countShared(running.Deletable) {
		t.Errorf("stopped: %d shared files or folders planned, %d before", shared, countShared(running.Deletable))
	}
}

func countShared(items []parse.OrphanItem) int {
	n := 0
	for _, it := range items {
		if strings.Contains(it.Path, "/shared/") {
			n++
		}
	}
	return n
}
