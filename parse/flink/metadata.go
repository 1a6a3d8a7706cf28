package flink

import "encoding/hex"

// Metadata is everything a Flink _metadata file holds, decoded exactly as
// Flink lays it out, except that inline payloads are kept only as lengths.
// Sizes and offsets are as written; -1 means the writer did not know.
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
	Properties     *Properties
	PropertiesNull bool // V4+ file stored a Java null (State Processor API)
	Warnings       []string

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

// OperatorState is one operator (V2+) or job vertex (V1).
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
}

// SubtaskState is one subtask's state. Finished subtasks carry nothing.
type SubtaskState struct {
	Offset   int64
	Index    int32
	Finished bool // V3+: finished on restore (stored as a negative index)
	// Legacy holds Checkpointed-interface state of V1 and Flink 1.3 V2 files.
	Legacy []*StreamHandle
	// ManagedOperator and RawOperator hold at most one handle each from V2 on
	// (V1 writes one per chained operator, possibly nil).
	ManagedOperator     []*OperatorHandle
	RawOperator         []*OperatorHandle
	ManagedKeyed        *KeyedHandle
	RawKeyed            *KeyedHandle
	InputChannels       []*ChannelHandle
	ResultSubpartitions []*ChannelHandle
	Duration            int64  // V0–V2 "duration" field (V2 writers put -1)
	LegacyStateSize     int64  // V0: the state size recorded beside the Java-serialized state
	RefCheckpointID     *int64 // V7 proposal only
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

// StreamHandle is a StreamStateHandle (one of the Stream* tags).
type StreamHandle struct {
	Tag    byte
	Offset int64 // of the tag byte
	// Name is the ByteStream handle name (a would-be path, an operator id or
	// a UUID; never a real file).
	Name string
	// Path is the absolute path (tag 2), the relative path (tag 6) or the
	// physical file path (tag 15).
	Path string
	// StateSize is the payload length (tag 1) or the recorded size (2, 6, 15).
	StateSize int64
	// DataOffset is where a tag-1 payload starts inside the file.
	DataOffset int64
	// Segment fields (tag 15).
	StartPos      int64
	Scope         int32 // 0 EXCLUSIVE, 1 SHARED
	LogicalFileID string
	// KeyGroups and Delegate are set for tag 3 used as a stream handle.
	KeyGroups *KeyGroupRange
	Delegate  *StreamHandle
}

// Size is Flink's getStateSize() for the handle.
func (h *StreamHandle) Size() int64 {
	switch {
	case h == nil:
		return 0
	case h.Tag == StreamKeyGroups:
		return h.Delegate.Size()
	default:
		return h.StateSize
	}
}

// KeyGroupRange is [Start, Start+Count-1] with one offset per key group
// (the offsets are skipped, not stored).
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

// KeyedHandle is a KeyedStateHandle (one of the Keyed* tags).
type KeyedHandle struct {
	Tag       int8
	Offset    int64
	KeyGroups KeyGroupRange
	// HandleID is the state handle id (tags 9–14; 8 in the 1.15 layout).
	HandleID string

	// Key-group snapshots (3, 7, 12).
	Delegate *StreamHandle

	// Incremental snapshots (5, 11). CheckpointID is also set for tag 14.
	CheckpointID      int64
	BackendIdentifier string
	Meta              *StreamHandle
	Shared            []LocalFile
	Private           []LocalFile

	// CheckpointedSize is stored by tags 11, 13, 14 and by 8 and 10 in the
	// 1.15 layout; HasCheckpointedSize says whether it was.
	CheckpointedSize    int64
	HasCheckpointedSize bool

	// Changelog backend handles (8, 14).
	Materialized      []*KeyedHandle
	NonMaterialized   []*KeyedHandle
	MaterializationID int64

	// In-memory changelog (9).
	From, To    int64
	Changes     int32 // number of changes
	MetaChanges int32 // changes with key group -1
	ChangeBytes int64 // sum of change payload lengths, stored inline

	// Changelog file deltas (10, 13).
	Deltas            []ChangelogDelta
	StateSize         int64
	StorageIdentifier string // tag 13; "filesystem" implied for 10
}

// LocalFile is one entry of an incremental handle's shared or private list.
type LocalFile struct {
	LocalPath string // RocksDB file name, e.g. 000010.sst
	Handle    *StreamHandle
}

// ChangelogDelta is one (offset, handle) pair of a changelog file delta.
type ChangelogDelta struct {
	Offset int64
	Handle *StreamHandle
}

// Operator-state-handle tags.
const (
	OperatorNull          = 0
	OperatorPartitionable = 4
	OperatorFileMerging   = 17
)

// OperatorHandle is an OperatorStateHandle (tag 4 or 17).
type OperatorHandle struct {
	Tag    int8
	Offset int64
	States []NamedOperatorState
	// File-merging managed directories (tag 17).
	TaskOwnedDir string
	SharedDir    string
	Empty        bool
	Delegate     *StreamHandle
}

// Distribution modes of operator state.
const (
	SplitDistribute = 0
	Union           = 1
	Broadcast       = 2
)

// NamedOperatorState is one named list/union/broadcast state of an
// operator handle.
type NamedOperatorState struct {
	Name    string
	Mode    int8
	Offsets int32 // number of partition offsets
}

// Channel-state-handle kinds. V6 writes them as tags; before V6 the
// position says which list a handle belongs to.
const (
	ChannelInput                    = 1
	ChannelResultSubpartition       = 2
	ChannelMergedInput              = 3
	ChannelMergedResultSubpartition = 4
)

// ChannelHandle is an input-channel or result-subpartition handle of an
// unaligned checkpoint, plain (1, 2) or merged (3, 4, V6).
type ChannelHandle struct {
	Kind   byte
	Offset int64
	// SubtaskIndex is -1 when the 1.11 layout does not store it.
	SubtaskIndex int32
	// Info is (gate, channel) or (partition, subpartition) for plain handles.
	Info      [2]int32
	Offsets   int32 // number of buffer offsets (plain handles)
	StateSize int64
	Delegate  *StreamHandle
	// Channels is the number of channels a merged handle covers; BlobBytes the
	// length of its serialized offsets blob.
	Channels  int32
	BlobBytes int32
}

// Properties is the CheckpointProperties object of V4+ files.
type Properties struct {
	Class                string // Java class of checkpointType
	Type                 string // its name: "Checkpoint", "Savepoint", …
	SharingFilesStrategy string // CheckpointType: FORWARD_BACKWARD | FORWARD | NO_SHARING
	FormatType           string // SavepointType: CANONICAL | NATIVE
	PostCheckpointAction string // SavepointType: NONE | SUSPEND | TERMINATE
	Forced               bool
	DiscardSubsumed      bool
	DiscardFinished      bool
	DiscardCancelled     bool
	DiscardFailed        bool
	DiscardSuspended     bool
	Unclaimed            bool
}
