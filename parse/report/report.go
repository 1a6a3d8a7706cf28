package report

import (
	"github.com/ckptlens/ckptlens/parse/jobs"
	"github.com/ckptlens/ckptlens/parse/location"
	"github.com/ckptlens/ckptlens/parse/model"
	"github.com/ckptlens/ckptlens/parse/plan"
	"github.com/ckptlens/ckptlens/parse/slatedb"
)

// Report is everything the CLI prints and the page renders, self-contained
// and JSON-serialisable (share links carry it).
type Report struct {
	// Schema is ReportSchema in reports made by this version.
	Schema    string            `json:"schema,omitempty"`
	Snapshots []*SnapshotReport `json:"snapshots"`
	// Jobs groups the snapshots by job and links jobs through restores.
	Jobs       *jobs.Grouping `json:"jobs,omitempty"`
	Comparison *Comparison    `json:"comparison,omitempty"` // two or more snapshots
	Orphans    *OrphanPlan    `json:"orphans,omitempty"`    // when a listing was given
	// Cancelled is set when the caller stopped the work part-way (Options.Stop):
	// the report holds what was done by then.
	Cancelled bool `json:"cancelled,omitempty"`
	// LeftOut is set in a report made for sharing whose long lists were
	// cut (ForSharing).
	LeftOut *LeftOut `json:"leftOut,omitempty"`
}

// SnapshotReport is one snapshot with its analysis. The embedded snapshot
// keeps every model field at the top level of its JSON.
type SnapshotReport struct {
	*model.Snapshot
	Location     location.Location `json:"location"`
	Dependencies []Dependency      `json:"dependencies"`
	// FileRefs is parallel to Files: where each file is, resolved, and
	// which dependency holds it.
	FileRefs []FileRef `json:"fileRefs"`
	Sizes    Sizes     `json:"sizes"`
	// FilesLeftOut counts the files a report made for sharing leaves out
	// of Files and FileRefs (ForSharing); Sizes still counts them.
	FilesLeftOut int `json:"filesLeftOut,omitempty"`
	// SlateDBDatabase is set when a SlateDB database folder was read
	// (ckptlens inspect): its checkpoints' pins, parents and history.
	SlateDBDatabase *slatedb.DatabaseReport `json:"slatedbDatabase,omitempty"`
}

// Role is what a dependency folder is to the snapshot.
type Role string

const (
	RoleExclusive       Role = "exclusive"        // its own chk-N or savepoint folder
	RoleShared          Role = "shared"           // the job's shared/ (incremental files)
	RoleTaskOwned       Role = "taskowned"        // the job's taskowned/
	RoleFileMerging     Role = "file-merging"     // physical files holding file-merging segments
	RoleOtherCheckpoint Role = "other-checkpoint" // another chk-M of the job, another job's or a savepoint's folder
	RoleChangelog       Role = "changelog"        // changelog (DSTL) files under the changelog storage path
	RoleForSt           Role = "forst"            // ForSt's working folder (shared/op_…__attempt_N/db/), the live database
	RoleExternal        Role = "external"         // absolute paths outside any checkpoint layout
	RoleRelative        Role = "relative"         // relative handles resolved against a folder that is not known to be the snapshot's
	RoleInline          Role = "inline"           // state stored inside the snapshot file itself
)

// Dependency is one folder a snapshot needs.
type Dependency struct {
	// Dir is the folder as written; relative handles are resolved against
	// the location, or "." (the folder of _metadata) when it is unknown.
	Dir   string `json:"dir"`
	Role  Role   `json:"role"`
	Files int    `json:"files"`
	// Bytes is the sum of the recorded sizes (for file merging: the bytes
	// used by segments). Files whose writer did not record a size count in
	// UnknownSizeFiles and not here.
	Bytes            int64            `json:"bytes"`
	UnknownSizeFiles int              `json:"unknownSizeFiles,omitempty"`
	Segments         int              `json:"segments,omitempty"`
	Kinds            []model.FileKind `json:"kinds,omitempty"`
	// Checkpoint names the chk-N or savepoint folder the dependency belongs
	// to, when it is one ("chk-41").
	Checkpoint string `json:"checkpoint,omitempty"`
	// PhysicalBytes and ListedFiles are the sizes the listing gives for
	// these files (set only with a listing); for file merging this is the
	// physical file size to compare with the bytes used.
	ListedFiles   int   `json:"listedFiles,omitempty"`
	PhysicalBytes int64 `json:"physicalBytes,omitempty"`
}

// FileRef places one model.File.
type FileRef struct {
	// Path is the file's path resolved (relative handles joined to the
	// location), as written otherwise. JSON leaves it out when it is the
	// file's own path (see SnapshotReport.MarshalJSON).
	Path       string `json:"path,omitempty"`
	Dependency int    `json:"dependency"` // index into Dependencies
	Role       Role   `json:"role"`
	// Key is paths.Key(Path); "" when it cannot be placed.
	Key string `json:"-"`
}

// Sizes are a snapshot's sizes in its format's own terms.
type Sizes struct {
	// Full and Checkpointed are, for Flink, the sums of OperatorState
	// getStateSize and getCheckpointedSize: the UI's "Full Checkpoint Data
	// Size" and "Checkpointed Data Size". For formats without operators,
	// Full is the referenced bytes and Checkpointed is -1 (not defined).
	Full         int64 `json:"full"`
	Checkpointed int64 `json:"checkpointed"`
	// Inline is the state stored inside the snapshot file.
	Inline int64 `json:"inline"`
	// Files and FileBytes count every referenced file once.
	Files            int            `json:"files"`
	FileBytes        int64          `json:"fileBytes"`
	UnknownSizeFiles int            `json:"unknownSizeFiles,omitempty"`
	Operators        []OperatorSize `json:"operators"`
	Kinds            []KindSize     `json:"kinds"`
}

// OperatorSize is one operator's share: Flink's figures, read from the
// operator itself, and the files its handles reference. It points at the
// operator instead of copying its fields, as a file can hold millions of
// operators. Its JSON is operatorSizeJSON's.
type OperatorSize struct {
	*model.Operator
	Files     int
	FileBytes int64
}

// operatorSizeJSON is what an OperatorSize writes and reads as JSON.
type operatorSizeJSON struct {
	ID                string `json:"id"`
	Name              string `json:"name,omitempty"`
	UID               string `json:"uid,omitempty"`
	StateBytes        int64  `json:"stateBytes"`
	CheckpointedBytes int64  `json:"checkpointedBytes"`
	InlineBytes       int64  `json:"inlineBytes"`
	CoordinatorBytes  int64  `json:"coordinatorBytes,omitempty"`
	Files             int    `json:"files"`
	FileBytes         int64  `json:"fileBytes"`
}

// KindSize is the files and bytes of one file kind.
type KindSize struct {
	Kind  model.FileKind `json:"kind"`
	Files int            `json:"files"`
	Bytes int64          `json:"bytes"`
}

// The deletion plan is package plan's; these names keep the report's.
type (
	OrphanPlan     = plan.Plan
	OrphanItem     = plan.Item
	MissingFile    = plan.Missing
	ListingSummary = plan.ListingSummary
)
