package parse

import (
	"fmt"

	"github.com/ckptlens/ckptlens/parse/jobs"
	"github.com/ckptlens/ckptlens/parse/model"
)

// Comparison relates several snapshots within their jobs' chains
// (parse/jobs): a snapshot is compared with the ones before it in its own
// job and in the jobs that job was restored from, never with another job's.
type Comparison struct {
	// Order lists snapshot indices (into Report.Snapshots) job by job, a
	// parent job before the jobs restored from it, each oldest first.
	Order []int `json:"order"`
	// Snapshots is parallel to Report.Snapshots.
	Snapshots []ComparedSnapshot `json:"snapshots"`
	// Files is every file any of them references, once, in the order they
	// first appear along Order.
	Files []ComparedFile `json:"files"`
	// SharedFiles and SharedBytes count the files two or more reference.
	SharedFiles int   `json:"sharedFiles"`
	SharedBytes int64 `json:"sharedBytes"`
	// UnionFiles and UnionBytes count every distinct file.
	UnionFiles int   `json:"unionFiles"`
	UnionBytes int64 `json:"unionBytes"`
}

// ComparedSnapshot is what one snapshot adds to the ones before it.
type ComparedSnapshot struct {
	Label string `json:"label"` // "7f3a01b2/chk-42", "savepoint-1a2b3c-…", "manifest 7"
	// Job is its job's index in Report.Jobs.Jobs, -1 when not known.
	Job int `json:"job"`
	// Folders are every folder it depends on, its own first (inline state
	// excepted).
	Folders []string `json:"folders"`
	Files   int      `json:"files"`
	Bytes   int64    `json:"bytes"`
	// SharedFiles/SharedBytes: also referenced by another given snapshot.
	SharedFiles int   `json:"sharedFiles"`
	SharedBytes int64 `json:"sharedBytes"`
	// NewFiles/NewBytes: referenced by no snapshot before it in its chain.
	NewFiles int   `json:"newFiles"`
	NewBytes int64 `json:"newBytes"`
	// DroppedFiles/DroppedBytes: referenced by the snapshot just before it
	// in its chain (Previous), and no longer by this one.
	DroppedFiles int   `json:"droppedFiles"`
	DroppedBytes int64 `json:"droppedBytes"`
	// Previous is the snapshot just before it in its chain, -1 for the
	// oldest (jobs.Grouping.Previous).
	Previous int `json:"previous"`
}

// ComparedFile is one file and the snapshots that reference it.
type ComparedFile struct {
	Path  string         `json:"path"` // resolved, as written
	Bytes int64          `json:"bytes"`
	Kind  model.FileKind `json:"kind"`
	Role  Role           `json:"role"` // in the snapshot that first references it
	// Snapshots are the indices of the snapshots that reference it, in Order.
	Snapshots []int `json:"snapshots"`
	// FirstIn is the first snapshot in Order that references it. For
	// shared (incremental) files this is the checkpoint that uploaded it,
	// unless FirstIn is the oldest given checkpoint of its chain and not a
	// full one: then an older checkpoint that was not given may have (see
	// UploadedBefore).
	FirstIn int `json:"firstIn"`
	// UploadedBefore is set when the file may have been uploaded by a
	// checkpoint older than every given one.
	UploadedBefore bool `json:"uploadedBefore,omitempty"`
	// UploadedElsewhere is set when FirstIn found it in another
	// checkpoint's folder (a restored job's, say): an older checkpoint that
	// was not given uploaded it, not FirstIn.
	UploadedElsewhere bool `json:"uploadedElsewhere,omitempty"`
}

// fileKey identifies a file across snapshots; relative files whose folder is
// unknown match nothing else.
func fileKey(snapshot int, ref FileRef) string {
	if ref.key != "" {
		return ref.key
	}
	return fmt.Sprintf("\x00%d\x00%s", snapshot, ref.Path)
}

func compare(snaps []*SnapshotReport, g *jobs.Grouping) *Comparison {
	c := &Comparison{Order: g.Order, Snapshots: make([]ComparedSnapshot, len(snaps)), Files: []ComparedFile{}}
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
				c.Files = append(c.Files, ComparedFile{Path: ref.Path, Bytes: f.Bytes, Kind: f.Kind, Role: ref.Role, FirstIn: si})
			}
			c.Files[ci].Snapshots = append(c.Files[ci].Snapshots, si)
		}
	}
	c.countFiles(snaps, g)
	for _, si := range c.Order {
		c.Snapshots[si] = c.compared(snaps[si], si, g, per, index)
	}
	return c
}

// countFiles totals the distinct and shared files and marks those an
// older checkpoint that was not given may have uploaded.
func (c *Comparison) countFiles(snaps []*SnapshotReport, g *jobs.Grouping) {
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
		case f.Role == RoleOtherCheckpoint:
			f.UploadedElsewhere = true
		case g.Previous[f.FirstIn] < 0 && !full && (f.Role == RoleShared || f.Role == RoleFileMerging):
			f.UploadedBefore = true
		}
	}
}

// compared is what snapshot si adds to its chain and drops from the
// snapshot before it; per holds each snapshot's file keys.
func (c *Comparison) compared(s *SnapshotReport, si int, g *jobs.Grouping, per []map[string]bool, index map[string]int) ComparedSnapshot {
	prev := g.Previous[si]
	cs := ComparedSnapshot{Label: g.Labels[si], Job: g.JobOf[si], Folders: folders(s), Previous: prev}
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
func countFile(f ComparedFile, files *int, bytes *int64, shared *int, sharedBytes *int64) {
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

// label names a snapshot for people: its folder name when known.
func label(s *SnapshotReport) string {
	if s.Location.Kind == model.KindCheckpoint || s.Location.Kind == model.KindSavepoint {
		return baseName(s.Location.Dir)
	}
	switch {
	case s.Format == model.FormatSlateDB:
		return fmt.Sprintf("manifest %d", s.CheckpointID)
	case s.Format == model.FormatSlateDBCompactions:
		return fmt.Sprintf("compactions %d", s.CheckpointID)
	case s.SnapshotKind == model.KindSavepoint:
		return fmt.Sprintf("savepoint %d", s.CheckpointID)
	}
	return fmt.Sprintf("chk-%d", s.CheckpointID)
}

// folders lists the snapshot's own folder and every folder it depends on,
// in the dependencies' order ("most its own" first).
func folders(s *SnapshotReport) []string {
	out := []string{}
	if s.Location.Dir != "" {
		out = append(out, s.Location.Dir)
	}
	for _, d := range s.Dependencies {
		if d.Role != RoleInline && (len(out) == 0 || pathKey(d.Dir) != pathKey(out[0])) {
			out = append(out, d.Dir)
		}
	}
	return out
}
