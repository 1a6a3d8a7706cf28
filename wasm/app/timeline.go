package app

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// The timeline of a job's chain: its checkpoints, after those of the jobs
// it was restored from, run left to right; each band is the files first
// referenced by one checkpoint and last by another, as thick as their
// bytes. A band reaching the newest checkpoint from far back is old state
// still carried; what each checkpoint adds and drops is written under it.

// chain is the snapshots of a job's chain, oldest first: the given
// snapshots of the jobs it was restored from, then its own.
type chain struct {
	Snaps []int // indices into Report.Snapshots
	Jobs  []int // each one's job, parallel to Snaps
}

// maxTimelineColumns bounds the checkpoints drawn (the newest are kept),
// and maxBands the bands, so the chart stays within its shapes.
const (
	maxTimelineColumns = 40
	maxBands           = 400
)

// jobChain is the chain of the job snapshot sel belongs to.
func jobChain(rep *Report, sel int) chain {
	g := rep.Jobs
	if g == nil || sel < 0 || sel >= len(g.JobOf) || g.JobOf[sel] < 0 {
		return chain{}
	}
	var jobs []int
	seen := map[int]bool{}
	for j := g.JobOf[sel]; j >= 0 && !seen[j]; j = g.Jobs[j].Parent {
		seen[j] = true
		jobs = append(jobs, j)
	}
	slices.Reverse(jobs)
	var c chain
	for _, j := range jobs {
		for _, s := range g.Jobs[j].Snapshots {
			c.Snaps = append(c.Snaps, s)
			c.Jobs = append(c.Jobs, j)
		}
	}
	if n := len(c.Snaps); n > maxTimelineColumns {
		c.Snaps, c.Jobs = c.Snaps[n-maxTimelineColumns:], c.Jobs[n-maxTimelineColumns:]
	}
	return c
}

// band is the files first referenced by column First and last by Last.
type band struct {
	First, Last int
	Files       int
	Bytes       int64
	// Before: the first checkpoint may have inherited them from an older
	// one that was not given.
	Before bool
}

// bands groups the chain's files by the columns that first and last
// reference them, oldest uploader first, longest-lived first.
func bands(rep *Report, c chain) []band {
	col := map[int]int{}
	for i, s := range c.Snaps {
		col[s] = i
	}
	index := map[[2]int]int{}
	var out []band
	for _, f := range rep.Comparison.Files {
		first, last := -1, -1
		for _, s := range f.Snapshots {
			if i, ok := col[s]; ok {
				if first < 0 || i < first {
					first = i
				}
				last = max(last, i)
			}
		}
		if first < 0 {
			continue
		}
		k := [2]int{first, last}
		b, ok := index[k]
		if !ok {
			b = len(out)
			index[k] = b
			out = append(out, band{First: first, Last: last})
		}
		out[b].Files++
		out[b].Bytes += max(f.Bytes, 0)
		out[b].Before = out[b].Before || (first == 0 && (f.UploadedBefore || f.UploadedElsewhere))
	}
	// sort, not slices: each instantiation of slices' sorts grows the wasm.
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		return a.First < b.First || a.First == b.First && a.Last > b.Last
	})
	return foldBands(out)
}

// foldBands keeps the maxBands largest bands and adds the bytes of the rest
// to the largest kept band of the same uploader (their ages differ, their
// uploader does not).
func foldBands(bs []band) []band {
	if len(bs) <= maxBands {
		return bs
	}
	bySize := slices.Clone(bs)
	sort.SliceStable(bySize, func(i, j int) bool { return bySize[i].Bytes > bySize[j].Bytes })
	cut := bySize[maxBands-1].Bytes
	var kept []band
	for _, b := range bs {
		if b.Bytes >= cut && len(kept) < maxBands {
			kept = append(kept, b)
			continue
		}
		for i := len(kept) - 1; i >= 0; i-- {
			if kept[i].First == b.First {
				kept[i].Files += b.Files
				kept[i].Bytes += b.Bytes
				break
			}
		}
	}
	return kept
}

// Timeline is the laid-out chart.
type Timeline struct {
	Columns []TimelineColumn
	Bands   []TimelineBand
	Width   float64
	Height  float64
	Label   string // the aria-label
	Age     []string
	// Restores are x positions where the chain moves to a restored job.
	Restores []float64
}

// TimelineColumn is one checkpoint of the chain.
type TimelineColumn struct {
	X, W           float64
	Label          string
	Added, Dropped string
	Color          int // its job's
}

// TimelineBand is one drawn band and its table row.
type TimelineBand struct {
	X, Y, W, H     float64
	Color          int
	First, Last    string
	Files          int
	Bytes          int64
	Held           int // checkpoints that reference it
	Title          string
	UploadedBefore bool
}

