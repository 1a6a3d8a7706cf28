// Package retain finds, in a listing of a checkpoint root, the snapshots it
// holds (each job's completed checkpoints, savepoints, SlateDB databases)
// and picks the ones a cleanup keeps: the newest N completed checkpoints of
// each job and every savepoint. It reads names only; what the kept
// snapshots need is the planner's business.
package retain

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ckptlens/ckptlens/parse/listing"
	"github.com/ckptlens/ckptlens/parse/slatedb"
)

// Snapshot is one snapshot found by its _metadata file.
type Snapshot struct {
	Metadata string    // path of its _metadata, as listed
	Folder   string    // its chk-N or savepoint folder
	ID       int64     // the N of chk-N; -1 for savepoints
	Modified time.Time // of the _metadata
}

// Job is a job folder: the parent of chk-N folders.
type Job struct {
	Folder string
	// Completed are its chk-N folders holding a _metadata, newest (highest
	// N) first. A chk-N without one is in progress or was abandoned.
	Completed []Snapshot
}

// Database is a SlateDB database: the parent of a manifest/ folder.
type Database struct {
	Root        string
	Manifests   []string // paths of its <id>.manifest files
	Compactions []string // paths of its compactions/<id>.compactions files
}

// Found is what a listing holds.
type Found struct {
	Jobs []Job
	// Savepoints are the _metadata files outside chk-N folders: savepoint-…
	// folders, and any other folder a snapshot was written to, which a
	// cleanup keeps as it keeps savepoints.
	Savepoints []Snapshot
	Databases  []Database
}

// Finder finds the snapshots of a listing read as a stream, in any order:
// it holds only the snapshots' own files, never the listing.
type Finder struct {
	jobs       map[string]*Job
	dbs        map[string]*Database
	savepoints []Snapshot
	sizes      map[string]int64 // of the files Found names
}

// Add reads one entry of the listing.
func (f *Finder) Add(e listing.Entry) {
	if e.Dir {
		return
	}
	if f.jobs == nil {
		f.jobs, f.dbs, f.sizes = map[string]*Job{}, map[string]*Database{}, map[string]int64{}
	}
	p := strings.TrimSuffix(e.Path, "/")
	dir, name := parent(p), base(p)
	switch {
	case name == "_metadata":
		f.sizes[p] = e.Bytes
		s := Snapshot{Metadata: p, Folder: dir, ID: -1, Modified: e.Modified}
		id, ok := checkpointID(base(dir))
		if !ok {
			f.savepoints = append(f.savepoints, s)
			return
		}
		s.ID = id
		job := parent(dir)
		if f.jobs[job] == nil {
			f.jobs[job] = &Job{Folder: job}
		}
		f.jobs[job].Completed = append(f.jobs[job].Completed, s)
	case base(dir) == "manifest" || base(dir) == "compactions":
		db := f.dbs[parent(dir)]
		if db == nil {
			db = &Database{Root: parent(dir)}
			f.dbs[db.Root] = db
		}
		if _, ok := slatedb.ParseManifestName(p); ok && base(dir) == "manifest" {
			db.Manifests, f.sizes[p] = append(db.Manifests, p), e.Bytes
		} else if _, ok := slatedb.ParseCompactionsName(p); ok && base(dir) == "compactions" {
			db.Compactions, f.sizes[p] = append(db.Compactions, p), e.Bytes
		}
	}
}

// Found is what the entries added hold, each list sorted, whatever the
// order they came in.
func (f *Finder) Found() Found {
	var out Found
	for _, j := range f.jobs {
		slices.SortFunc(j.Completed, func(a, b Snapshot) int {
			return cmp.Or(cmp.Compare(b.ID, a.ID), strings.Compare(a.Metadata, b.Metadata))
		})
		out.Jobs = append(out.Jobs, *j)
	}
	for _, d := range f.dbs {
		if len(d.Manifests) > 0 { // a compactions/ folder alone is no database
			slices.Sort(d.Manifests)
			slices.Sort(d.Compactions)
			out.Databases = append(out.Databases, *d)
		}
	}
	out.Savepoints = slices.Clone(f.savepoints)
	slices.SortFunc(out.Jobs, func(a, b Job) int { return strings.Compare(a.Folder, b.Folder) })
	slices.SortFunc(out.Savepoints, func(a, b Snapshot) int { return strings.Compare(a.Metadata, b.Metadata) })
	slices.SortFunc(out.Databases, func(a, b Database) int { return strings.Compare(a.Root, b.Root) })
	return out
}

// Size is the listed size of a file Found names (a _metadata, manifest or
// compactions file), so it is read without asking the storage; 0 for
// others.
func (f *Finder) Size(path string) int64 { return f.sizes[path] }

// checkpointID reads the N of a folder named chk-N.
func checkpointID(name string) (int64, bool) {
	digits, ok := strings.CutPrefix(name, "chk-")
	if !ok || digits == "" || strings.TrimLeft(digits, "0123456789") != "" {
		return 0, false
	}
	id, err := strconv.ParseInt(digits, 10, 64)
	return id, err == nil
}

// Kept are the _metadata paths a cleanup keeps: the newest latest completed
// checkpoints of each job and every savepoint, in that order.
func (f Found) Kept(latest int) []string {
	var kept []string
	for _, j := range f.Jobs {
		for _, s := range j.Completed[:min(latest, len(j.Completed))] {
			kept = append(kept, s.Metadata)
		}
	}
	for _, s := range f.Savepoints {
		kept = append(kept, s.Metadata)
	}
	return kept
}

// parent and base split a path or URL at its last slash (path.Dir would
// also fold the "//" of a URL).
func parent(p string) string { return p[:max(strings.LastIndexByte(p, '/'), 0)] }

func base(p string) string { return p[strings.LastIndexByte(p, '/')+1:] }
