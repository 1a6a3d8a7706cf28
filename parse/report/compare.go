package report

import (
	"fmt"

	"github.com/ckptlens/ckptlens/parse/location"
	"github.com/ckptlens/ckptlens/parse/model"
	"github.com/ckptlens/ckptlens/parse/paths"
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

// label names a snapshot for people: its folder name when known.
func FolderLabel(s *SnapshotReport) string {
	if s.Location.Kind == location.KindCheckpoint || s.Location.Kind == location.KindSavepoint {
		return paths.Base(s.Location.Dir)
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
func Folders(s *SnapshotReport) []string {
	out := []string{}
	if s.Location.Dir != "" {
		out = append(out, s.Location.Dir)
	}
	for _, d := range s.Dependencies {
		if d.Role != RoleInline && (len(out) == 0 || paths.Key(d.Dir) != paths.Key(out[0])) {
			out = append(out, d.Dir)
		}
	}
	return out
}
