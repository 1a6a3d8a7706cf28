package plan

import (
	"fmt"
	"path"
	"strings"

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
	shown   string
	db      *slatedb.Database
	newest  uint64 // the newest given manifest
	gc      *slatedb.GCPlan
	err     error
	verdict map[string]slatedb.GCDecision // by listing key
	others  map[string]bool               // roots of databases none of whose manifests was given
}

// slateDBs rebuilds the databases of the given SlateDB manifests, keyed by
// their root.
func (p *planner) slateDBs() map[string]*slateDB {
	dbs := map[string]*slateDB{}
	manifests := map[string][]*slatedb.Manifest{}
	for _, s := range p.snaps {
		if s.Format != model.FormatSlateDB || s.Model == nil || s.Model.SlateDB == nil || !paths.IsAbsolute(s.Dir) || s.Partial {
			continue
		}
		k := paths.Key(s.Dir)
		db := dbs[k]
		if db == nil {
			db = &slateDB{shown: s.Dir}
			dbs[k] = db
		}
		m, err := slatedb.FromSnapshot(s.Model)
		if err != nil {
			db.err = err
			continue
		}
		manifests[k] = append(manifests[k], m)
		db.newest = max(db.newest, m.ID)
	}
	for k, db := range dbs {
		db.db = slatedb.NewDatabase(k, manifests[k]...)
	}
	return dbs
}

// placeSlateDB places a manifest: it must be listed in its database's
// manifest/ folder.
func (p *planner) placeSlateDB(si int, s Snapshot) {
	if s.Dir == "" || !paths.IsAbsolute(s.Dir) {
		p.refuse(RefuseUnplaced, s.Label+": a SlateDB manifest does not name its database's location. Give the database's root (--base, or the page's base location), or read the manifest from its database folder.")
		return
	}
	name := path.Base(strings.ReplaceAll(s.Source, "\\", "/"))
	if _, ok := slatedb.ParseManifestName(name); !ok {
		name = fmt.Sprintf("%020d.manifest", s.CheckpointID)
	}
	manifest := paths.Join(s.Dir, "manifest/"+name)
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

// withoutSupersededPins drops from older SlateDB manifests the manifests
// they name only through their list of checkpoints: the newest given
// manifest of the database supersedes that list, and SlateDB's GC follows
// the newest. What a snapshot needs is decided here, once, for the planner
// and the last check alike.
func withoutSupersededPins(snaps []Snapshot) []Snapshot {
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
		if s.Format != model.FormatSlateDB || s.Dir == "" || s.CheckpointID == newest[paths.Key(s.Dir)] {
			continue
		}
		out[i].Files = nil
		for _, f := range s.Files {
			id, ok := slatedb.ParseManifestName(path.Base(f.Path))
			if f.Kind == model.KindManifest && ok && int64(id) != s.CheckpointID {
				continue
			}
			out[i].Files = append(out[i].Files, f)
		}
	}
	return out
}

// planSlateDB runs SlateDB's GC model over the listed objects of each given
// database, and finds the other databases in the listing.
func (p *planner) planSlateDB() {
	if len(p.slate) == 0 {
		return
	}
	objects := map[string][]slatedb.Object{}
	keys := map[string][]string{}
	for i, e := range p.listed.Entries {
		k := p.canon[i]
		if e.Dir || k == "" {
			continue
		}
		for rk := range p.slate {
			if paths.Under(k, rk) && k != rk {
				objects[rk] = append(objects[rk], slatedb.Object{Path: strings.TrimPrefix(k, rk+"/"), Bytes: e.Bytes, Modified: e.Modified})
				keys[rk] = append(keys[rk], k)
			}
		}
	}
	for rk, db := range p.slate {
		db.verdict = map[string]slatedb.GCDecision{}
		db.others = otherDatabases(p, rk)
		if db.err != nil {
			continue
		}
		db.gc, db.err = db.db.PlanGC(objects[rk], slatedb.GCOptions{Now: p.opts.Now})
		if db.err != nil {
			continue
		}
		for i, d := range db.gc.Decisions {
			db.verdict[keys[rk][i]] = d
		}
	}
}

// otherDatabases finds roots of SlateDB databases in the listing (folders
// holding manifest/<id>.manifest) that are not given.
func otherDatabases(p *planner, given string) map[string]bool {
	out := map[string]bool{}
	for i, e := range p.listed.Entries {
		k := p.canon[i]
		if e.Dir || k == "" || path.Base(path.Dir(k)) != "manifest" {
			continue
		}
		if _, ok := slatedb.ParseManifestName(k); ok {
			if root := path.Dir(path.Dir(k)); p.slate[root] == nil && root != given {
				out[root] = true
			}
		}
	}
	return out
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
