// Package model is the format-neutral picture of one decoded snapshot.
//
// Every decoder (parse/flink, parse/slatedb) produces a *Snapshot; every
// analysis (dependencies, sizes, comparison, orphans) consumes only this
// package, so the CLI, the page and the tests share one shape. The JSON tags
// are the contract of `ckptlens inspect --json`.
package model

// Format names the file format a snapshot was decoded from.
type Format string

const (
	FormatFlink   Format = "flink-metadata"
	FormatSlateDB Format = "slatedb-manifest"
	// FormatSlateDBCompactions is SlateDB's compactor state file.
	FormatSlateDBCompactions Format = "slatedb-compactions"
)

// FileKind says what a referenced file holds.
type FileKind string

const (
	// Flink.
	KindKeyed       FileKind = "keyed"       // full keyed snapshot (key-group handles)
	KindOperator    FileKind = "operator"    // operator (list/union/broadcast) state
	KindShared      FileKind = "shared"      // incremental shared file (RocksDB SST)
	KindPrivate     FileKind = "private"     // incremental private file (MANIFEST, CURRENT, OPTIONS, …)
	KindMetadata    FileKind = "metadata"    // backend meta-state file of an incremental handle
	KindChangelog   FileKind = "changelog"   // changelog (DSTL) delta file
	KindChannel     FileKind = "channel"     // unaligned-checkpoint channel state
	KindSegment     FileKind = "segment"     // file-merging physical file
	KindCoordinator FileKind = "coordinator" // operator-coordinator state
	// SlateDB.
	KindSST      FileKind = "sst"
	KindWAL      FileKind = "wal"
	KindManifest FileKind = "manifest"
)

// Snapshot kinds.
const (
	KindCheckpoint = "checkpoint"
	KindSavepoint  = "savepoint"
	KindUnknown    = "unknown"
)

// Snapshot is one decoded checkpoint, savepoint or manifest.
type Snapshot struct {
	Source        string `json:"source"` // path or name it was read from
	Format        Format `json:"format"`
	FormatVersion int    `json:"formatVersion"`
	// Dialect distinguishes layouts that share a header version (Flink V3:
	// "1.11", "1.12+", "1.14-changelog", "1.15+").
	Dialect   string `json:"dialect,omitempty"`
	WrittenBy string `json:"writtenBy,omitempty"` // releases that write this version, e.g. "Flink 1.16–1.20"
	Size      int64  `json:"size"`                // input size in bytes
	BytesRead int64  `json:"bytesRead"`           // == Size when the whole input was consumed

	CheckpointID    int64  `json:"checkpointId"`
	SnapshotKind    string `json:"snapshotKind"`              // KindCheckpoint | KindSavepoint | KindUnknown
	SavepointFormat string `json:"savepointFormat,omitempty"` // "canonical" | "native" for savepoints

	Operators []Operator `json:"operators"`
	// Files lists every file the snapshot references, once each, in first-seen order.
	Files []File `json:"files"`
	// InlineBytes is the payload of byte-stream handles stored inside the
	// snapshot file itself (nested ones included, master states excluded).
	InlineBytes int64 `json:"inlineBytes"`
	// BackendHints names what the handles reveal: "rocksdb-incremental",
	// "full-keyed", "changelog", "file-merging", "unaligned-channel-state", …
	BackendHints []string `json:"backendHints,omitempty"`

	Flink   *FlinkDetails   `json:"flink,omitempty"`
	SlateDB *SlateDBDetails `json:"slatedb,omitempty"`
	// Compactions is set for a SlateDB compactions file.
	Compactions *SlateDBCompactions `json:"compactions,omitempty"`

	Warnings []string   `json:"warnings,omitempty"`
	Error    *ErrorInfo `json:"error,omitempty"` // set when decoding stopped early; the rest is partial

	// Decoded is the decoder's own result (a *slatedb.Manifest or
	// *slatedb.Compactions), for analyses that need more than this model,
	// such as SlateDB's GC plan. Not serialised: a shared report lacks it.
	Decoded any `json:"-"`
}

