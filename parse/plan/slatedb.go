package plan

import (
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/ckptlens/ckptlens/parse/model"
	"github.com/ckptlens/ckptlens/parse/paths"
	"github.com/ckptlens/ckptlens/parse/slatedb"
)

// SlateDB keeps one database per root (manifest/, wal/, compacted/,
// compactions/). What its manifests do not name is decided by package
// slatedb's model of SlateDB's own garbage collector (PlanGC), so the plan
// deletes what SlateDB itself would and keeps what a writer or compactor
// may still be writing. Files of other databases are never planned: no
// manifest of theirs was given.

type slateDB struct {
	shown       string
	db          *slatedb.Database
	compactions *slatedb.Compactions // the newest compactions file given, nil when none
	newest      uint64               // the newest given manifest
	gc          *slatedb.GCPlan
	err         error
	verdict     map[string]slatedb.GCDecision // by listing key
	others      map[string]bool               // roots of databases none of whose manifests was given
	objects     []slatedb.Object              // its listed objects, until the GC model judged them
	keys        []string                      // their keys
}

// slateDBs gathers the databases of the given SlateDB manifests and
// compactions files, keyed by their root, from what the decoder returned
// (no round trip through the neutral model).
func (p *planner) slateDBs() map[string]*slateDB {
	dbs := map[string]*slateDB{}
	manifests := map[string][]*slatedb.Manifest{}
	for _, s := range p.snaps {
		if !isSlateDB(s.Format) || s.Model == nil || !paths.IsAbsolute(s.Dir) || s.Partial {
			continue
		}
		k := paths.Key(s.Dir)
		db := dbs[k]
		if db == nil {
			db = &slateDB{shown: s.Dir}
			dbs[k] = db
		}
		if cs, ok := slatedb.CompactionsOf(s.Model); ok {
			if db.compactions == nil || cs.ID > db.compactions.ID {
				db.compactions = cs
			}
			continue
		}
		m, ok := slatedb.ManifestOf(s.Model)
		if !ok {
			db.err = fmt.Errorf("%s: the decoded manifest is not at hand (a report read back from JSON cannot be planned)", s.Label)
			continue
		}
		manifests[k] = append(manifests[k], m)
		db.newest = max(db.newest, m.ID)
	}
	for k, db := range dbs {
		db.db = slatedb.NewDatabase(k, manifests[k]...)
		if db.err == nil && db.db.Latest() == nil {
			db.err = fmt.Errorf("a compactions file was given without any manifest of its database")
		}
	}
	return dbs
}

// isSlateDB tells SlateDB's files: manifests and compactions files.
func isSlateDB(f model.Format) bool {
	return f == model.FormatSlateDB || f == model.FormatSlateDBCompactions
}

// placeSlateDB places a manifest: it must be listed in its database's
// manifest/ folder.
func (p *planner) placeSlateDB(si int, s Snapshot) {
	if s.Dir == "" || !paths.IsAbsolute(s.Dir) {
		p.refuse(RefuseUnplaced, s.Label+": a SlateDB manifest does not name its database's location. Give the database's root (--base, or the page's base location), or read the manifest from its database folder.")
		return
	}
	manifest := slateManifestPath(s)
	if _, listed := p.listedAt(paths.Key(manifest)); !listed {
		p.refuse(RefuseMetadataNotListed, fmt.Sprintf("%s: %s is not in the listing, whose paths are under %s. List the database's storage, or give its real root with --base.", s.Label, manifest, orNone(p.out.Listing.Root)))
		return
	}
	p.reference(si, manifest, -1)
	for _, f := range s.Files {
		if !f.Relative {
			p.reference(si, f.Path, f.Bytes)
		}
	}
	p.ownDirs[paths.Key(s.Dir)+"/manifest"] = paths.Join(s.Dir, "manifest")
}

// slateManifestPath is where a manifest or compactions file given is
// listed: in its database's manifest/ or compactions/ folder.
func slateManifestPath(s Snapshot) string {
	name := path.Base(strings.ReplaceAll(s.Source, "\\", "/"))
	folder := "manifest/"
	if s.Format == model.FormatSlateDBCompactions {
		folder = "compactions/"
		if _, ok := slatedb.ParseCompactionsName(name); !ok {
			name = path.Base(slatedb.CompactionsPath(uint64(max(s.CheckpointID, 0))))
		}
	} else if _, ok := slatedb.ParseManifestName(name); !ok {
		name = fmt.Sprintf("%020d.manifest", s.CheckpointID)
	}
	return paths.Join(s.Dir, folder+name)
}

