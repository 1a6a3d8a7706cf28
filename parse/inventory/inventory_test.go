package inventory_test

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ckptlens/ckptlens/internal/fixtures"
	"github.com/ckptlens/ckptlens/parse"
	"github.com/ckptlens/ckptlens/parse/inventory"
	"github.com/ckptlens/ckptlens/parse/inventory/generate"
	"github.com/ckptlens/ckptlens/parse/listing"
)

type scenario struct {
	name   string
	objs   []generate.Object
	inputs []parse.Input
}

// oracleScenarios are the oracle's real listings as objects of a bucket
// (keys are the paths without their leading "/"), each with its snapshots.
func oracleScenarios(t *testing.T) []scenario {
	repo, err := fixtures.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	paths, _ := filepath.Glob(filepath.Join(repo, "testdata", "flink", "generated", "*", "*", "listing.txt"))
	if len(paths) == 0 {
		t.Skip("no oracle listings (testdata/flink/regenerate.sh writes them)")
	}
	var out []scenario
	for _, lp := range paths {
		l, err := fixtures.ParseListing(lp)
		if err != nil {
			t.Fatal(err)
		}
		sc := scenario{name: filepath.Base(filepath.Dir(filepath.Dir(lp))) + "/" + filepath.Base(filepath.Dir(lp))}
		t0 := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
		for i, e := range l.Entries {
			// Every file written an hour or more before the checkpoints'
			// _metadata, so that the plans judge them by their times.
			mod := t0.Add(time.Duration(i) * 1500 * time.Millisecond).Truncate(time.Second)
			if strings.HasSuffix(e.Path, "/_metadata") {
				mod = t0.Add(24 * time.Hour)
			}
			if !e.Dir {
				sc.objs = append(sc.objs, generate.Object{Key: strings.TrimPrefix(e.Path, "/"), Size: e.Bytes, Modified: mod})
			}
		}
		// Keys that URL encoding changes.
		sc.objs = append(sc.objs, generate.Object{Key: "tmp/odd/a b+c%d&é.txt", Size: 7, Modified: t0})
		metas, _ := filepath.Glob(filepath.Join(filepath.Dir(lp), "*", "*", "_metadata"))
		for _, m := range metas {
			s, err := parse.DecodeFile(m)
			if err != nil {
				t.Fatal(err)
			}
			sc.inputs = append(sc.inputs, parse.Input{Snapshot: s})
		}
		out = append(out, sc)
	}
	return out
}

