package plan

import (
	"path"
	"strings"
	"time"

	"github.com/ckptlens/ckptlens/parse/paths"
)

// state is what the plan does with one listed file.
type state uint8

const (
	referenced state = iota + 1
	deletable
	kept
)

type verdict struct {
	state  state
	reason string
}

func keep(reason string) verdict   { return verdict{kept, reason} }
func remove(reason string) verdict { return verdict{deletable, reason} }

// placement is where a canonical key sits in Flink's layout, found once
// per entry and pass.
type placement struct {
	area flinkArea
	ok   bool
}

func (p *planner) place(k string) placement {
	a, ok := p.placeKey(k)
	return placement{a, ok}
}

// judgeFile decides one listed file, k its canonical key. Anything the
// planner cannot place in a layout it knows is kept.
func (p *planner) judgeFile(k string, e Entry, pl placement) verdict {
	if k == "" {
		return keep("relative listing entry that could not be placed: give the prefix the listing is relative to (--prefix), or the snapshot's location")
	}
	if ki := p.keys[k]; ki != nil && ki.referenced {
		return verdict{state: referenced}
	}
	if v, ok := p.judgeSlateDB(k, e); ok {
		return v
	}
	if pl.ok {
		return p.judgeInJob(k, e, pl.area)
	}
	if sp, ok := savepointFolder(k); ok {
		if _, given := p.ownDirs[sp]; given {
			return p.timely(nil, e, remove("in a given savepoint's folder, but its _metadata does not reference it"))
		}
		return keep("in savepoint folder " + path.Base(sp) + ", which was not given: savepoints are deleted by their owner, never by a plan")
	}
	if strings.Contains(k, "/dstl/") {
		return keep("a changelog file in a dstl/ folder that no given job's id names: the jobs writing to that changelog storage may still need it")
	}
	return keep("outside every Flink job folder, savepoint and SlateDB database of the given snapshots: not judged")
}

// judgeInJob decides a file in a job's chk-N, shared/, taskowned/, ForSt or
// changelog folder.
func (p *planner) judgeInJob(k string, e Entry, a flinkArea) verdict {
	j := p.jobs[a.job]
	if j == nil {
		return keep("its job folder (" + path.Base(a.job) + ") holds none of the given snapshots: give that job's newest checkpoint to plan it")
	}
	if strings.HasPrefix(a.area, "chk-") {
		d := paths.KeyDir(k)
		if _, given := p.ownDirs[d]; given {
			return p.timely(j, e, remove("in a given checkpoint's folder, but its _metadata does not reference it"))
		}
		if c := p.chks[d]; c != nil && c.kept {
			return keep(c.reason)
		} else if c != nil {
			return p.timely(j, e, remove(c.reason))
		}
		return keep("in an unlisted checkpoint folder")
	}
	switch {
	case len(j.inProgress) > 0:
		return keep("the job has a checkpoint in progress (" + paths.Base(j.inProgress[0]) + ") that may have written it")
	case len(j.newer) > 0:
		return keep("the job has a newer checkpoint that was not given (" + paths.Base(j.newer[0]) + ") that may reference it")
	case j.newestMeta.IsZero() && !p.opts.Stopped:
		return keep("the listing has no modification times, so what a running job wrote after its newest given checkpoint cannot be told apart: list with times, or state that the job is stopped (--stopped, or the page's box \"The jobs are stopped\")")
	}
	return p.timely(j, e, remove(areaReason(a)))
}

func areaReason(a flinkArea) string {
	switch a.area {
	case "forst":
		return "in ForSt's working folder " + a.sub + "/ (a stopped job's database), referenced by no given checkpoint"
	case "changelog":
		return "a changelog file of the job, referenced by no given checkpoint"
	}
	if a.sub != "" {
		return "in the job's " + a.area + "/" + a.sub + "/ folder (file merging), referenced by no given checkpoint"
	}
	return "in the job's " + a.area + "/ folder, referenced by no given checkpoint"
}

// timely keeps a file of a given job (j; nil outside one) written after
// the job's cutoff: a running job may have written it for a checkpoint no
// _metadata names yet.
func (p *planner) timely(j *job, e Entry, v verdict) verdict {
	if j == nil || j.newestMeta.IsZero() {
		return v
	}
	if e.Modified.IsZero() {
		return keep("the listing gives no time for it")
	}
	// The reason names the job's cutoff, not the file's own time: files
	// kept for one reason in one folder are one item, however many.
	if cut := j.cutoff(p.opts.Margin); e.Modified.After(cut) {
		return keep("written after the newest given checkpoint's _metadata (" +
			j.newestMeta.UTC().Format(time.RFC3339) + ") less the margin (" + p.opts.Margin.String() + "): a running job may still need it")
	}
	return v
}

// savepointFolder finds the savepoint-… folder a key lies in.
func savepointFolder(k string) (string, bool) {
	for d := paths.KeyDir(k); d != "/" && d != "."; d = paths.KeyDir(d) {
		if paths.IsSavepointDir(path.Base(d)) {
			return d, true
		}
	}
	return "", false
}
