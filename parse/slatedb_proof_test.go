package parse

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ckptlens/ckptlens/internal/fixtures"
	"github.com/ckptlens/ckptlens/parse/listing"
	"github.com/ckptlens/ckptlens/parse/slatedb"
)

// TestSlateDBPlanWithinRestoreProof: today's plan for the restore proof's
// store (testdata/slatedb/proof, made by regenerate.sh proof), given each
// database folder as the CLI is, deletes only paths the proof deleted from a
// copy of the store before SlateDB read every checkpoint back whole.
func TestSlateDBPlanWithinRestoreProof(t *testing.T) {
	repo, err := fixtures.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(repo, "testdata", "slatedb", "proof")
	f, err := os.Open(filepath.Join(dir, "listing.txt"))
	if err != nil {
		t.Fatal(err)
	}
	l, err := listing.Parse(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	var newest time.Time
	for _, e := range l.Entries {
		if e.Modified.After(newest) {
			newest = e.Modified
		}
	}
	var srcs []Source
	dbs, _ := filepath.Glob(filepath.Join(dir, "proof", "*"))
	for _, db := range dbs {
		s, err := FileSources(db)
		if err != nil {
			t.Fatalf("%s: %v", db, err)
		}
		srcs = append(srcs, s...)
	}
	// Planned as the proof was: once SlateDB's min_age had passed. Load
	// reads each database's live manifests.
	r := Load(srcs, LoadOptions{Options: Options{Listing: l, ListingPrefix: dir + "/", Now: newest.Add(slatedb.DefaultMinAge + 10*time.Second)},
		Done: func(res SourceResult) {
			if res.Err != nil {
				t.Fatalf("%s: %v", srcs[res.Index].Name, res.Err)
			}
		}})
	if r.Orphans.Refused() {
		t.Fatalf("refused: %+v", r.Orphans.Refusals)
	}
	proven, err := os.ReadFile(filepath.Join(dir, "plan.txt"))
	if err != nil {
		t.Fatal(err)
	}
	safe := map[string]bool{}
	for _, p := range strings.Fields(string(proven)) {
		safe[p] = true
	}
	planned := strings.Fields(r.Orphans.DeletableList())
	for _, p := range planned {
		if !safe[strings.TrimPrefix(p, dir+"/")] {
			t.Errorf("the plan deletes %s, which the restore proof did not delete", p)
		}
	}
	if len(planned) == 0 {
		t.Error("nothing planned")
	}
	t.Logf("%d paths planned, %d proven safe", len(planned), len(safe))
}