// s3ls is the same objects as `aws s3 ls --recursive` prints them.
func s3ls(t *testing.T, objs []generate.Object) *listing.Listing {
	var b strings.Builder
	for _, o := range objs {
		fmt.Fprintf(&b, "%s %10d %s\n", o.Modified.Format("2006-01-02 15:04:05"), o.Size, o.Key)
	}
	l, err := listing.Parse(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// Every layout of every service yields exactly the entries `aws s3 ls` of
// the same objects does (older versions, delete markers, snapshots and
// soft-deleted objects left out, URL-encoded keys decoded), and so the same
// plan from the same snapshots.
func TestInventoriesEqualTheListingOfTheirObjects(t *testing.T) {
	deletable := 0
	defer func() {
		if deletable == 0 && !t.Failed() {
			t.Error("no plan had anything to delete: the plans compared were empty")
		}
	}()
	for _, sc := range oracleScenarios(t) {
		want := s3ls(t, sc.objs)
		for _, kind := range generate.Kinds {
			dir := t.TempDir()
			path, err := generate.Write(kind, dir, "oracle", sc.objs, 40)
			if err != nil {
				t.Fatal(err)
			}
			if !inventory.Is(path) {
				t.Fatalf("%s %s: not recognised as an inventory", sc.name, kind)
			}
			r, err := inventory.Open(path)
			if err != nil {
				t.Fatalf("%s %s: %v", sc.name, kind, err)
			}
			got, err := fixtures.CollectListing(r)
			r.Close()
			if err != nil {
				t.Fatalf("%s %s: %v", sc.name, kind, err)
			}
			if !reflect.DeepEqual(got.Entries, want.Entries) {
				t.Errorf("%s %s: %d entries differ from the listing's %d; first: %+v vs %+v", sc.name, kind,
					len(got.Entries), len(want.Entries), got.Entries[0], want.Entries[0])
				continue
			}
			if root := map[string]string{"s3": "s3://oracle/", "gcs": "gs://oracle/", "azure": ""}[strings.Split(string(kind), "-")[0]]; r.Root() != root {
				t.Errorf("%s: root %q, want %q", kind, r.Root(), root)
			}
			deletable += checkSamePlan(t, sc, kind, want, got)
		}
	}
}

// checkSamePlan returns how many files the plan deletes.
func checkSamePlan(t *testing.T, sc scenario, kind generate.Kind, want, got *listing.Listing) int {
	t.Helper()
	if len(sc.inputs) == 0 {
		return 0
	}
	a := parse.Analyze(sc.inputs, parse.Options{Listing: want, ListingPrefix: "/"}).Orphans
	b := parse.Analyze(sc.inputs, parse.Options{Listing: got, ListingPrefix: "/"}).Orphans
	if a == nil || b == nil {
		t.Fatalf("%s %s: no plan", sc.name, kind)
	}
	b.Listing.Format = a.Listing.Format
	if !reflect.DeepEqual(a, b) {
		t.Errorf("%s %s: the plans differ:\n%+v\n%+v", sc.name, kind, a, b)
	}
	return a.DeletableFiles
}

// What cannot be read whole is an error naming the file (and the row),
// never a shorter listing.
func TestInventoryErrors(t *testing.T) {
	objs := []generate.Object{{Key: "a/b", Size: 3, Modified: time.Unix(1714557600, 0).UTC()}, {Key: "a/c", Size: 4, Modified: time.Unix(1714557600, 0).UTC()}}
	collect := func(path string) error {
		r, err := inventory.Open(path)
		if err != nil {
			return err
		}
		defer r.Close()
		_, err = fixtures.CollectListing(r)
		return err
	}
	dir := t.TempDir()
	manifest, err := generate.Write(generate.S3CSVGzip, dir, "b", objs, 0)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := filepath.Glob(filepath.Join(dir, "inventory", "b", "daily", "data", "*"))
	whole, _ := os.ReadFile(data[0])
	os.WriteFile(data[0], whole[:len(whole)-5], 0o644)
	if err := collect(manifest); err == nil || !strings.Contains(err.Error(), "incomplete") {
		t.Errorf("a cut data file: %v", err)
	}
	os.WriteFile(data[0], whole, 0o644)
	if err := collect(data[0]); err == nil || !strings.Contains(err.Error(), "manifest.json") {
		t.Errorf("an S3 CSV file without its manifest: %v", err)
	}
	m, _ := os.ReadFile(manifest)
	os.WriteFile(manifest, []byte(strings.Replace(string(m), `"CSV"`, `"ORC"`, 1)), 0o644)
	if err := collect(manifest); err == nil || !strings.Contains(err.Error(), "ORC") {
		t.Errorf("an ORC inventory: %v", err)
	}
	pq, err := generate.Write(generate.GCSParquet, dir, "b", objs, 0)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(pq)
	os.WriteFile(pq, b[:len(b)/2], 0o644)
	if err := collect(pq); err == nil || !strings.Contains(err.Error(), pq) {
		t.Errorf("a cut Parquet file: %v", err)
	}
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("Name,Last-Modified,Content-Length\nx,2024-05-01T10:00:00Z,12\ny,yesterday,5\n"), 0o644)
	var ie *inventory.Error
	if err := collect(bad); !errors.As(err, &ie) || ie.Row != 2 {
		t.Errorf("a bad time on row 2: %v", err)
	}
	two := filepath.Join(dir, "two.csv")
	os.WriteFile(two, []byte("bucket,name,size,updated\nb1,x,1,2024-05-01T10:00:00Z\nb2,y,1,2024-05-01T10:00:00Z\n"), 0o644)
	if err := collect(two); err == nil || !strings.Contains(err.Error(), "two buckets") {
		t.Errorf("two buckets: %v", err)
	}
	long := filepath.Join(dir, "long.csv")
	os.WriteFile(long, []byte("bucket,name,size,updated\nb1,"+strings.Repeat("x", 3<<20)+",1,2024-05-01T10:00:00Z\n"), 0o644)
	if err := collect(long); err == nil || !strings.Contains(err.Error(), "longer") {
		t.Errorf("a 3 MiB row: %v", err)
	}
	noTime := filepath.Join(dir, "notime.csv")
	os.WriteFile(noTime, []byte("bucket,name,size\nb1,x,1\n"), 0o644)
	if err := collect(noTime); !inventory.Is(noTime) || err == nil || !strings.Contains(err.Error(), "updated") {
		t.Errorf("a report without times: %v", err)
	}
}

func TestURLDecodeIsQueryUnescape(t *testing.T) {
	for _, key := range []string{"", "a", "a/b c+d%e&é/😀", "%", "100%", "+++", "a%2Fb"} {
		enc := url.QueryEscape(key)
		if got, err := inventory.URLDecode(enc); err != nil || got != key {
			t.Errorf("%q -> %q: %q, %v", key, enc, got, err)
		}
	}
	for _, bad := range []string{"%", "%2", "%zz", "a%4"} {
		if _, err := inventory.URLDecode(bad); err == nil {
			t.Errorf("%q decoded", bad)
		}
	}
}
