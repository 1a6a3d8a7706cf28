package parse

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ckptlens/ckptlens/internal/fixtures"
	"github.com/ckptlens/ckptlens/internal/flink/encode"
	"github.com/ckptlens/ckptlens/parse/model"
	"github.com/ckptlens/ckptlens/parse/plan"
	"github.com/ckptlens/ckptlens/parse/slatedb"
)

// counted wraps each source's Open and its reader's ReadAt with counters.
type counted struct {
	opens []atomic.Int32
	reads atomic.Int64
}

func count(srcs []Source) ([]Source, *counted) {
	c := &counted{opens: make([]atomic.Int32, len(srcs))}
	out := slices.Clone(srcs)
	for i := range out {
		open := out[i].Open
		out[i].Open = func() (io.ReaderAt, error) {
			c.opens[i].Add(1)
			r, err := open()
			if err != nil {
				return nil, err
			}
			return readCounter{r, &c.reads}, nil
		}
	}
	return out, c
}

// readCounter counts reads; it closes what it wraps, as Load closes it.
type readCounter struct {
	io.ReaderAt
	reads *atomic.Int64
}

func (r readCounter) ReadAt(p []byte, off int64) (int, error) {
	r.reads.Add(1)
	return r.ReaderAt.ReadAt(p, off)
}

