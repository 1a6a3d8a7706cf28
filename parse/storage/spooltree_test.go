package storage

import (
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ckptlens/ckptlens/internal/fixtures"
	"github.com/ckptlens/ckptlens/parse/listing"
	"github.com/ckptlens/ckptlens/parse/retain"
)

// madeUpStore is a bucket whose objects are made up as they are listed,
// never held: jobs folders each holding perJob unreferenced shared files,
// the first withChk of them three completed checkpoints too. It lists
// through walk, a folder per request, as the object stores do.
type madeUpStore struct {
	jobs, perJob, withChk int
	failAt                string // a folder whose listing fails
}

var madeUpTime = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

func (s madeUpStore) List(ctx context.Context, key string, fn func(Object)) error {
	return walk(ctx, key, s.listDir, fn)
}

func (s madeUpStore) listDir(_ context.Context, dir string, emit func(Object)) ([]string, error) {
	if dir == s.failAt {
		return nil, errors.New("listing " + dir + " failed")
	}
	if dir == "cp/" {
		var jobs []string
		for j := range s.jobs {
			jobs = append(jobs, fmt.Sprintf("cp/job-%04d/", j))
		}
		return jobs, nil
	}
	for c := range 3 * min(1, max(0, s.withChk-jobIndex(dir))) {
		emit(Object{Path: fmt.Sprintf("s3://b/%schk-%d/_metadata", dir, c), Size: int64(500 + c), Modified: madeUpTime})
	}
	for i := range s.perJob {
		emit(Object{Path: fmt.Sprintf("s3://b/%sshared/old-%08d", dir, i), Size: 7, Modified: madeUpTime})
	}
	return nil, nil
}

func jobIndex(dir string) int {
	var j int
	fmt.Sscanf(dir, "cp/job-%d/", &j)
	return j
}

func (madeUpStore) Stat(context.Context, string) (Object, error) {
	return Object{}, errors.ErrUnsupported
}
func (madeUpStore) Open(context.Context, string) (Reader, error) { return nil, errors.ErrUnsupported }
func (madeUpStore) Close() error                                 { return nil }

var madeUpRoot = Location{Scheme: "s3", Bucket: "b", Key: "cp/"}

// A spooled tree reads back as the walk's listing, in another order, and
// its Finder finds what a Finder finds in that listing sorted.
func TestSpoolTreeReadsAsTheWalk(t *testing.T) {
	st := madeUpStore{jobs: 40, perJob: 50, withChk: 30}
	want := walkedTree(t, st, madeUpRoot)
	var finder retain.Finder
	sp, n, err := SpoolTree(context.Background(), st, madeUpRoot, t.TempDir(), nil, finder.Add)
	if err != nil {
		t.Fatal(err)
	}
	defer sp.Close()
	got, err := fixtures.CollectListing(mustOpen(t, sp))
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(got.Entries, func(a, b listing.Entry) int { return strings.Compare(a.Path, b.Path) })
	if !reflect.DeepEqual(got, want) || n != int64(len(want.Entries)) || n != 40*50+30*3 {
		t.Errorf("the spool holds %d entries (%d counted), the walk %d; equal: %v", len(got.Entries), n, len(want.Entries), reflect.DeepEqual(got, want))
	}
	var sorted retain.Finder
	for _, e := range want.Entries {
		sorted.Add(e)
	}
	if f := finder.Found(); !reflect.DeepEqual(f, sorted.Found()) || len(f.Kept(1)) != 30 {
		t.Errorf("the finder on the stream found otherwise: %+v", f)
	}
}

// walkedTree is every entry the walk under root hands on, sorted by path.
func walkedTree(t *testing.T, st Store, root Location) *listing.Listing {
	t.Helper()
	var entries []listing.Entry
	if _, err := walkTree(context.Background(), st, root, nil, func(e listing.Entry) { entries = append(entries, e) }); err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(entries, func(a, b listing.Entry) int { return strings.Compare(a.Path, b.Path) })
	return &listing.Listing{Format: TreeFormat(root), Entries: entries}
}

