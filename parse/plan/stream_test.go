package plan

import (
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/ckptlens/ckptlens/parse/listing"
	"github.com/ckptlens/ckptlens/parse/location"
	"github.com/ckptlens/ckptlens/parse/model"
)

// textSource is a listing's text, read with a fresh Scanner each time, as
// the CLI reads a file: find's folders are known only at the end.
type textSource string

func (s textSource) Open() (listing.ReadCloser, error) {
	return scanCloser{listing.NewScanner(strings.NewReader(string(s)))}, nil
}

type scanCloser struct{ *listing.Scanner }

func (scanCloser) Close() error { return nil }

// collide makes every key hash alike for the duration of a test: every
// key is then suspected of being listed twice and of holding entries.
func collide(t *testing.T) {
	t.Helper()
	was := newKeyHash
	newKeyHash = func() func(string) uint64 { return func(string) uint64 { return 42 } }
	t.Cleanup(func() { newKeyHash = was })
}

// planText is a plan as a script sees it: its JSON and its paths.
func planText(t *testing.T, p *Plan) string {
	t.Helper()
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b) + "\n" + p.DeletableList()
}

// checkStreamed plans w's listing again, streamed and with colliding
// hashes: the plan must not change.
func checkStreamed(t *testing.T, seed uint64, w *world, l *listing.Listing, want *Plan) {
	t.Helper()
	streamed := Make(w.snaps, textSource(w.text), w.opts)
	if a, b := planText(t, want), planText(t, streamed); a != b {
		t.Errorf("seed %d: the streamed listing plans otherwise:\nparsed   %s\nstreamed %s", seed, a, b)
	}
	was := newKeyHash
	newKeyHash = func() func(string) uint64 { return func(s string) uint64 { return uint64(len(s) % 3) } }
	collided := Make(w.snaps, l, w.opts)
	newKeyHash = was
	if a, b := planText(t, want), planText(t, collided); a != b {
		t.Errorf("seed %d: colliding hashes change the plan:\nwant %s\ngot  %s", seed, a, b)
	}
	budget := hashBudget
	hashBudget = 8 * 5 // five keys' hashes a read
	sharded := Make(w.snaps, l, w.opts)
	hashBudget = budget
	if a, b := planText(t, want), planText(t, sharded); a != b {
		t.Errorf("seed %d: surveying in shards changes the plan:\nwant %s\ngot  %s", seed, a, b)
	}
}

// A hash collision is only a suspicion: a listing of distinct keys plans
// the same with every hash alike, and a real file that is also a folder, or
// a real duplicate of the other kind, is still refused.
func TestHashCollisionsAreConfirmed(t *testing.T) {
	const meta = "drwxr-xr-x   - u g          0 2026-12-01 10:00 /cp/j/chk-4\n" +
		"-rw-r--r--   3 u g        500 2026-12-01 10:00 /cp/j/chk-4/_metadata\n" +
		"-rw-r--r--   3 u g        100 2026-12-01 09:00 /cp/j/shared/a\n" +
		"-rw-r--r--   3 u g        100 2026-12-01 09:00 /cp/j/shared/b\n" +
		"-rw-r--r--   3 u g        100 2026-12-01 09:00 /cp/j/chk-3/x\n"
	snap := Snapshot{Label: "chk-4", Format: model.FormatFlink, Location: location.Location{Dir: "/cp/j/chk-4", Kind: location.KindCheckpoint, JobDir: "/cp/j"},
		CheckpointID: 4, Files: []File{{Path: "/cp/j/shared/a", Bytes: 100}}}
	opts := Options{Now: time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)}
	sound := planText(t, Make([]Snapshot{snap}, textSource(meta), opts))
	for _, damage := range []struct{ name, lines string }{
		{"file holding entries", "-rw-r--r--   3 u g        100 2026-12-01 09:00 /cp/j/shared/b/c\n"},
		{"file listed again as a folder", "drwxr-xr-x   - u g          0 2026-12-01 09:00 /cp/j/shared/b\n"},
	} {
		for _, collided := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/collided=%v", damage.name, collided), func(t *testing.T) {
				if collided {
					collide(t)
					if got := planText(t, Make([]Snapshot{snap}, textSource(meta), opts)); got != sound {
						t.Fatalf("collisions alone changed the plan:\nwant %s\ngot  %s", sound, got)
					}
				}
				p := Make([]Snapshot{snap}, textSource(meta+damage.lines), opts)
				if !p.Refused() || p.Refusals[0].Code != RefuseFileAndFolder || p.DeletableList() != "" {
					t.Errorf("not refused as %s: %+v", RefuseFileAndFolder, p.Refusals)
				}
			})
		}
	}
}

// generated is a listing made up as it is read, never held: one job's
// checkpoint with refs referenced shared files and garbage unreferenced
// ones. Each read's end records the live heap.
type generated struct {
	refs, garbage int
	peak          *uint64
}

func (g generated) Open() (listing.ReadCloser, error) {
	return &genStream{g: g, i: -1}, nil
}

