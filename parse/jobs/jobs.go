// Package jobs groups snapshots by the job that wrote them and links jobs
// through restores, so that several snapshots are compared within a job's
// chain rather than across unrelated jobs.
//
// A Flink job writes its checkpoints under <checkpoint root>/<job id>/chk-N
// and its savepoints as savepoint-<first 6 of job id>-<random>. A job
// restored in CLAIM or LEGACY mode keeps referencing files in the folders
// of the job it was restored from: that job is its parent.
package jobs

import (
	"cmp"
	"fmt"
	"sort"
	"strings"
)

// Snapshot is what grouping needs to know of one snapshot.
type Snapshot struct {
	// JobKey identifies its job folder (a matching key, spellings
	// forgotten); "" when unknown. JobDir is that folder as written.
	JobKey, JobDir string
	// SavepointJob is the job-id prefix of a savepoint folder's name
	// ("63f4c8" of savepoint-63f4c8-a322cc20469d); used when JobKey is "".
	SavepointJob string
	// Name is its own folder's name ("chk-4", "savepoint-…"), or a name
	// for people when it has no folder ("manifest 7").
	Name string
	// ID orders snapshots of one job (the checkpoint id, a counter that a
	// restored job continues).
	ID int64
	// Reads are the other jobs' folders it references files in.
	Reads []Read
}

// Read is how much a snapshot (or a job's newest snapshot) references in
// another job's folders.
type Read struct {
	// JobKey/JobDir/SavepointJob name the other job as in Snapshot.
	JobKey       string `json:"-"`
	JobDir       string `json:"jobDir"`
	SavepointJob string `json:"-"`
	Files        int    `json:"files"`
	Bytes        int64  `json:"bytes"`
	// Job is the index of that job in Grouping.Jobs, -1 when none of the
	// given snapshots belongs to it.
	Job int `json:"job"`
}

// Job is one job's snapshots.
type Job struct {
	// Dir is the job's checkpoint folder as written ("" when unknown);
	// Name is its short name: the first 8 characters of the job id.
	Dir  string `json:"dir"`
	Name string `json:"name"`
	// Snapshots are indices of the given snapshots, oldest first.
	Snapshots []int `json:"snapshots"`
	// Parent is the job it was restored from, among Jobs; -1 when it was
	// not restored from a given job (ParentDir then names a parent that was
	// not given, if its newest snapshot reads from one).
	Parent    int    `json:"parent"`
	ParentDir string `json:"parentDir,omitempty"`
	// Restored is the most any of its snapshots read from the parent
	// (its first checkpoints after the restore, usually).
	Restored Read `json:"restored"`
	// Reads are what its newest snapshot still references in other jobs'
	// folders (see FromParent).
	Reads []Read `json:"reads,omitempty"`
}

// Grouping is the given snapshots by job.
type Grouping struct {
	Jobs []Job `json:"jobs"`
	// JobOf, Labels and Previous are parallel to the given snapshots.
	// A label is "<job name>/chk-N", a savepoint's folder name, or the
	// snapshot's name when its job is unknown; labels are distinct.
	JobOf  []int    `json:"jobOf"`
	Labels []string `json:"labels"`
	// Previous is the snapshot before it in its job's chain: the one before
	// it in its job or, for a job's oldest, the parent's snapshot it was
	// restored from (the newest older one given); -1 when none.
	Previous []int `json:"previous"`
	// Order lists every snapshot: job by job, a parent before the jobs
	// restored from it, each job oldest first.
	Order []int `json:"order"`
	// place is each snapshot's index in its job's Snapshots, for Before.
	place []int
}

// nameLength is how much of a job id a label keeps: enough to tell jobs
// apart (Flink's job ids are 32 random hex digits).
const nameLength = 8

// Group groups snaps by job, links the jobs through the folders they read,
// and orders and labels the snapshots.
func Group(snaps []Snapshot) *Grouping {
	g := &Grouping{JobOf: make([]int, len(snaps)), Labels: make([]string, len(snaps)), Previous: make([]int, len(snaps))}
	index := map[string]int{}
	for i, s := range snaps {
		j := g.jobFor(index, s.JobKey, s.JobDir, s.SavepointJob, true)
		g.JobOf[i] = j
		if j >= 0 {
			g.Jobs[j].Snapshots = append(g.Jobs[j].Snapshots, i)
		}
	}
	for j := range g.Jobs {
		sortStable(g.Jobs[j].Snapshots, func(a, b int) int { return cmp.Compare(snaps[a].ID, snaps[b].ID) })
	}
	g.linkParents(snaps, index)
	g.order(snaps)
	g.label(snaps)
	return g
}

// jobKey is a job's key in the index: its folder, or for a savepoint whose
// job folder is unknown, the job-id prefix its name carries.
func jobKey(key, savepointJob string) string {
	if key != "" {
		return "dir:" + key
	}
	if savepointJob != "" {
		return "savepoint:" + savepointJob
	}
	return ""
}