// withoutSupersededPins drops from older SlateDB manifests the manifests
// they name only through their list of checkpoints: the newest given
// manifest of the database supersedes that list, and SlateDB's GC follows
// the newest. From the newest it drops the manifests only checkpoints
// expired at now pin: SlateDB's GC drops those checkpoints first. What a
// snapshot needs is decided here, once, for the planner and the last check
// alike.
func withoutSupersededPins(snaps []Snapshot, now time.Time) []Snapshot {
	newest := map[string]int64{}
	for _, s := range snaps {
		if s.Format == model.FormatSlateDB && s.Dir != "" {
			k := paths.Key(s.Dir)
			newest[k] = max(newest[k], s.CheckpointID)
		}
	}
	out := make([]Snapshot, len(snaps))
	for i, s := range snaps {
		out[i] = s
		if s.Format != model.FormatSlateDB || s.Dir == "" {
			continue
		}
		drop := func(id uint64) bool { return int64(id) != s.CheckpointID }
		if s.CheckpointID == newest[paths.Key(s.Dir)] {
			expired := expiredOnly(s.Model, now)
			drop = func(id uint64) bool { return expired[id] }
		}
		out[i].Files = nil
		for _, f := range s.Files {
			id, ok := slatedb.ParseManifestName(path.Base(f.Path))
			if f.Kind == model.KindManifest && ok && drop(id) {
				continue
			}
			out[i].Files = append(out[i].Files, f)
		}
	}
	return out
}

// expiredOnly are the manifests that only checkpoints of a manifest's
// snapshot expired at now pin.
func expiredOnly(s *model.Snapshot, now time.Time) map[uint64]bool {
	out := map[uint64]bool{}
	if s == nil || s.SlateDB == nil {
		return out
	}
	live := map[uint64]bool{s.SlateDB.ManifestID: true}
	for _, id := range slatedb.CheckpointManifests(s, now) {
		live[id] = true
	}
	for _, c := range s.SlateDB.Checkpoints {
		if !live[c.ManifestID] {
			out[c.ManifestID] = true
		}
	}
	return out
}

// noteSlateDB keeps, in the second pass, the listed objects of each given
// database and the roots of the other databases in the listing (folders
// holding manifest/<id>.manifest).
func (p *planner) noteSlateDB(k string, e Entry) {
	if len(p.slate) == 0 || e.Dir {
		return
	}
	for rk, db := range p.slate {
		if paths.Under(k, rk) && k != rk {
			db.objects = append(db.objects, slatedb.Object{Path: strings.TrimPrefix(k, rk+"/"), Bytes: e.Bytes, Modified: e.Modified})
			db.keys = append(db.keys, k)
		}
	}
	if path.Base(paths.KeyDir(k)) != "manifest" {
		return
	}
	if _, ok := slatedb.ParseManifestName(k); ok {
		if root := paths.KeyDir(paths.KeyDir(k)); p.slate[root] == nil {
			p.otherDBs[root] = true
		}
	}
}

// planSlateDB runs SlateDB's GC model over the listed objects of each given
// database.
func (p *planner) planSlateDB() {
	for _, db := range p.slate {
		db.verdict = map[string]slatedb.GCDecision{}
		db.others = p.otherDBs
		if db.err != nil {
			continue
		}
		db.dropFolders(p.proven.dirOf)
		db.gc, db.err = db.db.PlanGC(db.objects, slatedb.GCOptions{Now: p.opts.Now, MinAge: slatedb.DefaultMinAge,
			Compactions: db.compactions, Stopped: p.opts.Stopped})
		if db.err != nil {
			continue
		}
		for i, d := range db.gc.Decisions {
			db.verdict[db.keys[i]] = d
		}
		db.objects, db.keys = nil, nil
	}
}

// dropFolders leaves out the objects the second read proved to be folders
// (find prints a folder before its contents like a file).
func (db *slateDB) dropFolders(dirOf map[string]bool) {
	objects, keys := db.objects[:0], db.keys[:0]
	for i, k := range db.keys {
		if !dirOf[k] {
			objects, keys = append(objects, db.objects[i]), append(keys, k)
		}
	}
	db.objects, db.keys = objects, keys
}

// judgeSlateDB decides a file of a SlateDB database; ok is false for files
// outside every database.
func (p *planner) judgeSlateDB(k string, e Entry) (verdict, bool) {
	for rk, db := range p.slate {
		for other := range db.others {
			if paths.Under(k, other) {
				return keep("another SlateDB database, none of whose manifests was given"), true
			}
		}
		if !paths.Under(k, rk) {
			continue
		}
		if db.err != nil {
			return keep("SlateDB's garbage collection cannot be modelled: " + db.err.Error()), true
		}
		d, ok := db.verdict[k]
		switch {
		case !ok:
			return keep("not judged by SlateDB's garbage collection"), true
		case d.Delete:
			return remove(d.Reason), true
		}
		return keep(d.Reason), true
	}
	return verdict{}, false
}

func (p *planner) slateDBUnknowns() []string {
	var out []string
	for _, rk := range sortedKeys(p.slate) {
		db := p.slate[rk]
		if db.err != nil {
			out = append(out, fmt.Sprintf("SlateDB database %s: %v; its unreferenced objects are kept.", db.shown, db.err))
		}
		if db.gc != nil {
			for _, n := range db.gc.Notes {
				out = append(out, fmt.Sprintf("SlateDB database %s: %s.", db.shown, strings.TrimSuffix(n, ".")))
			}
		}
	}
	return out
}