type genStream struct {
	g generated
	i int
	e listing.Entry
}

var genTime = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

func (s *genStream) Next() bool {
	s.i++
	switch n := s.i; {
	case n == 0:
		s.e = listing.Entry{Path: "s3://b/cp/job/chk-9", Dir: true, Modified: genTime}
	case n == 1:
		s.e = listing.Entry{Path: "s3://b/cp/job/chk-9/_metadata", Bytes: 500, Modified: genTime.Add(time.Hour)}
	case n < 2+s.g.refs:
		s.e = listing.Entry{Path: fmt.Sprintf("s3://b/cp/job/shared/ref-%08d", n), Bytes: 100, Modified: genTime}
	case n < 2+s.g.refs+s.g.garbage:
		s.e = listing.Entry{Path: fmt.Sprintf("s3://b/cp/job/shared/old-%08d", n), Bytes: 7, Modified: genTime}
	default:
		return false
	}
	return true
}

func (s *genStream) Entry() listing.Entry   { return s.e }
func (s *genStream) Err() error             { return nil }
func (s *genStream) Format() listing.Format { return listing.FormatStorage }
func (s *genStream) Close() error {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	*s.g.peak = max(*s.g.peak, ms.HeapAlloc)
	return nil
}

// countSpool counts the spooled paths without holding them.
type countSpool struct{ lines int }

func (c *countSpool) Write(b []byte) (int, error) {
	c.lines += strings.Count(string(b), "\n")
	return len(b), nil
}
func (c *countSpool) Replay(io.Writer) error { return nil }

// The planner's memory grows with what is referenced and with the plan's
// folders, not with the listing's length: between 50k and 500k unreferenced
// files, the heap live at the end of each read grows by far less than one
// entry's worth (a path and its fields, over 100 bytes) per line: by the
// 8-byte hashes of the keys, and by nothing once they are surveyed in
// shards of a fixed budget.
func TestPlanMemoryPerLine(t *testing.T) {
	if testing.Short() {
		t.Skip("plans 550k generated lines")
	}
	t.Run("one read of hashes", func(t *testing.T) { checkMemoryPerLine(t, 32) })
	t.Run("hashes in shards of 512 KiB", func(t *testing.T) {
		budget := hashBudget
		hashBudget = 512 << 10
		defer func() { hashBudget = budget }()
		checkMemoryPerLine(t, 4)
	})
}

func checkMemoryPerLine(t *testing.T, most float64) {
	heapAt := func(garbage int) uint64 {
		var peak uint64
		src := generated{refs: 2000, garbage: garbage, peak: &peak}
		files := make([]File, src.refs)
		for i := range files {
			files[i] = File{Path: fmt.Sprintf("s3://b/cp/job/shared/ref-%08d", i+2), Bytes: 100}
		}
		snap := Snapshot{Label: "chk-9", Format: model.FormatFlink, Location: location.Location{Dir: "s3://b/cp/job/chk-9", Kind: location.KindCheckpoint, JobDir: "s3://b/cp/job"}, CheckpointID: 9, Files: files}
		spool := &countSpool{}
		p := Make([]Snapshot{snap}, src, Options{Spool: spool})
		if p.Refused() || p.DeletableFiles != garbage || spool.lines != garbage {
			t.Fatalf("%d garbage files: refused %v, %d deletable, %d spooled", garbage, p.Refusals, p.DeletableFiles, spool.lines)
		}
		if len(p.Deletable) != 1 || !p.Deletable[0].Group || p.Deletable[0].Files != garbage ||
			p.Deletable[0].Location() != "s3://b/cp/job/shared/*" {
			t.Fatalf("the unreferenced shared files are not one group: %+v", p.Deletable)
		}
		return peak
	}
	small, large := heapAt(50_000), heapAt(500_000)
	perLine := (float64(large) - float64(small)) / 450_000
	t.Logf("live heap at the end of a read: %.1f MB at 50k lines, %.1f MB at 500k: %.1f bytes per line",
		float64(small)/1e6, float64(large)/1e6, perLine)
	if perLine > most {
		t.Errorf("the planner holds %.1f bytes per listed line, more than %.0f", perLine, most)
	}
}

