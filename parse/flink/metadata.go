package flink

import (
	"encoding/hex"

	"github.com/ckptlens/ckptlens/parse/model"
)

// Metadata is everything a Flink _metadata file holds, decoded exactly as
// Flink lays it out, except that inline payloads and offset arrays are kept
// only as lengths and counts. Sizes are as written; -1 means the writer did
// not know.
//
// The shapes are compact on purpose (handles by value, rare parts behind
// pointers, finished subtasks as bare indexes): decoding allocates at most
// about twice the input, even for inputs made of the smallest records.
type Metadata struct {
	Size      int64 // input size
	BytesRead int64 // bytes consumed; == Size when the whole input was decoded
	Version   int   // header version (0–7)
	// Dialect is the V3 layout variant that was read: "1.11" (channel
	// handles without a subtask index), "1.14-changelog" (changelog handles
	// of Flink 1.14), or "1.12+" (the layout every other V3 file uses).
	Dialect      string
	CheckpointID int64
	MasterStates []MasterState
	Operators    []OperatorState
	// Properties is the CheckpointProperties of V4+ files; nil before V4 and
	// when the file stores a Java null.
	Properties     *model.CheckpointProperties
	PropertiesNull bool // a V4+ file stored a Java null (State Processor API)
	// SnapshotType is the Java class of the properties' checkpointType:
	// CheckpointType or SavepointType; "" when there is none or it is an
	// older enum.
	SnapshotType string
	Warnings     []string

	// earliest is the oldest Flink release (minor version of 1.x, or 100+minor
	// for 2.x) whose writer produces every construct seen; it narrows
	// WrittenBy within a header version.
	earliest int
}

// ID is a Flink AbstractID (OperatorID / JobVertexID): 16 bytes as written.
type ID [16]byte

// String is Flink's toHexString(): 32 lower-case hex digits in file order.
func (id ID) String() string { return hex.EncodeToString(id[:]) }

// MarshalText makes IDs appear as hex in JSON.
func (id ID) MarshalText() ([]byte, error) { return []byte(id.String()), nil }

// MasterState is a MasterTriggerRestoreHook's state (V2+).
type MasterState struct {
	Offset  int64 // of the record's magic number
	Name    string
	Version int32
	Bytes   int64 // payload length
}

// OperatorState is one operator (V2+) or job vertex (V0, V1).
type OperatorState struct {
	Offset         int64
	Name           string // V5+; "" when not set
	UID            string // V5+; "" when not set
	ID             ID
	Parallelism    int32
	MaxParallelism int32
	ChainLength    int32         // V1 chain length, V2 unused field; 0 otherwise
	Coordinator    *StreamHandle // V3+: tag 1 (inline) or nil
	FullyFinished  bool          // V3+: subtask count -1
	Subtasks       []SubtaskState
	// Finished lists the subtasks marked finished on restore (V3+, stored as
	// a negative index); they carry no state.
	Finished []int32
}

// SubtaskState is one subtask's state.
type SubtaskState struct {
	Index           int32
	ManagedOperator *OperatorHandle // V2+
	RawOperator     *OperatorHandle // V2+
	ManagedKeyed    *KeyedHandle
	RawKeyed        *KeyedHandle
	// Extra holds what only some records have; nil when they have none of it.
	Extra *SubtaskExtra
}

// SubtaskExtra holds the parts of a subtask record that most lack.
type SubtaskExtra struct {
	// Channels are the input-channel handles, then the result-subpartition
	// handles (V3+ unaligned checkpoints); Kind tells them apart.
	Channels []ChannelHandle
	// RefCheckpointID is the V7 proposal's reference checkpoint, when
	// HasRefCheckpoint.
	RefCheckpointID  int64
	HasRefCheckpoint bool
	// Legacy holds what only V0–V2 records have.
	Legacy *LegacySubtask
}

// LegacySubtask holds the fields of V0–V2 subtask records.
type LegacySubtask struct {
	// Duration is the "duration" field when it is not -1 (V2 writers always
	// put -1, so it is kept only where it says something).
	Duration int64
	// Streams are Checkpointed-interface state (V1, and Flink 1.3 writing V2).
	Streams []StreamHandle
	// V1 writes operator state as one entry per chained operator.
	ChainedManaged []*OperatorHandle
	ChainedRaw     []*OperatorHandle
	// StateSize is V0's state size, recorded beside Java-serialized state.
	StateSize int64
}

// Channels returns the subtask's channel-state handles (nil if none).
func (st *SubtaskState) Channels() []ChannelHandle {
	if st.Extra == nil {
		return nil
	}
	return st.Extra.Channels
}

// Stream-state-handle tags.
const (
	StreamNull         = 0
	StreamByteStream   = 1
	StreamFile         = 2
	StreamKeyGroups    = 3
	StreamRelative     = 6
	StreamSegment      = 15
	StreamEmptySegment = 16
)

// StreamHandle is a StreamStateHandle; Tag 0 means absent.
type StreamHandle struct {
	Tag   byte
	Scope int8 // tag 15: 0 EXCLUSIVE, 1 SHARED
	// StateSize is the payload length (tag 1) or the recorded size (2, 6, 15).
	StateSize int64
	// Path is the absolute path (tag 2), the relative path (tag 6) or the
	// physical file path (tag 15). For tag 1 it is the handle's name: a
	// would-be path, an operator id or a UUID, never a file that exists.
	Path  string
	Extra *StreamExtra // tags 3 and 15
}

