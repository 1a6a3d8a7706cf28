package retain

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ckptlens/ckptlens/parse/listing"
)

func TestFindAndKeep(t *testing.T) {
	var entries []listing.Entry
	for _, p := range []string{
		"s3://b/cp/jobA/chk-9/_metadata", "s3://b/cp/jobA/chk-10/_metadata", "s3://b/cp/jobA/chk-8/_metadata",
		"s3://b/cp/jobA/chk-11/x", // in progress: no _metadata
		"s3://b/cp/jobA/shared/sst", "s3://b/cp/jobB/chk-3/_metadata",
		"s3://b/cp/savepoints/savepoint-aaaaaa-0123456789ab/_metadata", "s3://b/cp/jobA/chk-x/_metadata",
		"s3://b/cp/db/manifest/00000000000000000002.manifest", "s3://b/cp/db/manifest/00000000000000000010.manifest",
		"s3://b/cp/db/wal/00000000000000000001.sst",
		"s3://b/cp/db/compactions/00000000000000000003.compactions", "s3://b/cp/db/compactions/00000000000000000004.compactions",
		"s3://b/cp/lonely/compactions/00000000000000000001.compactions",
	} {
		entries = append(entries, listing.Entry{Path: p})
	}
	entries = append(entries, listing.Entry{Path: "s3://b/cp/jobC/chk-1/_metadata", Dir: true})
	f := find(entries)
	got := f.Kept(2)
	want := []string{"s3://b/cp/jobA/chk-10/_metadata", "s3://b/cp/jobA/chk-9/_metadata", "s3://b/cp/jobB/chk-3/_metadata",
		"s3://b/cp/jobA/chk-x/_metadata", "s3://b/cp/savepoints/savepoint-aaaaaa-0123456789ab/_metadata"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("kept %q\nwant %q", got, want)
	}
	if len(f.Databases) != 1 || f.Databases[0].Root != "s3://b/cp/db" {
		t.Fatalf("databases %+v", f.Databases)
	}
	// Every manifest and compactions file, which parse.Load chooses from.
	if db := f.Databases[0]; !slices.Contains(db.Manifests, "s3://b/cp/db/manifest/00000000000000000010.manifest") ||
		!slices.Contains(db.Compactions, "s3://b/cp/db/compactions/00000000000000000004.compactions") {
		t.Errorf("database files %+v", db)
	}
	if kept := f.Kept(1); len(kept) != 4 {
		t.Errorf("--keep-latest 1 kept %q", kept)
	}
}

// A Finder fed a listing as a stream, in any order, finds what Find finds
// in the sorted listing, and knows the size of every file it names (and of
// no other: it holds only those).
func TestFinderOnAStreamEqualsFind(t *testing.T) {
	var entries []listing.Entry
	add := func(p string, bytes int64) {
		entries = append(entries, listing.Entry{Path: p, Bytes: bytes, Modified: time.Unix(bytes, 0).UTC()})
	}
	for j := range 5 {
		for c := range 12 {
			add(fmt.Sprintf("s3://b/cp/job%d/chk-%d/_metadata", j, c*7%12), int64(100+j*12+c))
			add(fmt.Sprintf("s3://b/cp/job%d/chk-%d/state", j, c), 3)
		}
		add(fmt.Sprintf("s3://b/cp/job%d/chk-05/_metadata", j), 99) // the same N as chk-5
		add(fmt.Sprintf("s3://b/cp/job%d/shared/sst", j), 7)
		add(fmt.Sprintf("s3://b/cp/savepoint-%d/_metadata", j), int64(200+j))
		add(fmt.Sprintf("s3://b/cp/db%d/manifest/%020d.manifest", j%2, j), int64(300+j))
		add(fmt.Sprintf("s3://b/cp/db%d/compactions/%020d.compactions", j%2, j), int64(400+j))
		add(fmt.Sprintf("s3://b/cp/db%d/manifest/not-a-manifest", j%2), 5)
	}
	slices.SortFunc(entries, func(a, b listing.Entry) int { return strings.Compare(a.Path, b.Path) })
	want := find(entries)
	named := map[string]bool{}
	for _, p := range want.Kept(1000) {
		named[p] = true
	}
	for _, d := range want.Databases {
		for _, p := range append(slices.Clone(d.Manifests), d.Compactions...) {
			named[p] = true
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 20 {
		shuffled := slices.Clone(entries)
		rng.Shuffle(len(shuffled), func(a, b int) { shuffled[a], shuffled[b] = shuffled[b], shuffled[a] })
		var f Finder
		for _, e := range shuffled {
			f.Add(e)
		}
		if got := f.Found(); !reflect.DeepEqual(got, want) {
			t.Fatalf("round %d: the stream finds\n%+v\nthe slice\n%+v", round, got, want)
		}
		for _, e := range entries {
			if size := f.Size(e.Path); named[e.Path] && size != e.Bytes || !named[e.Path] && size != 0 {
				t.Fatalf("round %d: size of %s: %d, listed %d", round, e.Path, size, e.Bytes)
			}
		}
		if len(f.sizes) != len(named) {
			t.Fatalf("round %d: the finder holds %d sizes for %d files it names", round, len(f.sizes), len(named))
		}
	}
}

// find reads the snapshots a listing holds. Entries must carry absolute
// paths (as a listing of storage made by ckptlens does).
func find(entries []listing.Entry) Found {
	var f Finder
	for _, e := range entries {
		f.Add(e)
	}
	return f.Found()
}