// The last check sees every deletable path, also those counted in a group
// and spooled: a file the planner missed (here through a spelling only the
// last check reads: a percent-escape) withdraws the plan, and --paths
// prints nothing.
func TestLastCheckSeesGroupedFiles(t *testing.T) {
	var b strings.Builder
	b.WriteString("drwxr-xr-x   - u g          0 2026-12-01 10:00 /cp/j/chk-4\n" +
		"-rw-r--r--   3 u g        500 2026-12-01 10:00 /cp/j/chk-4/_metadata\n" +
		"-rw-r--r--   3 u g        100 2026-12-01 09:00 /cp/j/shared/a%20b\n" +
		"-rw-r--r--   3 u g        100 2026-12-01 09:00 /cp/j/shared/a b\n")
	for i := range groupLimit + 5 {
		fmt.Fprintf(&b, "-rw-r--r--   3 u g        100 2026-12-01 09:00 /cp/j/shared/old-%d\n", i)
	}
	snap := Snapshot{Label: "chk-4", Format: model.FormatFlink, Location: location.Location{Dir: "/cp/j/chk-4", Kind: location.KindCheckpoint, JobDir: "/cp/j"},
		CheckpointID: 4, Files: []File{{Path: "/cp/j/shared/a%20b", Bytes: 100}}}
	p := Make([]Snapshot{snap}, textSource(b.String()), Options{Now: time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)})
	if !p.Refused() || len(p.LastCheck) != 1 || p.LastCheck[0] != "/cp/j/shared/a b" {
		t.Fatalf("the last check did not catch the grouped file: %v %v", p.Refusals, p.LastCheck)
	}
	if p.DeletableList() != "" || len(p.Deletable) != 0 {
		t.Errorf("a withdrawn plan lists paths: %q", p.DeletableList())
	}
}

// A group of more than groupLimit files lists each of them on --paths, and
// a group inside a wholly deletable folder is left to that folder.
func TestGroupedPaths(t *testing.T) {
	var b strings.Builder
	b.WriteString("drwxr-xr-x   - u g          0 2026-12-01 10:00 /cp/j/chk-4\n" +
		"-rw-r--r--   3 u g        500 2026-12-01 10:00 /cp/j/chk-4/_metadata\n" +
		"-rw-r--r--   3 u g        100 2026-12-01 09:00 /cp/j/shared/a\n")
	var want []string
	for i := range groupLimit + 5 {
		fmt.Fprintf(&b, "-rw-r--r--   3 u g        7 2026-12-01 09:00 /cp/j/shared/old-%d\n", i)
		fmt.Fprintf(&b, "-rw-r--r--   3 u g        7 2026-12-01 09:00 /cp/j/chk-2/x-%d\n", i)
		want = append(want, fmt.Sprintf("/cp/j/shared/old-%d", i))
	}
	snap := Snapshot{Label: "chk-4", Format: model.FormatFlink, Location: location.Location{Dir: "/cp/j/chk-4", Kind: location.KindCheckpoint, JobDir: "/cp/j"},
		CheckpointID: 4, Files: []File{{Path: "/cp/j/shared/a", Bytes: 100}}}
	p := Make([]Snapshot{snap}, textSource(b.String()), Options{Now: time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)})
	if p.Refused() || len(p.Deletable) != 2 {
		t.Fatalf("want chk-2/ and one group: %v %+v", p.Refusals, p.Deletable)
	}
	if d := p.Deletable[0]; !d.Dir || d.Location() != "/cp/j/chk-2/" || d.Files != groupLimit+5 {
		t.Errorf("chk-2 is not one folder: %+v", d)
	}
	if g := p.Deletable[1]; !g.Group || g.Location() != "/cp/j/shared/*" || g.Files != groupLimit+5 || g.Bytes != 7*(groupLimit+5) {
		t.Errorf("shared's old files are not one group: %+v", g)
	}
	if got, w := p.DeletableList(), "/cp/j/chk-2/\n"+strings.Join(want, "\n")+"\n"; got != w {
		t.Errorf("--paths:\n%.300s…\nwant\n%.300s…", got, w)
	}
	// What a delete command is made of: the folder, and each grouped file
	// (never the group's folder).
	var each []string
	p.EachDeletable(func(path string, dir bool) { each = append(each, fmt.Sprintf("%s %v", path, dir)) })
	wantEach := []string{"/cp/j/chk-2 true"}
	for _, w := range want {
		wantEach = append(wantEach, w+" false")
	}
	if strings.Join(each, "\n") != strings.Join(wantEach, "\n") || p.DeletablePaths() != len(wantEach) {
		t.Errorf("EachDeletable gives %d paths (%d counted), want %d: %.200v", len(each), p.DeletablePaths(), len(wantEach), each[:min(3, len(each))])
	}
}

// Files kept because a running job may still need them are one item per
// folder, whatever their own times: the plan's kept items grow with its
// folders, not with the files written since the cutoff.
func TestRecentFilesAreOneItem(t *testing.T) {
	var b strings.Builder
	b.WriteString("-rw-r--r--   3 u g        500 2026-12-01 10:00 /cp/j/chk-4/_metadata\n")
	for i := range 50 {
		fmt.Fprintf(&b, "-rw-r--r--   3 u g          7 2026-12-01 10:%02d /cp/j/shared/new-%d\n", i+1, i)
	}
	snap := Snapshot{Label: "chk-4", Format: model.FormatFlink, Location: location.Location{Dir: "/cp/j/chk-4", Kind: location.KindCheckpoint, JobDir: "/cp/j"}, CheckpointID: 4}
	p := Make([]Snapshot{snap}, textSource(b.String()), Options{Now: time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)})
	if p.Refused() || len(p.Unsure) != 1 || p.Unsure[0].Files != 50 || !strings.Contains(p.Unsure[0].Reason, "a running job may still need it") {
		t.Errorf("recent files kept as %+v", p.Unsure)
	}
}