// Operator is one operator (Flink) or one logical unit of state.
type Operator struct {
	ID   string `json:"id"` // 32 lower-case hex digits for Flink
	Name string `json:"name"`
	UID  string `json:"uid"`
	// The counts are Java ints in Flink; 32 bits keep a file of millions
	// of operators smaller.
	Parallelism    int32 `json:"parallelism"`
	MaxParallelism int32 `json:"maxParallelism"`
	Subtasks       int32 `json:"subtasks"`         // subtask records present
	Finished       int32 `json:"finishedSubtasks"` // subtasks marked finished-on-restore
	FullyFinished  bool  `json:"fullyFinished"`
	// StateBytes and CheckpointedBytes are Flink's OperatorState.getStateSize()
	// and getCheckpointedSize(): the UI's "Full Checkpoint Data Size" and
	// "Checkpointed Data Size".
	StateBytes        int64 `json:"stateBytes"`
	CheckpointedBytes int64 `json:"checkpointedBytes"`
	InlineBytes       int64 `json:"inlineBytes"`
	CoordinatorBytes  int64 `json:"coordinatorBytes"`
}

// File is one file a snapshot depends on.
type File struct {
	Path     string   `json:"path"` // exactly as written in the snapshot
	Relative bool     `json:"relative"`
	Bytes    int64    `json:"bytes"` // recorded size; -1 when the writer did not know it
	Kind     FileKind `json:"kind"`
	// Operators are the ids of the operators whose handles reference the file.
	Operators []string `json:"operators"`
	// Segments counts the file-merging segments that live in this physical
	// file; Bytes is then the sum of their sizes (the bytes used), not the
	// physical file size.
	Segments int `json:"segments,omitempty"`
	// Database is set for a SlateDB file stored in another database (a
	// clone's parent): that database's object-store path. Path is then
	// relative to the object-store root rather than to the snapshot's root.
	Database string `json:"database,omitempty"`
}

// ErrorInfo is where and why decoding stopped.
type ErrorInfo struct {
	Offset  int64  `json:"offset"`
	Message string `json:"message"`
}

// FlinkDetails holds what only Flink snapshots have.
type FlinkDetails struct {
	MasterStates []MasterState `json:"masterStates"`
	// Properties is nil before header version 4 and when the file stores null.
	Properties *CheckpointProperties `json:"properties,omitempty"`
}

// MasterState is a MasterTriggerRestoreHook's state (Flink V2+).
type MasterState struct {
	Name    string `json:"name"`
	Version int32  `json:"version"`
	Bytes   int64  `json:"bytes"`
}

// CheckpointProperties mirrors Flink's CheckpointProperties (V4+). The
// Flink decoder reads into it and the test encoder writes from it.
type CheckpointProperties struct {
	Type string `json:"type"` // "Checkpoint", "Full Checkpoint", "Savepoint", "Suspend Savepoint", "Terminate Savepoint"
	// SharingFilesStrategy is stored by CheckpointType (FORWARD_BACKWARD |
	// FORWARD); for SavepointType it is NO_SHARING, as Flink's
	// getSharingFilesStrategy() says.
	SharingFilesStrategy string `json:"sharingFilesStrategy,omitempty"`
	FormatType           string `json:"formatType,omitempty"`           // SavepointType: CANONICAL | NATIVE
	PostCheckpointAction string `json:"postCheckpointAction,omitempty"` // SavepointType: NONE | SUSPEND | TERMINATE
	Forced               bool   `json:"forced"`
	DiscardSubsumed      bool   `json:"discardSubsumed"`
	DiscardFinished      bool   `json:"discardFinished"`
	DiscardCancelled     bool   `json:"discardCancelled"`
	DiscardFailed        bool   `json:"discardFailed"`
	DiscardSuspended     bool   `json:"discardSuspended"`
	Unclaimed            bool   `json:"unclaimed"`
}

// SlateDBDetails holds what only SlateDB manifests have. Filled by parse/slatedb.
type SlateDBDetails struct {
	ManifestID         uint64              `json:"manifestId"`
	WriterEpoch        uint64              `json:"writerEpoch"`
	CompactorEpoch     uint64              `json:"compactorEpoch"`
	WALIDLastCompacted uint64              `json:"walIdLastCompacted"`
	WALIDLastSeen      uint64              `json:"walIdLastSeen"`
	Checkpoints        []SlateDBCheckpoint `json:"checkpoints"`
	ExternalDBs        []SlateDBExternalDB `json:"externalDbs"`
	L0                 []string            `json:"l0"` // SST ids
	SortedRuns         []SlateDBSortedRun  `json:"sortedRuns"`

	Initialized          bool    `json:"initialized"` // false while a clone is being set up
	LastL0Seq            uint64  `json:"lastL0Seq"`
	LastL0ClockTick      int64   `json:"lastL0ClockTick"`
	RecentSnapshotMinSeq uint64  `json:"recentSnapshotMinSeq"`
	WALObjectStoreURI    *string `json:"walObjectStoreUri,omitempty"` // "" = a separate WAL object store
	SegmentExtractor     string  `json:"segmentExtractor,omitempty"`
	// LastCompactedL0 is the view id of the newest L0 already compacted
	// into sorted runs (SlateDB's GC dates its cutoff by it when L0 is empty).
	LastCompactedL0 string `json:"lastCompactedL0,omitempty"`
	// Segments are the per-prefix trees of a segmented (RFC-0024) database.
	Segments []SlateDBSegment `json:"segments,omitempty"`
	// SSTs lists every physical SST the manifest references, ascending by id.
	SSTs []SlateDBSST `json:"ssts"`
}