func (r readCounter) Close() error {
	if c, ok := r.ReaderAt.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

// gcRecord is the oracle's record of SlateDB's own garbage collection.
type gcRecord struct {
	GCStartUnixMs int64 `json:"gcStartUnixMs"`
}

// Given a database folder holding every manifest it ever wrote, Load reads
// exactly the manifests SlateDB's own garbage collector kept (the
// manifests left in the oracle's listing after its GC ran, at the time it
// ran), and reads each of them once, the newest included although the
// choice needed it first.
func TestLoadReadsTheManifestsSlateDBKeeps(t *testing.T) {
	repo, err := fixtures.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	store := filepath.Join(repo, "testdata", "slatedb", "store")
	for _, db := range []string{"prod/parent", "prod/clone", "dev/grandclone", "prod/segmented"} {
		dir := filepath.Join(store, db)
		var rec gcRecord
		b, err := os.ReadFile(filepath.Join(dir, "gc.json"))
		if err == nil {
			err = json.Unmarshal(b, &rec)
		}
		after, lerr := os.ReadFile(filepath.Join(dir, "listing-after.txt"))
		if err != nil || lerr != nil {
			t.Fatalf("%s: %v %v", db, err, lerr)
		}
		var kept []string
		for _, line := range strings.Split(string(after), "\n") {
			if f := strings.Fields(line); len(f) == 2 && strings.HasPrefix(f[1], db+"/manifest/") {
				kept = append(kept, filepath.Base(f[1]))
			}
		}
		srcs, err := FileSources(dir)
		if err != nil {
			t.Fatal(err)
		}
		srcs, c := count(srcs)
		var notLive []int
		var read []string
		r := Load(srcs, LoadOptions{Options: Options{Now: time.UnixMilli(rec.GCStartUnixMs)},
			NotLive: func(i []int) { notLive = i },
			Done:    func(res SourceResult) { read = append(read, filepath.Base(srcs[res.Index].Name)) }})
		slices.Sort(read)
		slices.Sort(kept)
		t.Logf("%s: read %q of %d", db, read, len(srcs))
		if !slices.Equal(read, kept) || len(r.Snapshots) != len(kept) || len(notLive)+len(kept) != len(srcs) {
			t.Errorf("%s: read %q, SlateDB's GC kept %q (%d not live of %d)", db, read, kept, len(notLive), len(srcs))
		}
		for i := range srcs {
			if n := c.opens[i].Load(); n > 1 || (n == 1) == slices.Contains(notLive, i) {
				t.Errorf("%s: %s opened %d times", db, srcs[i].Name, n)
			}
		}
		if first, _ := slatedb.ParseManifestName(r.Snapshots[0].Source); int64(first) != r.Snapshots[0].CheckpointID || srcs[0].Name != r.Snapshots[0].Source {
			t.Errorf("%s: the newest manifest is not shown first: %s", db, r.Snapshots[0].Source)
		}
	}
}

// oracleMetadata are the _metadata files of a Flink oracle scenario.
func oracleMetadata(t *testing.T, release, scenario string) []Source {
	t.Helper()
	repo, err := fixtures.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	metas, _ := filepath.Glob(filepath.Join(repo, "testdata", "flink", "generated", release, scenario, "*", "chk-*", "_metadata"))
	if len(metas) < 3 {
		t.Fatalf("%d _metadata files in the %s %s scenario", len(metas), release, scenario)
	}
	var srcs []Source
	for _, m := range metas {
		s, err := FileSources(m)
		if err != nil {
			t.Fatal(err)
		}
		srcs = append(srcs, s...)
	}
	return srcs
}

// Stop is asked between sources: once it says so, Load reads nothing more
// and returns a report marked cancelled. Without it, the same sources are
// each read once, and read again by nothing.
func TestLoadStopsWhenAsked(t *testing.T) {
	srcs, c := count(oracleMetadata(t, "1.20", "restore-claim"))
	var done atomic.Int32
	r := Load(srcs, LoadOptions{Options: Options{Stop: func() bool { return done.Load() >= 1 }},
		Done: func(SourceResult) { done.Add(1) }})
	opened := 0
	for i := range srcs {
		opened += int(c.opens[i].Load())
	}
	if !r.Cancelled || opened != 1 || len(r.Snapshots) != 0 || r.Comparison != nil {
		t.Errorf("stopped after the first source: cancelled %v, %d opened, %d snapshots", r.Cancelled, opened, len(r.Snapshots))
	}
	// Stopped during the analysis, between snapshots: the sources are read.
	read, asked := 0, 0
	r = Load(srcs, LoadOptions{Options: Options{Stop: func() bool {
		if read == len(srcs) {
			asked++
		}
		return asked > 2
	}}, Done: func(SourceResult) { read++ }})
	if !r.Cancelled || len(r.Snapshots) == 0 || len(r.Snapshots) == len(srcs) || r.Comparison != nil {
		t.Errorf("stopped in the analysis: cancelled %v, %d of %d snapshots, comparison %v", r.Cancelled, len(r.Snapshots), len(srcs), r.Comparison != nil)
	}
	srcs, c = count(srcs)
	r = Load(srcs, LoadOptions{Workers: 3})
	for i := range srcs {
		if c.opens[i].Load() != 1 {
			t.Errorf("%s opened %d times", srcs[i].Name, c.opens[i].Load())
		}
	}
	if r.Cancelled || len(r.Snapshots) != len(srcs) || r.Comparison == nil || c.reads.Load() == 0 {
		t.Errorf("read whole: cancelled %v, %d of %d snapshots", r.Cancelled, len(r.Snapshots), len(srcs))
	}
}

// Stop is also asked between the operators of one file: a large snapshot
// a newer drop supersedes stops part-way, its error saying so.
func TestLoadStopsInsideAFile(t *testing.T) {
	var buf bytes.Buffer
	if _, err := encode.WriteEmptyOperators(&buf, 3, 20000); err != nil {
		t.Fatal(err)
	}
	asked := 0
	var res SourceResult
	r := Load([]Source{ReaderSource("big/_metadata", bytes.NewReader(buf.Bytes()), int64(buf.Len()))},
		LoadOptions{Options: Options{Stop: func() bool { asked++; return asked > 100 }}, Done: func(sr SourceResult) { res = sr }})
	if !r.Cancelled || !errors.Is(res.Err, model.ErrStopped) || asked > 200 {
		t.Errorf("cancelled %v, error %v, Stop asked %d times for 20,000 operators", r.Cancelled, res.Err, asked)
	}
}

// The page's policy, in the engine: a base location places one snapshot,
// or the manifests of one database, but not several snapshots of their own;
// a source's own base wins; listings dropped among the snapshots are merged
// and plan; a file that is neither is explained, not analysed.
func TestLoadPlacesTheBaseAndMergesListings(t *testing.T) {
	srcs := oracleMetadata(t, "1.20", "restore-claim")
	one := Load(srcs[:1], LoadOptions{Base: "s3://b/job/chk-9"})
	several := Load(srcs, LoadOptions{Base: "s3://b/job/chk-9"})
	if one.Snapshots[0].Location.Dir != "s3://b/job/chk-9" || several.Snapshots[0].Location.Dir == "s3://b/job/chk-9" {
		t.Errorf("one: %s, several: %s", one.Snapshots[0].Location.Dir, several.Snapshots[0].Location.Dir)
	}
	own := slices.Clone(srcs)
	own[1].Base = "s3://b/other/chk-1"
	if r := Load(own, LoadOptions{Base: "s3://b/job/chk-9"}); r.Snapshots[1].Location.Dir != "s3://b/other/chk-1" {
		t.Errorf("a source's own base: %s", r.Snapshots[1].Location.Dir)
	}
	snap := Load(srcs[:1], LoadOptions{}).Snapshots[0]
	var lines [2]strings.Builder
	for i, f := range snap.Files {
		lines[i%2].WriteString(strings.Join([]string{"1", f.Path}, " ") + "\n")
	}
	in := slices.Clone(srcs[:1])
	for i, l := range lines {
		text := l.String()
		in = append(in, ReaderSource("listing-"+string(rune('a'+i))+".txt", strings.NewReader(text), int64(len(text))))
	}
	garbage := "\x89PNG\r\n\x1a\n not a snapshot"
	in = append(in, ReaderSource("x.png", strings.NewReader(garbage), int64(len(garbage))))
	var results []SourceResult
	r := Load(in, LoadOptions{ReadListings: true, Options: Options{Stopped: true}, Done: func(res SourceResult) { results = append(results, res) }})
	if len(r.Snapshots) != 1 || r.Orphans == nil || r.Orphans.Listing.Files != len(snap.Files) {
		t.Fatalf("%d snapshots, plan %+v", len(r.Snapshots), r.Orphans)
	}
	if last := results[len(results)-1]; last.Snapshot != nil || last.Listing != nil || last.Err == nil {
		t.Errorf("the file that is neither: %+v", last)
	}
	// A listing with a line that cannot be read still plans, refused.
	bad := lines[0].String() + "this is not a listing line\n"
	in[1] = ReaderSource("listing-a.txt", strings.NewReader(bad), int64(len(bad)))
	r = Load(in, LoadOptions{ReadListings: true, Options: Options{Stopped: true}})
	if r.Orphans == nil || !slices.ContainsFunc(r.Orphans.Refusals, func(ref plan.Refusal) bool { return ref.Code == plan.RefuseListingUnreadable }) {
		t.Errorf("a listing with a bad line: plan %+v", r.Orphans)
	}
}