func mustOpen(t *testing.T, src listing.Source) listing.ReadCloser {
	t.Helper()
	r, err := src.Open()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// A listing that fails part-way leaves no spool behind.
func TestSpoolTreeErrorLeavesNoFile(t *testing.T) {
	dir := t.TempDir()
	st := madeUpStore{jobs: 40, perJob: 50, failAt: "cp/job-0031/"}
	if sp, _, err := SpoolTree(context.Background(), st, madeUpRoot, dir, nil, nil); err == nil {
		sp.Close()
		t.Fatal("a failed listing spooled")
	}
	if left, _ := os.ReadDir(dir); len(left) > 0 {
		t.Errorf("left %v", left)
	}
}

// Listing a root into a spool holds neither the listing nor a map of its
// paths: between 20k and 200k listed objects (in 100 and 1,000 job
// folders, or in 10 folders of 2,000 and of 20,000), the live heap, sampled every 10k objects while the listing
// goes on (the other listing workers wait) and at its end, grows by far
// less than an entry's worth (a path and its fields, over 100 bytes) per
// object. A walk that holds them is measured the same way to show the
// measure sees a held listing.
func TestSpoolTreeMemoryPerObject(t *testing.T) {
	if testing.Short() {
		t.Skip("lists 440k made-up objects")
	}
	spooled := func(st madeUpStore, each func(listing.Entry)) func() {
		var finder retain.Finder
		sp, _, err := SpoolTree(context.Background(), st, madeUpRoot, t.TempDir(), nil, func(e listing.Entry) {
			finder.Add(e)
			each(e)
		})
		if err != nil {
			t.Fatal(err)
		}
		if kept := finder.Found().Kept(1); len(kept) != st.withChk {
			t.Fatalf("kept %d checkpoints", len(kept))
		}
		return func() { sp.Close() }
	}
	held := func(st madeUpStore, each func(listing.Entry)) func() {
		var entries []listing.Entry
		_, err := walkTree(context.Background(), st, madeUpRoot, nil, func(e listing.Entry) {
			entries = append(entries, e)
			each(e)
		})
		if err != nil {
			t.Fatal(err)
		}
		return func() { runtime.KeepAlive(entries) }
	}
	manyFolders := func(scale int) madeUpStore { return madeUpStore{jobs: 100 * scale, perJob: 200, withChk: 10} }
	largeFolders := func(scale int) madeUpStore { return madeUpStore{jobs: 10, perJob: 2000 * scale, withChk: 10} }
	for name, roots := range map[string]func(int) madeUpStore{"many folders": manyFolders, "large folders": largeFolders} {
		if got := heapPerObject(t, "SpoolTree, "+name, roots, spooled); got > 8 {
			t.Errorf("%s: listing into a spool holds %.1f bytes per object, more than 8", name, got)
		}
		if got := heapPerObject(t, "held entries, "+name, roots, held); got < 50 {
			t.Errorf("%s: the measure missed a held listing: %.1f bytes per object", name, got)
		}
	}
}

// heapPerObject is how much the live heap grows per listed object between
// a root of 20k objects and one of 200k (roots(1) and roots(10)).
func heapPerObject(t *testing.T, name string, roots func(scale int) madeUpStore, list func(madeUpStore, func(listing.Entry)) func()) float64 {
	peakAt := func(scale int) (peak uint64) {
		sample := func() {
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
		}
		n := 0
		done := list(roots(scale), func(listing.Entry) {
			if n++; n%10_000 == 0 {
				sample()
			}
		})
		sample()
		done()
		return peak
	}
	small, large := peakAt(1), peakAt(10)
	per := (float64(large) - float64(small)) / (200_000 - 20_000)
	t.Logf("%s: live heap %.1f MB at 20k objects, %.1f MB at 200k: %.1f bytes per object", name, float64(small)/1e6, float64(large)/1e6, per)
	return per
}