// StreamExtra holds the fields of the rarer stream handles.
type StreamExtra struct {
	StartPos      int64  // tag 15: where the segment starts in the physical file
	LogicalFileID string // tag 15
	KeyGroups     KeyGroupRange
	Delegate      StreamHandle // tag 3 used as a stream handle
}

// Size is Flink's getStateSize() for the handle (0 when absent).
func (h *StreamHandle) Size() int64 {
	if h == nil {
		return 0
	}
	switch h.Tag {
	case StreamNull, StreamEmptySegment:
		return 0
	case StreamKeyGroups:
		return h.Extra.Delegate.Size()
	}
	return h.StateSize
}

// KeyGroupRange is [Start, Start+Count-1]. Handles that store one offset per
// key group skip the offsets; Count is their number.
type KeyGroupRange struct {
	Start int32
	Count int32
}

// Keyed-state-handle tags.
const (
	KeyedNull               = 0
	KeyedKeyGroups          = 3
	KeyedIncremental        = 5
	KeyedSavepointKeyGroups = 7
	KeyedChangelog          = 8
	KeyedChangelogBytes     = 9
	KeyedChangelogFile      = 10
	KeyedIncrementalV2      = 11
	KeyedKeyGroupsV2        = 12
	KeyedChangelogFileV2    = 13
	KeyedChangelogV2        = 14
	checkpointedSizeUnknown = -1
)

// KeyedHandle is a KeyedStateHandle.
type KeyedHandle struct {
	Tag       int8
	KeyGroups KeyGroupRange
	// HandleID is the state handle id (tags 11–14, and 8–10 in the 1.15 layout).
	HandleID string
	// Delegate holds the key groups of tags 3, 7 and 12.
	Delegate    StreamHandle
	Incremental *IncrementalState // tags 5 and 11
	Changelog   *ChangelogState   // tags 8, 9, 10, 13 and 14
}

// IncrementalState is the body of an IncrementalRemoteKeyedStateHandle.
type IncrementalState struct {
	CheckpointID      int64
	BackendIdentifier string
	// CheckpointedSize is stored by tag 11; -1 (unknown) for tag 5.
	CheckpointedSize int64
	Meta             StreamHandle
	Shared           []LocalFile
	Private          []LocalFile
}

// LocalFile is one entry of an incremental handle's shared or private list.
type LocalFile struct {
	LocalPath string // RocksDB file name, e.g. 000010.sst
	Handle    StreamHandle
}

// ChangelogState is the body of the changelog handles.
type ChangelogState struct {
	// CheckpointedSize is stored by tags 13 and 14, and by 8 and 10 in the
	// 1.15 layout; HasCheckpointedSize says whether it was.
	CheckpointedSize    int64
	HasCheckpointedSize bool

	// Tags 8 and 14: the wrapped backend's handles and the deltas since.
	Materialized      []*KeyedHandle
	NonMaterialized   []*KeyedHandle
	MaterializationID int64
	CheckpointID      int64 // tag 14 (tag 8: the materialization id)

	// Tag 9: in-memory changes, stored inline in the file.
	From, To    int64
	Changes     int32
	MetaChanges int32 // changes of key group -1
	ChangeBytes int64 // sum of the change payload lengths

	// Tags 10 and 13: deltas in DSTL files.
	Deltas            []ChangelogDelta
	StateSize         int64
	StorageIdentifier string // tag 13; "filesystem" is implied for tag 10
}

// ChangelogDelta is one (offset, handle) pair of a changelog file delta.
type ChangelogDelta struct {
	Offset int64
	Handle StreamHandle
}

// Operator-state-handle tags.
const (
	OperatorNull          = 0
	OperatorPartitionable = 4
	OperatorFileMerging   = 17
)

// OperatorHandle is an OperatorStateHandle (tag 4 or 17).
type OperatorHandle struct {
	Tag         int8
	States      []NamedOperatorState
	Delegate    StreamHandle
	FileMerging *FileMergingDirs // tag 17
}

// FileMergingDirs are the managed directories a tag-17 handle records.
type FileMergingDirs struct {
	TaskOwnedDir string
	SharedDir    string
	Empty        bool
}

// Distribution modes of operator state.
const (
	SplitDistribute = 0
	Union           = 1
	Broadcast       = 2
)

// NamedOperatorState is one named list/union/broadcast state.
type NamedOperatorState struct {
	Name    string
	Mode    int8
	Offsets int32 // number of partition offsets
}

// Channel-state-handle kinds. V6 writes them as tags; before V6 the list a
// handle sits in says which it is.
const (
	ChannelInput                    = 1
	ChannelResultSubpartition       = 2
	ChannelMergedInput              = 3
	ChannelMergedResultSubpartition = 4
)

// ChannelHandle is an input-channel or result-subpartition handle of an
// unaligned checkpoint, plain (1, 2) or merged (3, 4, V6 only).
type ChannelHandle struct {
	Kind byte
	// SubtaskIndex is -1 in the 1.11 layout, which does not store it.
	SubtaskIndex int32
	// Info is (gate, channel) or (partition, subpartition) of plain handles.
	Info      [2]int32
	Offsets   int32 // number of buffer offsets (plain handles)
	Channels  int32 // channels a merged handle covers
	StateSize int64
	Delegate  StreamHandle
}

// Input reports whether the handle is an input-channel handle.
func (h *ChannelHandle) Input() bool {
	return h.Kind == ChannelInput || h.Kind == ChannelMergedInput
}
