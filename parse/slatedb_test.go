package parse

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ckptlens/ckptlens/internal/fixtures"
	"github.com/ckptlens/ckptlens/parse/listing"
)

// TestSlateDBOrphansMatchSlateDBGC: testdata/slatedb/store holds real
// SlateDB databases (a parent, its clone, a clone of the clone, a segmented
// one), each with the listing before SlateDB's own garbage collector ran
// (min_age 0) and what it deleted (gc.json, gc-compactions.json). Given the newest manifest and
// the manifests its checkpoints pin, the plan deletes exactly what SlateDB
// deleted, plus the zero-byte WAL fences SlateDB's fence GC leaves in its
// default dry-run mode.
func TestSlateDBOrphansMatchSlateDBGC(t *testing.T) {
	repo, err := fixtures.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	store := filepath.Join(repo, "testdata", "slatedb", "store")
	gcs, _ := filepath.Glob(filepath.Join(store, "*", "*", "gc.json"))
	if len(gcs) == 0 {
		t.Skipf("skipping: no SlateDB databases under %s (testdata/slatedb/regenerate.sh writes them)", store)
	}
	for _, gcPath := range gcs {
		dbDir := filepath.Dir(gcPath)
		db, _ := filepath.Rel(store, dbDir)
		t.Run(db, func(t *testing.T) {
			gc := readSlateDBGC(t, dbDir)
			inputs := slateDBGCInputs(t, dbDir)
			l, err := fixtures.ParseListing(filepath.Join(dbDir, "listing-before.txt"))
			if err != nil {
				t.Fatal(err)
			}
			// SlateDB's GC first writes the newest manifest (without its
			// expired checkpoints), then deletes: it plans from a listing
			// that holds that manifest, and a plan refuses a snapshot its
			// listing lacks.
			newest := inputs[0].Snapshot
			rel, _ := filepath.Rel(store, newest.Source)
			if !slices.ContainsFunc(l.Entries, func(e listing.Entry) bool { return e.Path == rel }) {
				l.Entries = append(l.Entries, listing.Entry{Path: rel, Bytes: newest.Size, Relative: true})
			}
			// Judged when SlateDB's GC ran, with its writers closed. The
			// store keeps SlateDB's reading of the compactor's state, not the
			// file, so the plan keeps the unreferenced compacted SSTs.
			r := Analyze(inputs, Options{Listing: l, Stopped: true, Now: time.UnixMilli(gc.GCStartUnixMs)})
			p := r.Orphans
			if p.Listing.Prefix != store+"/" {
				t.Errorf("listing prefix = %q, want %q", p.Listing.Prefix, store+"/")
			}
			compareWithSlateDBGC(t, p, l, store, db, gc.Deleted)
			if p.Refused() {
				t.Errorf("refused: %+v", p.Refusals)
			}
			t.Logf("%d listed, %d referenced, %d deletable (SlateDB deleted %d), %d unsure", p.Listing.Files, p.ReferencedFiles, p.DeletableFiles, len(gc.Deleted), p.UnsureFiles)
		})
	}
}

// slateDBGC is what the oracle's run of SlateDB's garbage collector deleted.
type slateDBGC struct {
	Deleted       []string
	GCStartUnixMs int64 `json:"gcStartUnixMs"`
}

// readSlateDBGC reads gc.json, and gc-compactions.json where the oracle ran
// the compactions-file GC as a second pass.
func readSlateDBGC(t *testing.T, dbDir string) slateDBGC {
	t.Helper()
	var gc, gcCompactions slateDBGC
	readJSON(t, filepath.Join(dbDir, "gc.json"), &gc)
	if p := filepath.Join(dbDir, "gc-compactions.json"); fileExists(p) {
		readJSON(t, p, &gcCompactions)
		gc.Deleted = append(gc.Deleted, gcCompactions.Deleted...)
	}
	return gc
}

// slateDBGCInputs decodes the database's newest manifest, first, and the
// manifests its checkpoints pin.
func slateDBGCInputs(t *testing.T, dbDir string) []Input {
	t.Helper()
	var checkpoints []struct {
		ManifestID uint64 `json:"manifest_id"`
	}
	readJSON(t, filepath.Join(dbDir, "checkpoints.json"), &checkpoints)
	manifests, _ := filepath.Glob(filepath.Join(dbDir, "manifest", "*.manifest"))
	sort.Strings(manifests)
	given := []string{manifests[len(manifests)-1]}
	for _, c := range checkpoints {
		given = append(given, filepath.Join(dbDir, "manifest", fmt.Sprintf("%020d.manifest", c.ManifestID)))
	}
	var inputs []Input
	for _, m := range given {
		s, err := DecodeFile(m)
		if err != nil {
			t.Fatalf("%s: %v", m, err)
		}
		inputs = append(inputs, Input{Snapshot: s})
	}
	return inputs
}

// compareWithSlateDBGC fails on every listed path the plan deletes that
// SlateDB kept or keeps that SlateDB deleted, except compacted SSTs the plan
// keeps because the compactor's state is unknown.
func compareWithSlateDBGC(t *testing.T, p *OrphanPlan, l *listing.Listing, store, db string, deleted []string) {
	listed := map[string]int64{}
	for _, e := range l.Entries {
		listed[e.Path] = e.Bytes
	}
	deletable := map[string]bool{}
	for _, it := range p.Deletable {
		rel := strings.TrimPrefix(it.Path, store+"/")
		for k := range listed {
			if k == rel || it.Dir && strings.HasPrefix(k, rel+"/") {
				deletable[k] = true
			}
		}
	}
	stateUnknown := func(d string) bool {
		for _, it := range p.Unsure {
			rel := strings.TrimSuffix(strings.TrimPrefix(it.Path, store+"/"), "/")
			if (rel == d || strings.HasPrefix(d, rel+"/")) && strings.Contains(it.Reason, "compactor's state is unknown") {
				return true
			}
		}
		return false
	}
	for _, d := range deleted {
		if strings.HasPrefix(d, db+"/compacted/") && stateUnknown(d) {
			continue
		}
		if !deletable[d] {
			t.Errorf("SlateDB deleted %s; the plan keeps it", d)
		}
		delete(deletable, d)
	}
	for k := range deletable {
		t.Errorf("the plan deletes %s (%d bytes); SlateDB kept it", k, listed[k])
	}
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
