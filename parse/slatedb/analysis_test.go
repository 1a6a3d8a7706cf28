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

// oracleCompactions rebuilds the compactor state GC read from SlateDB's own
// reading of it (compactions.json): ids and statuses, which is what GC uses.
func oracleCompactions(t *testing.T, db string) *Compactions {
	b, err := os.ReadFile(filepath.Join(storeDir(t), db, "compactions.json"))
	if err != nil {
		t.Fatal(err)
	}
	var c *struct {
		ID     uint64 `json:"id"`
		Recent map[string]struct {
			Status string `json:"status"`
		} `json:"recent_compactions"`
	}
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	if c == nil {
		return nil
	}
	cs := &Compactions{ID: c.ID}
	for id, rc := range c.Recent {
		u, err := ParseULID(id)
		if err != nil {
			t.Fatal(err)
		}
		cs.Compactions = append(cs.Compactions, Compaction{ID: u, Status: rc.Status})
	}
	return cs
}

// TestGCMatchesSlateDB: the plan deletes exactly what SlateDB's own GC
// deleted in the oracle run (manifest, WAL and compacted GC, then
// compactions GC), and keeps the rest.
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
		// The oracle's writers and compactors were closed before GC ran.
		plan, err := d.PlanGC(objects, GCOptions{Now: time.UnixMilli(rec.GCStartUnixMs), Compactions: oracleCompactions(t, db), Stopped: true})
		if err != nil {
			t.Fatalf("%s: %v", db, err)
		}
		// Compactions GC ran alone right after the other resources.
		var recC gcRecord
		b, err = os.ReadFile(filepath.Join(storeDir(t), db, "gc-compactions.json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &recC); err != nil {
			t.Fatal(err)
		}
		// SlateDB's GC first rewrites the latest manifest without expired
		// checkpoints and may then delete the old one; a plan cannot write
		// a manifest, so it keeps the latest: the one known difference.
		var want []string
		for _, p := range append(rec.Deleted, recC.Deleted...) {
			if p = strings.TrimPrefix(p, db+"/"); p != ManifestPath(plan.LatestID) || len(plan.Expired) == 0 {
				want = append(want, p)
			}
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

// finalDatabase is the database as it stood after SlateDB's GC: the
// manifests in listing-after.txt, and that listing.
func finalDatabase(t *testing.T, db string) (*Database, map[string]bool) {
	dir := filepath.Join(storeDir(t), db)
	after := map[string]bool{}
	var ms []*Manifest
	for _, l := range readListing(t, filepath.Join(dir, "listing-after.txt")) {
		after[l.path] = true
		rel := strings.TrimPrefix(l.path, db+"/")
		if strings.HasPrefix(rel, "manifest/") {
			ms = append(ms, decodeFile(t, filepath.Join(dir, rel)))
		}
	}
	return NewDatabase(db, ms...), after
}

type oracleEvent struct {
	DB         string `json:"db"`
	Op         string `json:"op"`
	Name       string `json:"name"`
	ID         string `json:"id"`
	ManifestID uint64 `json:"manifestId"`
	Parent     string `json:"parent"`
}

func oracleEvents(t *testing.T) []oracleEvent {
	b, err := os.ReadFile(filepath.Join(storeDir(t), "events.json"))
	if err != nil {
		t.Fatal(err)
	}
	var e struct{ Events []oracleEvent }
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatal(err)
	}
	return e.Events
}

func allManifests(t *testing.T, db string) *Database {
	files, _ := filepath.Glob(filepath.Join(storeDir(t), db, "manifest", "*.manifest"))
	var ms []*Manifest
	for _, f := range files {
		ms = append(ms, decodeFile(t, f))
	}
	return NewDatabase(db, ms...)
}

// TestTimelineFollowsOracle: the timeline of every manifest the oracle kept
// shows the checkpoints it created, refreshed and deleted, and its compactions.
func TestTimelineFollowsOracle(t *testing.T) {
	d := allManifests(t, "prod/parent")
	entries, spans := d.Timeline()
	if len(entries) != len(d.Manifests) {
		t.Fatalf("%d entries for %d manifests", len(entries), len(d.Manifests))
	}
	byID := map[string]CheckpointSpan{}
	for _, s := range spans {
		byID[s.ID.String()] = s
	}
	checked := 0
	for _, e := range oracleEvents(t) {
		if e.DB != "prod/parent" || e.ID == "" {
			continue
		}
		checked++
		s, ok := byID[e.ID]
		if !ok {
			t.Errorf("checkpoint %s (%s) missing from the timeline", e.ID, e.Name)
			continue
		}
		switch e.Op {
		case "create_checkpoint", "create_detached_checkpoint":
			if s.ManifestID != e.ManifestID || (e.Name != "" && (s.Name == nil || *s.Name != e.Name)) {
				t.Errorf("checkpoint %s: pins %d named %v, oracle says %d %q", e.ID, s.ManifestID, s.Name, e.ManifestID, e.Name)
			}
		case "refresh_checkpoint":
			if !s.Refreshed {
				t.Errorf("checkpoint %s refreshed but not marked", e.ID)
			}
		case "delete_checkpoint":
			if s.Live {
				t.Errorf("checkpoint %s deleted but live", e.ID)
			}
		}
	}
	if checked < 8 {
		t.Errorf("only %d checkpoint events checked", checked)
	}
	compactions := 0
	for _, e := range entries {
		for _, ev := range e.Events {
			if strings.HasPrefix(ev, "compaction:") {
				compactions++
			}
		}
	}
	if compactions < 2 {
		t.Errorf("timeline shows %d compactions, the oracle ran 2", compactions)
	}
}

// gcStart is when the oracle ran SlateDB's GC on db: the clock its
// checkpoint expiry was judged by.
func gcStart(t *testing.T, db string) time.Time {
	var rec gcRecord
	b, err := os.ReadFile(filepath.Join(storeDir(t), db, "gc.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &rec); err != nil || rec.GCStartUnixMs == 0 {
		t.Fatalf("%s gc.json: %v", db, err)
	}
	return time.UnixMilli(rec.GCStartUnixMs)
}

// TestPinsKeptByGC: every SST and manifest a live checkpoint pins survived
// SlateDB's GC, and the exclusive SSTs are not in the latest manifest.
func TestPinsKeptByGC(t *testing.T) {
	for _, db := range oracleDBs {
		d, after := finalDatabase(t, db)
		pins := d.CheckpointPins(gcStart(t, db))
		latest := map[ULID]bool{}
		for _, id := range d.Latest().ReferencedSSTs() {
			latest[id] = true
		}
		for _, p := range pins {
			if !p.ManifestGiven {
				t.Errorf("%s: checkpoint %s pins manifest %d, which GC deleted", db, p.Checkpoint.ID, p.Checkpoint.ManifestID)
				continue
			}
			for _, r := range p.SSTs {
				if r.Database == "" && !after[db+"/"+r.Path] {
					t.Errorf("%s: checkpoint %s pins %s, which GC deleted", db, p.Checkpoint.ID, r.Path)
				}
			}
			for _, r := range p.Exclusive {
				if latest[r.ID] {
					t.Errorf("%s: %s called exclusive to a checkpoint but the latest manifest reads it", db, r.Path)
				}
			}
		}
	}
	d, _ := finalDatabase(t, "prod/parent")
	var nightly *CheckpointPin
	pins := d.CheckpointPins(gcStart(t, "prod/parent"))
	for i, p := range pins {
		if p.Checkpoint.Name != nil && *p.Checkpoint.Name == "nightly" {
			nightly = &pins[i]
		}
	}
	if nightly == nil || len(nightly.Exclusive) == 0 || nightly.ExclusiveMinBytes <= 0 {
		t.Fatalf("the nightly checkpoint should alone keep the first L0 SST: %+v", nightly)
	}
}

// TestCloneDependencies: what a clone reads from its parents survived the
// parents' GC, and each final checkpoint is found in the parent.
func TestCloneDependencies(t *testing.T) {
	var dbs []*Database
	afterAll := map[string]bool{}
	for _, db := range oracleDBs {
		d, after := finalDatabase(t, db)
		dbs = append(dbs, d)
		for p := range after {
			afterAll[p] = true
		}
	}
	for _, d := range dbs {
		for _, dep := range d.ParentDependencies() {
			if len(dep.Referenced) == 0 {
				t.Errorf("%s reads nothing from %s", d.Root, dep.Path)
			}
			for _, r := range dep.Referenced {
				if !afterAll[r.Path] {
					t.Errorf("%s needs %s, which the parent's GC deleted", d.Root, r.Path)
				}
			}
		}
	}
}

// TestReport: the database report `ckptlens inspect` prints covers every
// manifest given and every checkpoint of the newest one; a clone's report
// names its parent.
func TestReport(t *testing.T) {
	for _, db := range oracleDBs {
		d, _ := oracleDatabase(t, db)
		r := d.Report(gcStart(t, db))
		if len(r.Timeline) != r.Manifests || r.Manifests != len(d.Manifests) || len(r.Pins) != len(d.Latest().Checkpoints) {
			t.Errorf("%s: timeline %d entries for %d manifests, %d pins for %d checkpoints", db, len(r.Timeline), r.Manifests, len(r.Pins), len(d.Latest().Checkpoints))
		}
		if (len(r.Parents) > 0) != (len(d.Latest().ExternalDBs) > 0) {
			t.Errorf("%s: parents %+v", db, r.Parents)
		}
	}
}

func TestObjectsUnder(t *testing.T) {
	paths := []string{"s3://bucket/prod/parent/compacted/A.sst", "/data/prod/parent/wal/00000000000000000001.sst",
		"prod/parent/manifest/00000000000000000001.manifest", "prod/parentx/compacted/B.sst", "prod/clone/compacted/C.sst"}
	got := ObjectsUnder("prod/parent", paths, []int64{1, 2, 3, 4, 5})
	want := []Object{{Path: "compacted/A.sst", Bytes: 1}, {Path: "wal/00000000000000000001.sst", Bytes: 2}, {Path: "manifest/00000000000000000001.manifest", Bytes: 3}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v", got)
	}
}
