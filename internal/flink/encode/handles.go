package encode

import "fmt"

// Stream-handle tags (spec §7.1).
const (
	tagNullHandle       = 0
	tagByteStream       = 1
	tagFile             = 2
	tagKeyGroups        = 3
	tagIncrementalV1    = 5
	tagRelativeFile     = 6
	tagSavepointKG      = 7
	tagChangelogInMem   = 9
	tagIncrementalV2    = 11
	tagKeyGroupsV2      = 12
	tagChangelogV2      = 14
	tagOperatorStream   = 4
	tagSegmentFile      = 15
	tagEmptySegmentFile = 16
	tagFileMergingOpSt  = 17
)

// StreamHandle is a stream-state handle: nil (tag 0), *ByteStream,
// *FileHandle, *RelativeFile, *KeyGroupsStream, *Segment or EmptySegment.
type StreamHandle interface{ writeStream(*writer) }

// ByteStream is state stored inline in _metadata (tag 1). When Data is nil,
// Len deterministic filler bytes are streamed instead, so huge inline state
// never sits in memory.
type ByteStream struct {
	Name string
	Data []byte
	Len  int32 // used only when Data is nil
}

// Size is the payload length.
func (h *ByteStream) Size() int64 {
	if h.Data != nil {
		return int64(len(h.Data))
	}
	return int64(h.Len)
}

func (h *ByteStream) writeStream(w *writer) {
	w.u8(tagByteStream)
	h.body(w)
}

func (h *ByteStream) body(w *writer) {
	w.utf(h.Name)
	if h.Data != nil {
		w.count("byte-stream length", len(h.Data))
		w.raw(h.Data)
		return
	}
	w.count("byte-stream length", int(h.Len))
	w.filler(int64(h.Len), byte(len(h.Name)))
}

// FileHandle is a file named by an absolute path (tag 2).
type FileHandle struct {
	Path string
	Size int64
}

func (h *FileHandle) writeStream(w *writer) {
	w.u8(tagFile)
	w.i64(h.Size)
	w.utf(h.Path)
}

// RelativeFile is a file in the directory of _metadata (tag 6).
type RelativeFile struct {
	Path string
	Size int64
}

func (h *RelativeFile) writeStream(w *writer) {
	w.u8(tagRelativeFile)
	w.utf(h.Path)
	w.i64(h.Size)
}

// KeyGroupsStream is a key-groups handle in a stream-handle position (tag 3).
type KeyGroupsStream struct {
	StartKeyGroup int32
	Offsets       []int64 // one per key group
	Delegate      StreamHandle
}

func (h *KeyGroupsStream) writeStream(w *writer) {
	w.u8(tagKeyGroups)
	writeKeyGroupsBody(w, h.StartKeyGroup, h.Offsets, h.Delegate)
}

// Segment is a logical file inside a file-merging physical file (tag 15).
type Segment struct {
	StartPos     int64
	Size         int64
	Scope        int32 // 0 exclusive, 1 shared
	PhysicalPath string
	LogicalID    string
}

func (h *Segment) writeStream(w *writer) {
	w.u8(tagSegmentFile)
	w.i64(h.StartPos)
	w.i64(h.Size)
	w.i32(h.Scope)
	w.utf(h.PhysicalPath)
	w.utf(h.LogicalID)
}

// EmptySegment is the placeholder segment of file merging (tag 16).
type EmptySegment struct{}

func (EmptySegment) writeStream(w *writer) { w.u8(tagEmptySegmentFile) }

func writeStream(w *writer, h StreamHandle) {
	if isNil(h) {
		w.u8(tagNullHandle)
		return
	}
	h.writeStream(w)
}

func writeKeyGroupsBody(w *writer, start int32, offsets []int64, delegate StreamHandle) {
	w.i32(start)
	w.count("key-group count", len(offsets))
	for _, o := range offsets {
		w.i64(o)
	}
	writeStream(w, delegate)
}

// KeyedHandle is a keyed-state handle: nil (tag 0), *KeyGroups,
// *Incremental, *InMemoryChangelog or *Changelog.
type KeyedHandle interface{ writeKeyed(*writer) }