// jobFor finds the job of a folder key or savepoint prefix, adding it when
// add is set. A savepoint joins a given job whose id starts with its
// prefix. It is -1 for a snapshot of no known job.
func (g *Grouping) jobFor(index map[string]int, key, dir, savepointJob string, add bool) int {
	k := jobKey(key, savepointJob)
	if k == "" {
		return -1
	}
	if j, ok := index[k]; ok {
		return j
	}
	if key == "" {
		for j, job := range g.Jobs {
			if strings.HasPrefix(baseName(job.Dir), savepointJob) {
				return j
			}
		}
	}
	if !add {
		return -1
	}
	name := savepointJob
	if key != "" {
		name = baseName(dir)
		if len(name) > nameLength {
			name = name[:nameLength]
		}
	}
	index[k] = len(g.Jobs)
	g.Jobs = append(g.Jobs, Job{Dir: dir, Name: name, Parent: -1})
	return len(g.Jobs) - 1
}

// linkParents gives each job the folders its newest snapshot still reads
// from other jobs, and its parent: of the jobs any of its snapshots reads
// from (a restored job's first checkpoints do; later ones may not), a given
// one first, then the one that itself reads from the most others (a job
// restored twice reads from its parent and, through it, the grandparent).
func (g *Grouping) linkParents(snaps []Snapshot, index map[string]int) {
	candidates := make([][]Read, len(g.Jobs))
	for j := range g.Jobs {
		job := &g.Jobs[j]
		for k, s := range job.Snapshots {
			newest := k == len(job.Snapshots)-1
			for _, r := range snaps[s].Reads {
				r.Job = g.jobFor(index, r.JobKey, r.JobDir, r.SavepointJob, false)
				if r.Job == j {
					continue
				}
				candidates[j] = addRead(candidates[j], r)
				if newest {
					job.Reads = append(job.Reads, r)
				}
			}
		}
	}
	for j := range g.Jobs {
		best := -1
		for i, r := range candidates[j] {
			if best < 0 || betterParent(candidates, r, candidates[j][best]) {
				best = i
			}
		}
		if best >= 0 {
			p := candidates[j][best]
			g.Jobs[j].Parent, g.Jobs[j].ParentDir, g.Jobs[j].Restored = p.Job, p.JobDir, p
		}
	}
	g.breakCycles()
}

// addRead keeps, for each job read from, the largest read of any snapshot.
func addRead(reads []Read, r Read) []Read {
	for i, o := range reads {
		if o.JobKey == r.JobKey && o.SavepointJob == r.SavepointJob {
			if r.Bytes > o.Bytes {
				reads[i] = r
			}
			return reads
		}
	}
	return append(reads, r)
}

// FromParent is what the job's newest snapshot still reads from its
// parent's folders (zero when nothing).
func (j Job) FromParent() Read {
	for _, r := range j.Reads {
		if (j.Parent >= 0 && r.Job == j.Parent) || (j.Parent < 0 && r.JobDir == j.ParentDir) {
			return r
		}
	}
	return Read{Job: j.Parent, JobDir: j.ParentDir}
}

// betterParent prefers a given job to one not given, then the job that
// reads from more others, then the one read more bytes from.
func betterParent(candidates [][]Read, a, b Read) bool {
	if (a.Job >= 0) != (b.Job >= 0) {
		return a.Job >= 0
	}
	if a.Job >= 0 {
		na, nb := len(candidates[a.Job]), len(candidates[b.Job])
		if na != nb {
			return na > nb
		}
	}
	return a.Bytes > b.Bytes
}

// breakCycles unlinks a job whose parents lead back to it: files cannot
// flow both ways between jobs, so such input is inconsistent, and ordering
// must still end.
func (g *Grouping) breakCycles() {
	for j := range g.Jobs {
		seen := map[int]bool{j: true}
		for p := g.Jobs[j].Parent; p >= 0; p = g.Jobs[p].Parent {
			if seen[p] {
				g.Jobs[j].Parent = -1
				break
			}
			seen[p] = true
		}
	}
}

