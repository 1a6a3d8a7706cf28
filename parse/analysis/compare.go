package analysis

import (
	"fmt"

	"github.com/ckptlens/ckptlens/parse/jobs"
	"github.com/ckptlens/ckptlens/parse/report"
)

// fileKey identifies a file across snapshots; relative files whose folder is
// unknown match nothing else.
func fileKey(snapshot int, ref report.FileRef) string {
	if ref.Key != "" {
		return ref.Key
	}
	return fmt.Sprintf("\x00%d\x00%s", snapshot, ref.Path)
}

func compare(snaps []*report.SnapshotReport, g *jobs.Grouping) *report.Comparison {
	c := &report.Comparison{Order: g.Order, Snapshots: make([]report.ComparedSnapshot, len(snaps)), Files: []report.ComparedFile{}}
	index := map[string]int{}
	per := make([]map[string]bool, len(snaps))
	for _, si := range c.Order {
		s := snaps[si]
		per[si] = map[string]bool{}
		for fi, f := range s.Files {
			ref := s.FileRefs[fi]
			k := fileKey(si, ref)
			if per[si][k] {
				continue
			}
			per[si][k] = true
			ci, ok := index[k]
			if !ok {
				ci = len(c.Files)
				index[k] = ci
				c.Files = append(c.Files, report.ComparedFile{Path: ref.Path, Bytes: f.Bytes, Kind: f.Kind, Role: ref.Role, FirstIn: si})
			}
			c.Files[ci].Snapshots = append(c.Files[ci].Snapshots, si)
		}
	}
	countFiles(c, snaps, g)
	for _, si := range c.Order {
		c.Snapshots[si] = compared(c, snaps[si], si, g, per, index)
	}
	return c
}

// countFiles totals the distinct and shared files and marks those an
// older checkpoint that was not given may have uploaded.
func countFiles(c *report.Comparison, snaps []*report.SnapshotReport, g *jobs.Grouping) {
	for i := range c.Files {
		f := &c.Files[i]
		countFile(*f, &c.UnionFiles, &c.UnionBytes, &c.SharedFiles, &c.SharedBytes)
		// A full checkpoint (and any snapshot whose checkpointed size
		// equals its full size) uploaded everything it references;
		// otherwise the oldest of a chain may lean on older, not given,
		// checkpoints.
		first := snaps[f.FirstIn]
		full := first.Sizes.Checkpointed >= 0 && first.Sizes.Checkpointed == first.Sizes.Full
		switch {
		case f.Role == report.RoleOtherCheckpoint:
			f.UploadedElsewhere = true
		case g.Previous[f.FirstIn] < 0 && !full && (f.Role == report.RoleShared || f.Role == report.RoleFileMerging):
			f.UploadedBefore = true
		}
	}
}

// compared is what snapshot si adds to its chain and drops from the
// snapshot before it; per holds each snapshot's file keys.
func compared(c *report.Comparison, s *report.SnapshotReport, si int, g *jobs.Grouping, per []map[string]bool, index map[string]int) report.ComparedSnapshot {
	prev := g.Previous[si]
	cs := report.ComparedSnapshot{Label: g.Labels[si], Job: g.JobOf[si], Folders: report.Folders(s), Previous: prev}
	for k := range per[si] {
		f := c.Files[index[k]]
		countFile(f, &cs.Files, &cs.Bytes, &cs.SharedFiles, &cs.SharedBytes)
		if newInChain(f.Snapshots, si, g) {
			cs.NewFiles++
			cs.NewBytes += max(f.Bytes, 0)
		}
	}
	if prev >= 0 {
		for k := range per[prev] {
			if !per[si][k] {
				cs.DroppedFiles++
				cs.DroppedBytes += max(c.Files[index[k]].Bytes, 0)
			}
		}
	}
	return cs
}

// countFile adds a file to a count of files and bytes, and of those several
// snapshots share.
func countFile(f report.ComparedFile, files *int, bytes *int64, shared *int, sharedBytes *int64) {
	size := max(f.Bytes, 0)
	*files++
	*bytes += size
	if len(f.Snapshots) > 1 {
		*shared++
		*sharedBytes += size
	}
}

// newInChain reports whether none of the snapshots referencing a file
// before si (refs is in Order) comes before si in its chain.
func newInChain(refs []int, si int, g *jobs.Grouping) bool {
	for _, x := range refs {
		if x == si {
			return true
		}
		if g.Before(x, si) {
			return false
		}
	}
	return true
}