// KeyGroups kinds (the keyed tag written).
const (
	KeyGroupsV1        = tagKeyGroups     // Flink ≤ 1.14 full snapshot, no id
	KeyGroupsSavepoint = tagSavepointKG   // canonical savepoint
	KeyGroupsV2        = tagKeyGroupsV2   // Flink 1.15+ full snapshot with handle id
	IncrementalV1      = tagIncrementalV1 // RocksDB incremental before 1.15
	IncrementalV2      = tagIncrementalV2 // RocksDB incremental 1.15+
)

// KeyGroups is a key-grouped full snapshot (keyed tags 3, 7, 12).
type KeyGroups struct {
	Tag           byte  // KeyGroupsV1, KeyGroupsSavepoint or KeyGroupsV2 (the default)
	StartKeyGroup int32 // key-group range is [Start, Start+len(Offsets)-1]
	Offsets       []int64
	Delegate      StreamHandle
	ID            string // handle id, written for KeyGroupsV2
}

func (h *KeyGroups) writeKeyed(w *writer) {
	tag := h.Tag
	if tag == 0 {
		tag = KeyGroupsV2
	}
	if tag != KeyGroupsV1 && tag != KeyGroupsSavepoint && tag != KeyGroupsV2 {
		w.fail(fmt.Errorf("encode: KeyGroups tag %d is not 3, 7 or 12", tag))
		return
	}
	w.u8(tag)
	writeKeyGroupsBody(w, h.StartKeyGroup, h.Offsets, h.Delegate)
	if tag == KeyGroupsV2 {
		w.utf(h.ID)
	}
}

// NamedHandle is one (RocksDB local file name, handle) pair of an
// incremental handle.
type NamedHandle struct {
	LocalPath string
	Handle    StreamHandle
}

// Incremental is a RocksDB (or ForSt) incremental handle (keyed tags 5, 11).
type Incremental struct {
	Tag              byte // IncrementalV1 or IncrementalV2 (the default)
	CheckpointID     int64
	BackendID        string // a UUID string: Flink's loader parses it with UUID.fromString
	StartKeyGroup    int32
	NumKeyGroups     int32
	CheckpointedSize int64 // V2 only
	Meta             StreamHandle
	Shared           []NamedHandle
	Private          []NamedHandle
	ID               string // V2 only
}

func (h *Incremental) writeKeyed(w *writer) {
	tag := h.Tag
	if tag == 0 {
		tag = IncrementalV2
	}
	if tag != IncrementalV1 && tag != IncrementalV2 {
		w.fail(fmt.Errorf("encode: Incremental tag %d is not 5 or 11", tag))
		return
	}
	w.u8(tag)
	w.i64(h.CheckpointID)
	w.utf(h.BackendID)
	w.i32(h.StartKeyGroup)
	w.i32(h.NumKeyGroups)
	if tag == IncrementalV2 {
		w.i64(h.CheckpointedSize)
	}
	writeStream(w, h.Meta)
	for _, list := range [][]NamedHandle{h.Shared, h.Private} {
		w.count("incremental file count", len(list))
		for _, nh := range list {
			w.utf(nh.LocalPath)
			writeStream(w, nh.Handle)
		}
	}
	if tag == IncrementalV2 {
		w.utf(h.ID)
	}
}

// Change is one change of an in-memory changelog handle.
type Change struct {
	KeyGroup int32 // -1 = metadata change
	Data     []byte
}

// InMemoryChangelog is an in-memory changelog delta (keyed tag 9, 1.15+ layout).
type InMemoryChangelog struct {
	StartKeyGroup, NumKeyGroups int32
	From, To                    int64
	Changes                     []Change
	ID                          string
}

func (h *InMemoryChangelog) writeKeyed(w *writer) {
	w.u8(tagChangelogInMem)
	w.i32(h.StartKeyGroup)
	w.i32(h.NumKeyGroups)
	w.i64(h.From)
	w.i64(h.To)
	w.count("changelog change count", len(h.Changes))
	for _, c := range h.Changes {
		w.i32(c.KeyGroup)
		w.count("changelog change length", len(c.Data))
		w.raw(c.Data)
	}
	w.utf(h.ID)
}

