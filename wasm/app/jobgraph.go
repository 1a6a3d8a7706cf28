package app

import (
	"fmt"
	"strings"
)

// The graph of jobs linked by restores: one box per job, a parent left of
// the jobs restored from it, and on each link the bytes the child still
// reads from the parent's folders.

// JobGraph is the laid-out graph.
type JobGraph struct {
	Nodes  []JobNode
	Edges  []JobEdge
	Width  float64
	Height float64
	Label  string
}

// JobNode is one job's box.
type JobNode struct {
	X, Y, W, H float64
	Name       string
	Detail     string
	Color      int
	Title      string
}

// JobEdge links a parent's box to a child's.
type JobEdge struct {
	Path   string // SVG path data
	LabelX float64
	LabelY float64
	Label  string
	Title  string
}

// Job graph geometry, in viewBox units; maxGraphJobs bounds the boxes.
const (
	graphColumn  = 390
	graphNodeW   = 190
	graphNodeH   = 46
	graphRow     = 70
	maxGraphJobs = 200
)

// layoutJobGraph lays out the jobs of rep; nil for fewer than two.
func layoutJobGraph(rep *Report) *JobGraph {
	if rep == nil || rep.Jobs == nil || len(rep.Jobs.Jobs) < 2 {
		return nil
	}
	jobs := rep.Jobs.Jobs[:min(len(rep.Jobs.Jobs), maxGraphJobs)]
	depth := make([]int, len(jobs))
	rows := map[int]int{}
	g := &JobGraph{}
	for j := range jobs {
		seen := map[int]bool{}
		for p := jobs[j].Parent; p >= 0 && p < len(jobs) && !seen[p]; p = jobs[p].Parent {
			seen[p] = true
			depth[j]++
		}
		x := float64(depth[j]*graphColumn) + 10
		y := float64(rows[depth[j]]*graphRow) + 10
		rows[depth[j]]++
		n := JobNode{X: x, Y: y, W: graphNodeW, H: graphNodeH, Name: jobs[j].Name, Color: j % 8,
			Detail: snapshotsWord(len(jobs[j].Snapshots))}
		n.Title = fmt.Sprintf("job %s, %s: %s", n.Name, n.Detail, jobs[j].Dir)
		g.Nodes = append(g.Nodes, n)
		g.Width = max(g.Width, x+graphNodeW+10)
		g.Height = max(g.Height, y+graphNodeH+10)
	}
	var links []string
	for j, job := range jobs {
		p := job.Parent
		if p < 0 || p >= len(jobs) {
			continue
		}
		a, b := g.Nodes[p], g.Nodes[j]
		x1, y1, x2, y2 := a.X+a.W, a.Y+a.H/2, b.X, b.Y+b.H/2
		mid := (x1 + x2) / 2
		now, then := job.FromParent(), job.Restored
		e := JobEdge{
			Path:   fmt.Sprintf("M%s %sC%s %s %s %s %s %s", Num(x1), Num(y1), Num(mid), Num(y1), Num(mid), Num(y2), Num(x2), Num(y2)),
			LabelX: mid, LabelY: (y1+y2)/2 - 4,
			Label: "reads " + Bytes(now.Bytes) + " (" + Bytes(then.Bytes) + " at first)",
			Title: fmt.Sprintf("%s was restored from %s: its newest snapshot still reads %s in %s of %s's folders (up to %s after the restore)",
				b.Name, a.Name, Bytes(now.Bytes), filesWord(now.Files), a.Name, Bytes(then.Bytes)),
		}
		g.Edges = append(g.Edges, e)
		links = append(links, e.Title)
	}
	if len(links) == 0 {
		links = append(links, "no job reads another's files, so none was restored from another given one in CLAIM or LEGACY mode")
	}
	g.Label = fmt.Sprintf("Graph of %d jobs linked by restores: %s.", len(jobs), strings.Join(links, "; "))
	return g
}

func snapshotsWord(n int) string {
	if n == 1 {
		return "1 snapshot"
	}
	return Count(n) + " snapshots"
}