// timeline geometry, in viewBox units.
const (
	timelineWidth  = 1000
	timelineHeader = 34
	timelineBody   = 320
	timelineFooter = 40
	minBand        = 2
)

// layoutTimeline lays out the chain of snapshot sel; nil when its job has
// fewer than two snapshots given.
func layoutTimeline(rep *Report, sel int) *Timeline {
	if rep == nil || rep.Comparison == nil || len(rep.Comparison.Snapshots) != len(rep.Snapshots) {
		return nil
	}
	c := jobChain(rep, sel)
	if len(c.Snaps) < 2 {
		return nil
	}
	bs := bands(rep, c)
	var total int64
	for _, b := range bs {
		total += b.Bytes
	}
	colW := float64(timelineWidth) / float64(len(c.Snaps))
	tl := &Timeline{Width: timelineWidth}
	for i, s := range c.Snaps {
		cs := rep.Comparison.Snapshots[s]
		col := TimelineColumn{X: float64(i) * colW, W: colW, Label: columnLabel(snapshotLabel(rep, s), colW),
			Added: "+" + Bytes(cs.NewBytes), Color: c.Jobs[i] % 8}
		if cs.Previous >= 0 {
			col.Dropped = "−" + Bytes(cs.DroppedBytes)
		}
		tl.Columns = append(tl.Columns, col)
		if i > 0 && c.Jobs[i] != c.Jobs[i-1] {
			tl.Restores = append(tl.Restores, float64(i)*colW)
		}
	}
	y := float64(timelineHeader)
	for _, b := range bs {
		h := max(minBand, float64(timelineBody)*float64(b.Bytes)/float64(max(total, 1)))
		first, last := snapshotLabel(rep, c.Snaps[b.First]), snapshotLabel(rep, c.Snaps[b.Last])
		tb := TimelineBand{X: float64(b.First) * colW, Y: y, W: float64(b.Last-b.First+1) * colW, H: h, Color: c.Jobs[b.First] % 8,
			First: first, Last: last, Files: b.Files, Bytes: b.Bytes, Held: b.Last - b.First + 1, UploadedBefore: b.Before}
		tb.Title = bandTitle(tb)
		tl.Bands = append(tl.Bands, tb)
		y += h
	}
	tl.Height = y + timelineFooter
	tl.Age = stateAge(rep, c)
	tl.Label = fmt.Sprintf("Checkpoint timeline of %d checkpoints of job %s and the jobs it was restored from: %s", len(c.Snaps),
		rep.Jobs.Jobs[c.Jobs[len(c.Jobs)-1]].Name, strings.Join(tl.Age[:min(len(tl.Age), 4)], " "))
	return tl
}

// columnLabel fits a snapshot's label to its column: the job's part goes
// first when the column is narrow.
func columnLabel(label string, w float64) string {
	if l := fit(label, w); l == label {
		return l
	}
	if _, chk, ok := strings.Cut(label, "/"); ok {
		label = chk
	}
	return fit(label, w)
}

func bandTitle(b TimelineBand) string {
	from := "first referenced by " + b.First
	if b.UploadedBefore {
		from += " (or uploaded before it, by a checkpoint not given)"
	}
	return fmt.Sprintf("%s in %s, %s, last by %s: held by %d checkpoints", Bytes(b.Bytes), filesWord(b.Files), from, b.Last, b.Held)
}

// stateAge says how old the newest checkpoint's state is: the share of its
// file bytes each older checkpoint uploaded, oldest first.
func stateAge(rep *Report, c chain) []string {
	newest := c.Snaps[len(c.Snaps)-1]
	col := map[int]int{}
	for i, s := range c.Snaps {
		col[s] = i
	}
	by := make([]int64, len(c.Snaps))
	var total int64
	for _, f := range rep.Comparison.Files {
		if !slices.Contains(f.Snapshots, newest) {
			continue
		}
		first := len(c.Snaps) - 1
		for _, s := range f.Snapshots {
			if i, ok := col[s]; ok && i < first {
				first = i
			}
		}
		by[first] += max(f.Bytes, 0)
		total += max(f.Bytes, 0)
	}
	label := snapshotLabel(rep, newest)
	out := []string{fmt.Sprintf("%s references %s in files.", label, Bytes(total))}
	for i, b := range by {
		if b > 0 && i < len(by)-1 {
			out = append(out, fmt.Sprintf("%s of it (%s) was first referenced by %s, %d checkpoints before.",
				Share(b, total), Bytes(b), snapshotLabel(rep, c.Snaps[i]), len(by)-1-i))
		}
	}
	if len(out) == 1 {
		out = append(out, "None of it comes from an older checkpoint given.")
	}
	return out
}
