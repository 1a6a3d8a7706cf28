// Package retain finds, in a listing of a checkpoint root, the snapshots it
// holds (each job's completed checkpoints, savepoints, SlateDB databases)
// and picks the ones a cleanup keeps: the newest N completed checkpoints of
// each job and every savepoint. It reads names only; what the kept
// snapshots need is the planner's business.
package retain

import (
	"sort"
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

// Find reads the snapshots a listing holds. Entries must carry absolute
// paths (as a listing of storage made by ckptlens does).
func Find(entries []listing.Entry) Found {
	jobs := map[string]*Job{}
	dbs := map[string]*Database{}
	var f Found
	for _, e := range entries {
		if e.Dir {
			continue
		}
		p := strings.TrimSuffix(e.Path, "/")
		dir, name := parent(p), base(p)
		switch {
		case name == "_metadata":
			s := Snapshot{Metadata: p, Folder: dir, ID: -1, Modified: e.Modified}
			if id, ok := checkpointID(base(dir)); ok {
				s.ID = id
				job := parent(dir)
				if jobs[job] == nil {
					jobs[job] = &Job{Folder: job}
				}
				jobs[job].Completed = append(jobs[job].Completed, s)
			} else {
				f.Savepoints = append(f.Savepoints, s)
			}
		case base(dir) == "manifest" || base(dir) == "compactions":
			db := dbs[parent(dir)]
			if db == nil {
				db = &Database{Root: parent(dir)}
				dbs[db.Root] = db
			}
			if _, ok := slatedb.ParseManifestName(p); ok && base(dir) == "manifest" {
				db.Manifests = append(db.Manifests, p)
			} else if _, ok := slatedb.ParseCompactionsName(p); ok && base(dir) == "compactions" {
				db.Compactions = append(db.Compactions, p)
			}
		}
	}
	for _, j := range jobs {
		sort.Slice(j.Completed, func(a, b int) bool { return j.Completed[a].ID > j.Completed[b].ID })
		f.Jobs = append(f.Jobs, *j)
	}
	for _, d := range dbs {
		if len(d.Manifests) > 0 { // a compactions/ folder alone is no database
			f.Databases = append(f.Databases, *d)
		}
	}
	sort.Slice(f.Jobs, func(a, b int) bool { return f.Jobs[a].Folder < f.Jobs[b].Folder })
	sort.Slice(f.Savepoints, func(a, b int) bool { return f.Savepoints[a].Metadata < f.Savepoints[b].Metadata })
	sort.Slice(f.Databases, func(a, b int) bool { return f.Databases[a].Root < f.Databases[b].Root })
	return f
}

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