// order lists jobs parent first, roots by their oldest snapshot, and sets
// each snapshot's predecessor in its chain.
func (g *Grouping) order(snaps []Snapshot) {
	children := make([][]int, len(g.Jobs))
	var roots []int
	for j, job := range g.Jobs {
		if job.Parent >= 0 {
			children[job.Parent] = append(children[job.Parent], j)
		} else {
			roots = append(roots, j)
		}
	}
	// Oldest first; equal ids by name, so that the order does not depend
	// on the order the snapshots were given in.
	oldest := func(a, b int) int {
		ja, jb := g.Jobs[a], g.Jobs[b]
		return cmp.Or(cmp.Compare(snaps[ja.Snapshots[0]].ID, snaps[jb.Snapshots[0]].ID), cmp.Compare(ja.Name, jb.Name), cmp.Compare(ja.Dir, jb.Dir))
	}
	sortStable(roots, oldest)
	var visit func(j int)
	visit = func(j int) {
		job := g.Jobs[j]
		for k, s := range job.Snapshots {
			g.Order = append(g.Order, s)
			switch {
			case k > 0:
				g.Previous[s] = job.Snapshots[k-1]
			case job.Parent >= 0:
				g.Previous[s] = restoredFrom(snaps, g.Jobs[job.Parent].Snapshots, snaps[s].ID)
			default:
				g.Previous[s] = -1
			}
		}
		sortStable(children[j], oldest)
		for _, c := range children[j] {
			visit(c)
		}
	}
	for _, r := range roots {
		visit(r)
	}
	// Snapshots of no known job come last, by id, each a chain of its own.
	var loose []int
	for i, j := range g.JobOf {
		if j < 0 {
			loose = append(loose, i)
			g.Previous[i] = -1
		}
	}
	sortStable(loose, func(a, b int) int { return cmp.Compare(snaps[a].ID, snaps[b].ID) })
	g.Order = append(g.Order, loose...)
}

// restoredFrom is the parent's newest snapshot older than id (a restored
// job continues the checkpoint counter), else the parent's newest.
func restoredFrom(snaps []Snapshot, parent []int, id int64) int {
	for k := len(parent) - 1; k >= 0; k-- {
		if snaps[parent[k]].ID < id {
			return parent[k]
		}
	}
	return parent[len(parent)-1]
}

// label names each snapshot, then makes equal names distinct with the
// count of their occurrence (two copies of one checkpoint, say).
func (g *Grouping) label(snaps []Snapshot) {
	seen := map[string]int{}
	for _, i := range g.Order {
		s := snaps[i]
		l := s.Name
		if j := g.JobOf[i]; j >= 0 && s.SavepointJob == "" && g.Jobs[j].Name != "" {
			l = g.Jobs[j].Name + "/" + s.Name
		}
		seen[l]++
		if n := seen[l]; n > 1 {
			l = fmt.Sprintf("%s (%d)", l, n)
		}
		g.Labels[i] = l
	}
}

// Before reports whether snapshot a comes before snapshot b in b's chain:
// an older snapshot of b's job, or any snapshot of a job b's job was
// restored from, directly or not.
func (g *Grouping) Before(a, b int) bool {
	ja, jb := g.JobOf[a], g.JobOf[b]
	if ja < 0 || jb < 0 {
		return false
	}
	if ja == jb {
		if g.place == nil {
			g.place = make([]int, len(g.JobOf))
			for _, job := range g.Jobs {
				for k, s := range job.Snapshots {
					g.place[s] = k
				}
			}
		}
		return g.place[a] < g.place[b]
	}
	for p := g.Jobs[jb].Parent; p >= 0; p = g.Jobs[p].Parent {
		if p == ja {
			return true
		}
	}
	return false
}

func baseName(p string) string {
	p = strings.TrimRight(p, "/")
	return p[strings.LastIndexByte(p, '/')+1:]
}

// sortStable sorts indices by compare, keeping equal ones in order. It is
// sort.SliceStable, not slices.SortStableFunc: the page's wasm has the one
// already, and each instantiation of the other adds kilobytes.
func sortStable(idx []int, compare func(a, b int) int) {
	sort.SliceStable(idx, func(i, j int) bool { return compare(idx[i], idx[j]) < 0 })
}

// Valid reports whether g is a grouping of n snapshots whose indices all
// point where they should, as Group makes them: a report read from a link
// is hostile input.
func (g *Grouping) Valid(n int) bool {
	if g == nil || len(g.JobOf) != n || len(g.Labels) != n || len(g.Previous) != n || len(g.Order) != n {
		return false
	}
	seen := make([]bool, n)
	for _, i := range g.Order {
		if i < 0 || i >= n || seen[i] {
			return false
		}
		seen[i] = true
	}
	for i := range n {
		if g.JobOf[i] < -1 || g.JobOf[i] >= len(g.Jobs) || g.Previous[i] < -1 || g.Previous[i] >= n {
			return false
		}
	}
	for j, job := range g.Jobs {
		if len(job.Snapshots) == 0 || job.Parent < -1 || job.Parent >= len(g.Jobs) {
			return false
		}
		for _, s := range job.Snapshots {
			if s < 0 || s >= n || g.JobOf[s] != j {
				return false
			}
		}
		steps := 0
		for p := job.Parent; p >= 0; p = g.Jobs[p].Parent {
			if steps++; steps > len(g.Jobs) {
				return false // a cycle
			}
		}
	}
	return true
}
