package slatedb

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ckptlens/ckptlens/parse/listing"
)

// The restore proof (testdata/slatedb/regenerate.sh proof): real SlateDB
// databases, the plan `ckptlens orphans --paths` made for their listing
// (plan.txt), and SlateDB opening every database and live checkpoint of a
// copy with that plan applied (restore.json).

type restoreResult struct {
	Deleted  int `json:"deleted"`
	Failures int `json:"failures"`
	Opened   []struct {
		DB           string   `json:"db"`
		Checkpoint   *string  `json:"checkpoint"`
		KeysRead     int      `json:"keysRead"`
		FailureCount int      `json:"failureCount"`
		Failures     []string `json:"failures"`
	} `json:"opened"`
}

// proofListing is the proof store's listing as objects of each database.
func proofListing(t *testing.T) (map[string][]Object, time.Time) {
	f, err := os.Open(filepath.Join(proofDir(t), "listing.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	l, err := listing.Parse(f)
	if err != nil || !l.HasTimes() {
		t.Fatalf("listing.txt: %v (times: %v)", err, l != nil && l.HasTimes())
	}
	byDB := map[string][]Object{}
	var newest time.Time
	for _, e := range l.Entries {
		parts := strings.SplitN(e.Path, "/", 3) // proof/<db>/<object>
		if len(parts) != 3 {
			t.Fatalf("listing.txt: unexpected path %q", e.Path)
		}
		db := parts[0] + "/" + parts[1]
		byDB[db] = append(byDB[db], Object{Path: parts[2], Bytes: e.Bytes, Modified: e.Modified})
		if e.Modified.After(newest) {
			newest = e.Modified
		}
	}
	return byDB, newest
}

// proofDatabase decodes every manifest of db and its newest compactions file.
func proofDatabase(t *testing.T, db string) (*Database, *Compactions) {
	dir := filepath.Join(proofDir(t), db)
	names, _ := filepath.Glob(filepath.Join(dir, "manifest", "*.manifest"))
	var ms []*Manifest
	for _, n := range names {
		ms = append(ms, decodeFile(t, n))
	}
	var newest *Compactions
	states, _ := filepath.Glob(filepath.Join(dir, "compactions", "*.compactions"))
	sort.Strings(states)
	if len(states) > 0 {
		b, err := os.ReadFile(states[len(states)-1])
		if err != nil {
			t.Fatal(err)
		}
		if newest, err = DecodeCompactionsBytes(b); err != nil {
			t.Fatal(err)
		}
		newest.ID, _ = ParseCompactionsName(states[len(states)-1])
	}
	return NewDatabase(db, ms...), newest
}

func provenSafe(t *testing.T) map[string]bool {
	b, err := os.ReadFile(filepath.Join(proofDir(t), "plan.txt"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		out[l] = true
	}
	return out
}

// TestRestoreProof: with the plan applied, every database and every
// checkpoint live at planning time read every key exactly as before, and the
// plan deleted objects of every kind SlateDB collects.
func TestRestoreProof(t *testing.T) {
	var r restoreResult
	b, err := os.ReadFile(filepath.Join(proofDir(t), "restore.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	safe := provenSafe(t)
	if r.Failures != 0 || r.Deleted != len(safe) {
		t.Fatalf("restore.json: %d failures, %d deleted of %d planned", r.Failures, r.Deleted, len(safe))
	}
	written := proofKeys(t)
	opened := map[string]bool{}
	for _, o := range r.Opened {
		key := o.DB + " " + deref(o.Checkpoint)
		if o.FailureCount != 0 || o.KeysRead < written[key] {
			t.Errorf("%s: %d keys read of %d written, failures %v", key, o.KeysRead, written[key], o.Failures)
		}
		opened[key] = true
	}
	byDB, newest := proofListing(t)
	planNow := newest.Add(DefaultMinAge) // the plan was made after min_age had passed
	walPinned := 0
	for db := range byDB {
		d, _ := proofDatabase(t, db)
		if !opened[db+" "] {
			t.Errorf("%s: its latest state was not read back", db)
		}
		for _, c := range d.Latest().Checkpoints {
			if c.Expired(planNow) {
				continue
			}
			if !opened[db+" "+c.ID.String()] {
				t.Errorf("%s: live checkpoint %s (%s) was not read back", db, c.ID, checkpointLabel(c))
			}
			// WAL the checkpoint's manifest replays although the latest one
			// no longer does: the proof shows the plan kept it.
			m := d.Manifest(c.ManifestID)
			for id := m.ReplayAfterWALID + 1; id <= m.WALIDLastSeen && id < d.Latest().ReplayAfterWALID; id++ {
				walPinned++
				if safe[db+"/"+WALPath(id)] {
					t.Errorf("%s: the plan deleted %s, which checkpoint %s replays", db, WALPath(id), checkpointLabel(c))
				}
			}
		}
	}
	if walPinned == 0 {
		t.Error("no live checkpoint of the proof replays WAL the latest manifest does not: WAL pinning is not proven")
	}
	kinds := map[string]int{}
	for p := range safe {
		kinds[strings.Split(p, "/")[2]]++
	}
	for _, k := range []string{"manifest", "wal", "compacted", "compactions"} {
		if kinds[k] == 0 {
			t.Errorf("the proof deleted no %s object: %v", k, kinds)
		}
	}
}

// proofKeys counts the keys each database and checkpoint must read back
// with their written values, by "<db> <checkpoint id>" ("" for the latest).
func proofKeys(t *testing.T) map[string]int {
	var k struct {
		Expect []struct {
			DB         string   `json:"db"`
			Checkpoint *string  `json:"checkpoint"`
			Keys       []string `json:"keys"`
		} `json:"expect"`
	}
	b, err := os.ReadFile(filepath.Join(proofDir(t), "keys.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &k); err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, e := range k.Expect {
		out[e.DB+" "+deref(e.Checkpoint)] = len(e.Keys)
	}
	return out
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// TestPlanWithinProof: today's plan for the proof store deletes only what
// the proof showed safe to delete, with every manifest given and with each
// pinned manifest withheld in turn (a plan then knows less and keeps more).
func TestPlanWithinProof(t *testing.T) {
	safe := provenSafe(t)
	byDB, newest := proofListing(t)
	now := newest.Add(DefaultMinAge + 10*time.Second)
	for db, objects := range byDB {
		d, cs := proofDatabase(t, db)
		check := func(what string, d *Database) []string {
			plan, err := d.PlanGC(objects, GCOptions{Now: now, MinAge: DefaultMinAge, Compactions: cs})
			if err != nil {
				t.Fatalf("%s %s: %v", db, what, err)
			}
			deleted := plan.Deleted()
			for _, p := range deleted {
				if !safe[db+"/"+p] {
					t.Errorf("%s %s: the plan deletes %s, which the proof did not show safe", db, what, p)
				}
			}
			return deleted
		}
		all := check("with every manifest", d)
		if db == "proof/main" && len(all) == 0 {
			t.Errorf("%s: nothing planned", db)
		}
		for _, c := range d.Latest().Checkpoints {
			if c.ManifestID == d.Latest().ID || c.Expired(now) {
				continue
			}
			var rest []*Manifest
			for _, m := range d.Manifests {
				if m.ID != c.ManifestID {
					rest = append(rest, m)
				}
			}
			pinned := d.Manifest(c.ManifestID)
			for _, p := range check("without manifest "+ManifestPath(c.ManifestID), NewDatabase(db, rest...)) {
				if strings.HasPrefix(p, "compacted/") {
					t.Errorf("%s: with manifest %d withheld the plan still deletes %s", db, c.ManifestID, p)
				}
				// The WAL the withheld manifest replays stays.
				for id := pinned.ReplayAfterWALID + 1; id <= pinned.WALIDLastSeen; id++ {
					if p == WALPath(id) {
						t.Errorf("%s: with manifest %d withheld the plan deletes %s, which it replays", db, c.ManifestID, p)
					}
				}
			}
		}
	}
}
