package slatedb

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

type listed struct {
	path  string
	bytes int64
}

// readListing reads a listing the oracle wrote in find -printf '%s %p\n' form.
func readListing(t *testing.T, file string) []listed {
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []listed
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		size, p, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			t.Fatalf("%s: bad line %q", file, sc.Text())
		}
		n, err := strconv.ParseInt(size, 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, listed{p, n})
	}
	return out
}

type gcRecord struct {
	GCStartUnixMs int64    `json:"gcStartUnixMs"`
	Deleted       []string `json:"deleted"`
}

// oracleDatabase decodes the manifests that existed when GC started (those
// in listing-before.txt).
func oracleDatabase(t *testing.T, db string) (*Database, []Object) {
	dir := filepath.Join(storeDir(t), db)
	var paths []string
	var sizes []int64
	for _, l := range readListing(t, filepath.Join(dir, "listing-before.txt")) {
		paths = append(paths, l.path)
		sizes = append(sizes, l.bytes)
	}
	objects := ObjectsUnder(db, paths, sizes)
	var ms []*Manifest
	for _, o := range objects {
		if strings.HasPrefix(o.Path, "manifest/") {
			ms = append(ms, decodeFile(t, filepath.Join(dir, o.Path)))
		}
	}
	return NewDatabase(db, ms...), objects
}

// compactionWatermark is the time of the oldest compaction in SlateDB's
// compactions file as the oracle dumped it (zero with noCompactions when
// there is none).
func compactionWatermark(t *testing.T, db string) (wm time.Time, none bool) {
	b, err := os.ReadFile(filepath.Join(storeDir(t), db, "compactions.json"))
	if err != nil {
		t.Fatal(err)
	}
	var c *struct {
		Recent map[string]json.RawMessage `json:"recent_compactions"`
	}
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	if c == nil || len(c.Recent) == 0 {
		return time.Time{}, true
	}
	for id := range c.Recent {
		u, err := ParseULID(id)
		if err != nil {
			t.Fatal(err)
		}
		if wm.IsZero() || u.Time().Before(wm) {
			wm = u.Time()
		}
	}
	return wm, false
}

// TestGCMatchesSlateDB: the plan deletes exactly what SlateDB's own GC
// deleted in the oracle run, and keeps the rest.
func TestGCMatchesSlateDB(t *testing.T) {
	for _, db := range oracleDBs {
		d, objects := oracleDatabase(t, db)
		var rec gcRecord
		b, err := os.ReadFile(filepath.Join(storeDir(t), db, "gc.json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &rec); err != nil {
			t.Fatal(err)
		}
		wm, none := compactionWatermark(t, db)
		plan, err := d.PlanGC(objects, GCOptions{Now: time.UnixMilli(rec.GCStartUnixMs), CompactionLowWatermark: wm, NoCompactions: none})
		if err != nil {
			t.Fatalf("%s: %v", db, err)
		}
		var want []string
		for _, p := range rec.Deleted {
			want = append(want, strings.TrimPrefix(p, db+"/"))
		}
		sort.Strings(want)
		got := plan.Deleted()
		if !reflect.DeepEqual(want, got) {
			t.Errorf("%s: GC plan differs from SlateDB's GC\n want %v\n got  %v", db, want, got)
			for _, dec := range plan.Decisions {
				t.Logf("  %v %s: %s", dec.Delete, dec.Path, dec.Reason)
			}
		}
		t.Logf("%s: %d objects, %d deleted (%d bytes), %d kept", db, len(objects), len(got), plan.DeleteBytes, len(objects)-len(got))
	}
}

// TestMinBytesIsLowerBound: the size bound from the manifest never exceeds
// the real SST size and stays close to it.
func TestMinBytesIsLowerBound(t *testing.T) {
	for _, db := range []string{"prod/parent", "prod/segmented", "prod/clone"} {
		d, objects := oracleDatabase(t, db)
		size := map[string]int64{}
		for _, o := range objects {
			size[o.Path] = o.Bytes
		}
		n := 0
		for _, m := range d.Manifests {
			for _, r := range m.SSTRefs() {
				real, ok := size[r.Path]
				if r.Database != "" || !ok {
					continue
				}
				n++
				if r.MinBytes > real || real-r.MinBytes > 1024 {
					t.Errorf("%s %s: lower bound %d, real size %d", db, r.Path, r.MinBytes, real)
				}
			}
		}
		if n == 0 {
			t.Errorf("%s: no SST to compare", db)
		}
	}
}
