package parse

import (
	"fmt"
	"sort"

	"github.com/ckptlens/ckptlens/parse/model"
)

// Comparison relates several snapshots, oldest first (by checkpoint id, a
// counter that a restored job continues, so restore chains order right).
type Comparison struct {
	// Order lists snapshot indices (into Report.Snapshots), oldest first.
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
	Label string `json:"label"` // "chk-42", "savepoint-1a2b3c-…", "manifest 7"
	// Folders are the chk-N, savepoint and other checkpoint folders it
	// depends on: its own first, then those of other checkpoints.
	Folders []string `json:"folders"`
	Files   int      `json:"files"`
	Bytes   int64    `json:"bytes"`
	// SharedFiles/SharedBytes: also referenced by another given snapshot.
	SharedFiles int   `json:"sharedFiles"`
	SharedBytes int64 `json:"sharedBytes"`
	// NewFiles/NewBytes: referenced by no snapshot before it in Order.
	NewFiles int   `json:"newFiles"`
	NewBytes int64 `json:"newBytes"`
	// DroppedFiles/DroppedBytes: referenced by the snapshot just before it
	// in Order, and no longer by this one.
	DroppedFiles int   `json:"droppedFiles"`
	DroppedBytes int64 `json:"droppedBytes"`
	// Previous is the snapshot just before it in Order, -1 for the oldest.
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
	// FirstIn is the oldest given snapshot that references it. For shared
	// (incremental) files this is the checkpoint that uploaded it, unless
	// FirstIn is the oldest given checkpoint of the chain and not a full
	// one: then an older checkpoint that was not given may have (see
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

func compare(snaps []*SnapshotReport) *Comparison {
	c := &Comparison{Order: make([]int, len(snaps)), Snapshots: make([]ComparedSnapshot, len(snaps)), Files: []ComparedFile{}}
	for i := range c.Order {
		c.Order[i] = i
	}
	sort.SliceStable(c.Order, func(a, b int) bool {
		return snaps[c.Order[a]].CheckpointID < snaps[c.Order[b]].CheckpointID
	})
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
	// A full checkpoint (and any snapshot whose checkpointed size equals its
	// full size) uploaded everything it references; otherwise the oldest
	// given one may lean on older, not given, checkpoints.
	oldest := c.Order[0]
	oldestIsFull := snaps[oldest].Sizes.Checkpointed >= 0 && snaps[oldest].Sizes.Checkpointed == snaps[oldest].Sizes.Full
	for i := range c.Files {
		f := &c.Files[i]
		size := max(f.Bytes, 0)
		c.UnionFiles++
		c.UnionBytes += size
		if len(f.Snapshots) > 1 {
			c.SharedFiles++
			c.SharedBytes += size
		}
		switch {
		case f.Role == RoleOtherCheckpoint:
			f.UploadedElsewhere = true
		case f.FirstIn == oldest && !oldestIsFull && (f.Role == RoleShared || f.Role == RoleFileMerging):
			f.UploadedBefore = true
		}
	}
	seen := map[string]bool{}
	prev := -1
	for _, si := range c.Order {
		s := snaps[si]
		cs := ComparedSnapshot{Label: label(s), Folders: folders(s), Previous: prev}
		for k := range per[si] {
			f := c.Files[index[k]]
			size := max(f.Bytes, 0)
			cs.Files++
			cs.Bytes += size
			if len(f.Snapshots) > 1 {
				cs.SharedFiles++
				cs.SharedBytes += size
			}
			if !seen[k] {
				cs.NewFiles++
				cs.NewBytes += size
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
		for k := range per[si] {
			seen[k] = true
		}
		c.Snapshots[si] = cs
		prev = si
	}
	return c
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

// folders lists the snapshot's own folder and the other checkpoints'
// folders it depends on.
func folders(s *SnapshotReport) []string {
	out := []string{}
	if s.Location.Dir != "" {
		out = append(out, s.Location.Dir)
	}
	for _, d := range s.Dependencies {
		if d.Role == RoleOtherCheckpoint {
			out = append(out, d.Dir)
		}
	}
	return out
}