// SlateDBSegment is the LSM tree of one key prefix.
type SlateDBSegment struct {
	Prefix          string             `json:"prefix"` // printable, non-printable bytes as \xNN
	LastCompactedL0 string             `json:"lastCompactedL0,omitempty"`
	L0              []string           `json:"l0"`
	SortedRuns      []SlateDBSortedRun `json:"sortedRuns"`
}

// SlateDBSST is one physical SST as the manifest describes it.
type SlateDBSST struct {
	ID       string `json:"id"`                 // ULID
	Path     string `json:"path"`               // as in Snapshot.Files
	Database string `json:"database,omitempty"` // the other database holding it, for a clone
	Created  int64  `json:"created"`            // Unix milliseconds, from the ULID
	// MinBytes is a lower bound of the file size derived from the footer
	// offsets; Bytes is the exact size once a listing supplied it, else -1.
	MinBytes    int64  `json:"minBytes"`
	Bytes       int64  `json:"bytes"`
	Level       string `json:"level"`             // "L0" or "SR <id>" (first place it appears)
	Segment     string `json:"segment,omitempty"` // segment prefix, for segmented databases
	FirstKey    string `json:"firstKey,omitempty"`
	LastKey     string `json:"lastKey,omitempty"`
	Compression string `json:"compression"`
	// VisibleRanges are the key ranges the manifest's views narrow the SST
	// to, such as "[b-, d-)" in a clone projected to a range; empty when
	// every view reads it whole.
	VisibleRanges []string `json:"visibleRanges,omitempty"`
}

// SlateDBCheckpoint is one checkpoint recorded in a manifest.
type SlateDBCheckpoint struct {
	ID         string `json:"id"`
	Name       string `json:"name,omitempty"`
	ManifestID uint64 `json:"manifestId"`
	CreateTime int64  `json:"createTime"`           // seconds since the epoch
	ExpireTime int64  `json:"expireTime,omitempty"` // 0 = never
}

// SlateDBExternalDB is a parent database a clone still reads from.
type SlateDBExternalDB struct {
	Path             string   `json:"path"`
	SourceCheckpoint string   `json:"sourceCheckpoint"`
	FinalCheckpoint  string   `json:"finalCheckpoint,omitempty"`
	SSTIDs           []string `json:"sstIds"`
}

// SlateDBSortedRun is one sorted run and its SSTs.
type SlateDBSortedRun struct {
	ID   uint32   `json:"id"`
	SSTs []string `json:"ssts"`
}

// SlateDBCompactions is SlateDB's compactor state: the file
// compactions/<id>.compactions. Filled by parse/slatedb.
type SlateDBCompactions struct {
	ID             uint64              `json:"id"` // from the file name; 0 when unknown
	CompactorEpoch uint64              `json:"compactorEpoch"`
	Compactions    []SlateDBCompaction `json:"compactions"`
}

// SlateDBCompaction is one compaction the compactor tracks.
type SlateDBCompaction struct {
	ID      string `json:"id"`      // ULID
	Created int64  `json:"created"` // Unix milliseconds, from the ULID
	// Status is SlateDB's: Submitted, Scheduled, Running, Compacted (outputs
	// written, not yet in the manifest), Completed or Failed.
	Status string `json:"status"`
	// Active is true until the compaction is Completed or Failed: SlateDB's
	// GC must keep its output SSTs.
	Active           bool     `json:"active"`
	Kind             string   `json:"kind"` // "tiered" or "drain-segment"
	Segment          string   `json:"segment,omitempty"`
	SourceViews      []string `json:"sourceViews"` // L0 view ids (or SST ids, from before views)
	SourceSortedRuns []uint32 `json:"sourceSortedRuns"`
	Destination      *uint32  `json:"destination,omitempty"` // tiered: the sorted run it writes
	Worker           string   `json:"worker,omitempty"`
	LastHeartbeat    int64    `json:"lastHeartbeat,omitempty"` // Unix milliseconds
	// Outputs are the SST ids written so far: its own list and every
	// subcompaction's, once each.
	Outputs []string `json:"outputs"`
}
