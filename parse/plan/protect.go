package plan

import (
	"fmt"
	"path"
	"strings"

	"github.com/ckptlens/ckptlens/parse/paths"
)

// flinkArea is where a key sits in Flink's layout, as the planner reads it.
type flinkArea struct {
	job  string // job folder key
	area string // "chk-N", "shared", "taskowned", "forst" or "changelog"
	sub  string // the folder below shared/ or taskowned/, if any
}

// placeKey finds the Flink area of a canonical key: chk-N/<file>,
// shared/ and taskowned/ at any depth (file merging's job_…_op_… folders,
// ForSt's op_…__attempt_N/db/ working folders), and changelog files under
// dstl/<job id>/.
func (p *planner) placeKey(k string) (flinkArea, bool) {
	if pl, ok := paths.PlaceInFlinkLayout(k); ok && strings.HasPrefix(pl.Area, "chk-") {
		return flinkArea{job: pl.JobDir, area: pl.Area}, true
	}
	if job, folder, ok := paths.ForStWorkingFolder(k); ok {
		return flinkArea{job: job, area: "forst", sub: path.Base(folder)}, true
	}
	sub := ""
	for d := paths.KeyDir(k); strings.Count(d, "/") >= 2; d = paths.KeyDir(d) {
		switch name := path.Base(d); name {
		case paths.SharedDir, paths.TaskOwnedDir:
			return flinkArea{job: paths.KeyDir(d), area: name, sub: sub}, true
		case "dstl":
			if sub != "" {
				if jk, ok := p.jobNamed(sub); ok {
					return flinkArea{job: jk, area: "changelog", sub: sub}, true
				}
			}
		}
		sub = path.Base(d)
	}
	return flinkArea{}, false
}

// jobNamed finds the given job whose folder is named id (changelog files
// sit in dstl/<job id>/).
func (p *planner) jobNamed(id string) (string, bool) {
	for k := range p.jobs {
		if path.Base(k) == id {
			return k, true
		}
	}
	return "", false
}

// chkFolder is one listed chk-N folder of a given job.
type chkFolder struct {
	shown   string
	plain   bool // shown from an entry without an entropy segment
	given   bool
	hasMeta bool
	kept    bool
	reason  string
}

// noteChk records, in the second pass, the listed chk-N folders of the given
// checkpoints' jobs, and which hold a _metadata.
func (p *planner) noteChk(k string, e Entry, jobs map[string]bool) {
	var d string
	switch {
	case e.Dir && paths.IsChkDir(path.Base(k)):
		d = k
	case !e.Dir:
		if pl, ok := paths.PlaceInFlinkLayout(k); ok && strings.HasPrefix(pl.Area, "chk-") {
			d = paths.KeyDir(k)
		}
	}
	if d == "" || !jobs[paths.KeyDir(d)] {
		return
	}
	c := p.chks[d]
	if c == nil {
		c = &chkFolder{}
		p.chks[d] = c
	}
	// Shown as an entry without an entropy segment spells it, when one
	// does (the _metadata's): with entropy, Flink also leaves folders
	// under the key's own name and each data file's random one.
	if c.shown == "" || !c.plain && e.Key == k {
		c.shown, c.plain = paths.Parent(e.Path), e.Key == k
		if e.Dir {
			c.shown = e.Path
		}
	}
	if !e.Dir && path.Base(k) == paths.MetadataName {
		c.hasMeta = true
	}
}

// protect is the third phase: judge every listed chk-N folder of the given
// jobs against the checkpoints given, and note the jobs that have newer or
// in-progress checkpoints.
func (p *planner) protect() {
	for _, d := range sortedKeys(p.chks) {
		switch _, given := p.ownDirs[d]; {
		case p.jobs[paths.KeyDir(d)] == nil:
			delete(p.chks, d) // its snapshot could not be placed
		case given:
			p.chks[d].given = true
		default:
			p.judgeCheckpointFolder(d, p.chks[d])
		}
	}
	p.planSlateDB()
}

func (p *planner) judgeCheckpointFolder(d string, c *chkFolder) {
	j := p.jobs[paths.KeyDir(d)]
	name := path.Base(d)
	n := paths.CheckpointNumber(name)
	switch {
	case n > j.maxGiven && c.hasMeta:
		j.newer = append(j.newer, c.shown)
		c.kept, c.reason = true, "completed checkpoint "+name+" is newer than every given checkpoint of its job and was not given"
	case n > j.maxGiven:
		j.inProgress = append(j.inProgress, c.shown)
		c.kept, c.reason = true, name+" has no _metadata and is newer than every given checkpoint: a checkpoint in progress"
	case c.hasMeta:
		c.reason = fmt.Sprintf("completed checkpoint %s was not given and is older than chk-%d: deleting it deletes that checkpoint", name, j.maxGiven)
	default:
		c.reason = fmt.Sprintf("%s has no _metadata and is older than chk-%d: left over from a checkpoint that never completed", name, j.maxGiven)
	}
}

// protectedFolders are the folders that stay even when empty, as written:
// the listed root, every given snapshot's own folder, each given job's
// folder with its shared/ and taskowned/, and each given database.
func (p *planner) protectedFolders() []string {
	out := []string{}
	if p.root != "" && p.root != "." {
		out = append(out, p.out.Listing.Root)
	}
	for _, d := range p.ownDirs {
		out = append(out, d)
	}
	for _, j := range p.jobs {
		out = append(out, j.shown, paths.Join(j.shown, paths.SharedDir), paths.Join(j.shown, paths.TaskOwnedDir))
	}
	for _, db := range p.slate {
		out = append(out, db.shown)
	}
	return out
}