// Changelog is a changelog state-backend handle (keyed tag 14).
type Changelog struct {
	StartKeyGroup, NumKeyGroups int32
	CheckpointedSize            int64
	Materialized                []KeyedHandle
	NonMaterialized             []KeyedHandle
	MaterializationID           int64
	CheckpointID                int64
	ID                          string
}

func (h *Changelog) writeKeyed(w *writer) {
	w.u8(tagChangelogV2)
	w.i32(h.StartKeyGroup)
	w.i32(h.NumKeyGroups)
	w.i64(h.CheckpointedSize)
	for _, list := range [][]KeyedHandle{h.Materialized, h.NonMaterialized} {
		w.count("changelog handle count", len(list))
		for _, k := range list {
			writeKeyed(w, k)
		}
	}
	w.i64(h.MaterializationID)
	w.i64(h.CheckpointID)
	w.utf(h.ID)
}

func writeKeyed(w *writer, h KeyedHandle) {
	if isNil(h) {
		w.u8(tagNullHandle)
		return
	}
	h.writeKeyed(w)
}

// Distribution modes of operator state.
const (
	SplitDistribute = 0 // list state
	Union           = 1
	Broadcast       = 2
)

// NamedOperatorState is one named state inside an operator-state handle.
type NamedOperatorState struct {
	Name    string
	Mode    byte
	Offsets []int64
}

// FileMergingDirs turns an OperatorState into tag 17 (file merging).
type FileMergingDirs struct {
	TaskOwnedDir, SharedDir string
	Empty                   bool
}

// OperatorState is an operator-state handle (tag 4, or 17 with FileMerging).
type OperatorState struct {
	States      []NamedOperatorState
	FileMerging *FileMergingDirs
	Delegate    StreamHandle
}

func writeOperatorState(w *writer, h *OperatorState) {
	if h.FileMerging != nil {
		w.u8(tagFileMergingOpSt)
	} else {
		w.u8(tagOperatorStream)
	}
	w.count("operator state count", len(h.States))
	for _, s := range h.States {
		w.utf(s.Name)
		w.u8(s.Mode)
		w.count("partition offset count", len(s.Offsets))
		for _, o := range s.Offsets {
			w.i64(o)
		}
	}
	if fm := h.FileMerging; fm != nil {
		w.utf(fm.TaskOwnedDir)
		w.utf(fm.SharedDir)
		w.bool(fm.Empty)
	}
	writeStream(w, h.Delegate)
}

// Channel is an unaligned-checkpoint channel-state handle. Untagged in
// V3–V5; in V6 tagged 1 (input) or 2 (result subpartition).
type Channel struct {
	SubtaskIndex int32
	Info         [2]int32 // gate/channel or partition/subpartition
	Offsets      []int64
	Size         int64
	Delegate     StreamHandle
}

func writeChannel(w *writer, version int, input bool, h *Channel) {
	if version >= 6 {
		if input {
			w.u8(1)
		} else {
			w.u8(2)
		}
	}
	w.i32(h.SubtaskIndex)
	w.i32(h.Info[0])
	w.i32(h.Info[1])
	w.count("channel offset count", len(h.Offsets))
	for _, o := range h.Offsets {
		w.i64(o)
	}
	w.i64(h.Size)
	writeStream(w, h.Delegate)
}

// isNil reports a nil interface or a typed nil pointer inside one, so
// callers may leave handle fields unset.
func isNil(h any) bool {
	switch v := h.(type) {
	case nil:
		return true
	case *ByteStream:
		return v == nil
	case *FileHandle:
		return v == nil
	case *RelativeFile:
		return v == nil
	case *KeyGroupsStream:
		return v == nil
	case *Segment:
		return v == nil
	case *KeyGroups:
		return v == nil
	case *Incremental:
		return v == nil
	case *InMemoryChangelog:
		return v == nil
	case *Changelog:
		return v == nil
	}
	return false
}
