package parse

import (
	"fmt"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/ckptlens/ckptlens/parse/model"
	"github.com/ckptlens/ckptlens/parse/slatedb"
)

// SlateDB keeps one database per root (manifest/, wal/, compacted/,
// compactions/). What its manifests do not name is decided by the SlateDB
// package's model of SlateDB's own garbage collector (slatedb.PlanGC), so
// the plan deletes what SlateDB itself would and keeps what a writer or
// compactor may still be writing. Files of other databases found in the
// listing are never planned: no manifest of theirs was given.

type slateDBRoot struct {
	db      *slatedb.Database
	newest  uint64 // the newest given manifest
	objects []slatedb.Object
	keys    []string // listing key of each object
	plan    *slatedb.GCPlan
	err     error
	verdict map[string]slatedb.GCDecision // by listing key
}

// slateDBRoots rebuilds the databases of the given SlateDB snapshots,
// keyed by their root.
func slateDBRoots(snaps []*SnapshotReport) map[string]*slateDBRoot {
	roots := map[string]*slateDBRoot{}
	manifests := map[string][]*slatedb.Manifest{}
	for _, s := range snaps {
		if s.Format != model.FormatSlateDB || s.SlateDB == nil || !isAbsolutePath(s.Location.Dir) {
			continue
		}
		k := pathKey(s.Location.Dir)
		m, err := slatedb.FromSnapshot(s.Snapshot)
		r := roots[k]
		if r == nil {
			r = &slateDBRoot{}
			roots[k] = r
		}
		if err != nil {
			r.err = err
			continue
		}
		manifests[k] = append(manifests[k], m)
		r.newest = max(r.newest, m.ID)
	}
	for k, r := range roots {
		r.db = slatedb.NewDatabase(k, manifests[k]...)
	}
	return roots
}

// plan runs SlateDB's GC model over the listed objects of this root.
func (r *slateDBRoot) makePlan(rootKey string, lf *listedFiles, now time.Time) {
	for _, e := range lf.entries {
		if e.dir || e.key == "" || !underKey(e.key, rootKey) || e.key == rootKey {
			continue
		}
		r.objects = append(r.objects, slatedb.Object{Path: strings.TrimPrefix(e.key, rootKey+"/"), Bytes: e.bytes})
		r.keys = append(r.keys, e.key)
	}
	r.verdict = map[string]slatedb.GCDecision{}
	if r.err != nil {
		return
	}
	if now.IsZero() {
		now = time.Now()
	}
	r.plan, r.err = r.db.PlanGC(r.objects, slatedb.GCOptions{Now: now})
	if r.err != nil {
		return
	}
	for i, d := range r.plan.Decisions {
		if i < len(r.keys) {
			r.verdict[r.keys[i]] = d
		}
	}
}

// judge decides an unreferenced listed object of this database.
func (r *slateDBRoot) judge(key string) (deletable bool, reason string) {
	if r.err != nil {
		return false, "SlateDB's garbage collection cannot be modelled: " + r.err.Error()
	}
	d, ok := r.verdict[key]
	if !ok {
		return false, "not judged by SlateDB's garbage collection"
	}
	return d.Delete, d.Reason
}

func (r *slateDBRoot) unknowns(root string) []string {
	var out []string
	if r.err != nil {
		out = append(out, fmt.Sprintf("SlateDB database %s: %v; its unreferenced objects are kept as unsure.", root, r.err))
	}
	if r.plan != nil {
		for _, n := range r.plan.Notes {
			out = append(out, fmt.Sprintf("SlateDB database %s: %s.", root, strings.TrimSuffix(n, ".")))
		}
	}
	return out
}

// otherSlateDBRoot finds the root of a SlateDB database that a listed key
// belongs to (a folder holding manifest/<id>.manifest), when that database
// is not one of the given ones.
func otherSlateDBRoots(lf *listedFiles, given map[string]*slateDBRoot) map[string]bool {
	out := map[string]bool{}
	for _, e := range lf.entries {
		if e.dir || e.key == "" || path.Base(path.Dir(e.key)) != "manifest" {
			continue
		}
		if _, ok := slatedb.ParseManifestName(e.key); !ok {
			continue
		}
		root := path.Dir(path.Dir(e.key))
		if given[root] == nil {
			out[root] = true
		}
	}
	return out
}

// staleReference tells the files an older SlateDB manifest names only
// through its list of checkpoints, which the newest manifest supersedes.
func staleReference(s *SnapshotReport, f model.File, slate map[string]*slateDBRoot) bool {
	if s.Format != model.FormatSlateDB || f.Kind != model.KindManifest || !isAbsolutePath(s.Location.Dir) {
		return false
	}
	r := slate[pathKey(s.Location.Dir)]
	if r == nil || uint64(max(s.CheckpointID, 0)) == r.newest {
		return false
	}
	id, ok := manifestID(baseName(f.Path))
	return ok && id != uint64(max(s.CheckpointID, 0))
}

func manifestID(name string) (uint64, bool) {
	num, ext, ok := strings.Cut(name, ".")
	if !ok || ext != "manifest" {
		return 0, false
	}
	n, err := strconv.ParseUint(num, 10, 64)
	return n, err == nil
}
