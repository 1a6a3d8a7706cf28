package flink

import (
	"fmt"
	"strings"

	"github.com/ckptlens/ckptlens/parse/model"
)

// newWalker starts the neutral snapshot of a Flink file; the decoder hands
// it each operator as it reads it (DecodeSnapshot), so the operators are
// never all held twice.
func newWalker(source string) *walker {
	s := &model.Snapshot{Source: source, Format: model.FormatFlink, Operators: []model.Operator{}, Files: []model.File{}}
	return &walker{s: s, index: newPathIndex(0)}
}

// reserve sizes the lists for the counted operators and file handles: a
// handle-dense snapshot would otherwise grow (and clear) them again and
// again.
func (w *walker) reserve(operators, fileHandles int) {
	w.s.Operators = make([]model.Operator, 0, operators)
	w.s.Files = make([]model.File, 0, fileHandles)
	w.index = newPathIndex(fileHandles)
	w.ops = make([]string, 0, fileHandles)
}

// add converts one operator, with Flink's own size figures, and collects
// its files, inline bytes and hints.
func (w *walker) add(op *OperatorState) {
	mo := model.Operator{
		ID: op.ID.String(), Name: op.Name, UID: op.UID,
		Parallelism: op.Parallelism, MaxParallelism: op.MaxParallelism,
		Subtasks: int32(len(op.Subtasks) + len(op.Finished)), Finished: int32(len(op.Finished)),
		FullyFinished: op.FullyFinished,
	}
	w.op, w.inline = mo.ID, 0
	mo.CoordinatorBytes = op.Coordinator.Size()
	w.stream(op.Coordinator, model.KindCoordinator)
	mo.StateBytes, mo.CheckpointedBytes = op.sizes()
	for j := range op.Subtasks {
		w.subtask(&op.Subtasks[j])
	}
	mo.InlineBytes = w.inline
	w.s.InlineBytes += w.inline
	w.s.Operators = append(w.s.Operators, mo)
}

// finish adds the operators m holds (none when the decoder handed them
// over) and what m says beside them.
func (w *walker) finish(m *Metadata) *model.Snapshot {
	for i := range m.Operators {
		w.add(&m.Operators[i])
	}
	s := w.s
	s.FormatVersion, s.Dialect, s.WrittenBy = m.Version, m.Dialect, m.WrittenBy()
	s.Size, s.BytesRead, s.CheckpointID, s.Warnings = m.Size, m.BytesRead, m.CheckpointID, m.Warnings
	s.Flink = &model.FlinkDetails{MasterStates: make([]model.MasterState, 0, len(m.MasterStates))}
	for _, ms := range m.MasterStates {
		s.Flink.MasterStates = append(s.Flink.MasterStates, model.MasterState{Name: ms.Name, Version: ms.Version, Bytes: ms.Bytes})
	}
	if m.Properties != nil {
		p := *m.Properties
		s.Flink.Properties = &p
	}
	s.BackendHints = w.hints.list()
	s.SnapshotKind, s.SavepointFormat = m.kind(&w.hints)
	return s
}

// WrittenBy names the Flink releases whose writer produces this file,
// narrowed by the constructs seen where the header version alone is vague.
func (m *Metadata) WrittenBy() string {
	switch m.Version {
	case 0:
		return "Flink 1.1"
	case 1:
		return "Flink 1.2"
	case 2:
		return "Flink 1.3–1.10"
	case 3:
		switch m.Dialect {
		case "1.11":
			return "Flink 1.11"
		case "1.14-changelog":
			return "Flink 1.14"
		}
		lo := max(11, m.earliest)
		if lo >= 15 {
			return "Flink 1.15"
		}
		return fmt.Sprintf("Flink 1.%d–1.15", lo)
	case 4:
		if m.earliest >= 20 {
			return "Flink 1.20"
		}
		return "Flink 1.16–1.20"
	case 5:
		return "Flink 2.0"
	case 6:
		return "Flink 2.1 or later"
	case 7:
		return "no released Flink (header version 7 is the unmerged FLINK-40209 proposal)"
	}
	return ""
}

// kind is the snapshot kind and savepoint format: from the properties when
// the file has them, else inferred from handles only savepoints or only
// checkpoints contain.
func (m *Metadata) kind(h *hints) (kind, format string) {
	switch m.SnapshotType { // set only together with m.Properties
	case "CheckpointType":
		return model.KindCheckpoint, ""
	case "SavepointType":
		return model.KindSavepoint, strings.ToLower(m.Properties.FormatType)
	}
	switch {
	case h.has(hintCanonicalSavepoint):
		return model.KindSavepoint, "canonical"
	case h.checkpointOnly:
		return model.KindCheckpoint, ""
	}
	return model.KindUnknown, ""
}

// sizes returns Flink's OperatorState.getStateSize() and
// getCheckpointedSize(). Flink keeps subtasks in a map, so a repeated index
// replaces the earlier record (finished subtasks, which count zero,
// included); getCheckpointedSize only looks at indexes below the
// parallelism.
func (op *OperatorState) sizes() (state, checkpointed int64) {
	c := op.Coordinator.Size()
	state, checkpointed = c, c
	var last map[int32]int // index -> position of its last live record; -1 if a finished record came last
	if len(op.Subtasks) > 1 || (len(op.Subtasks) > 0 && len(op.Finished) > 0) {
		last = make(map[int32]int, len(op.Subtasks))
		for j := range op.Subtasks {
			last[op.Subtasks[j].Index] = j
		}
		// Finished and live records of one index cannot be ordered here;
		// Flink writers never produce both, so a finished record wins.
		for _, i := range op.Finished {
			if _, ok := last[i]; ok {
				last[i] = -1
			}
		}
	}
	for j := range op.Subtasks {
		st := &op.Subtasks[j]
		if last != nil && last[st.Index] != j {
			continue
		}
		s, cs := st.sizes()
		state += s
		if st.Index >= 0 && st.Index < op.Parallelism {
			checkpointed += cs
		}
	}
	return state, checkpointed
}

// sizes returns OperatorSubtaskState.getStateSize() and getCheckpointedSize().
func (st *SubtaskState) sizes() (state, checkpointed int64) {
	var ops int64 // operator handles are not composite: checkpointed = state size
	if x := st.Extra; x != nil && x.Legacy != nil {
		lg := x.Legacy
		ops += lg.StateSize
		for i := range lg.Streams {
			ops += lg.Streams[i].Size()
		}
		for _, list := range [2][]*OperatorHandle{lg.ChainedManaged, lg.ChainedRaw} {
			for _, h := range list {
				ops += h.Size()
			}
		}
	}
	ops += st.ManagedOperator.Size() + st.RawOperator.Size()
	state, checkpointed = ops, ops
	for _, h := range [2]*KeyedHandle{st.ManagedKeyed, st.RawKeyed} {
		state += h.Size()
		checkpointed += h.CheckpointedBytes()
	}
	for _, ch := range st.Channels() {
		state += ch.StateSize
		checkpointed += ch.StateSize
	}
	return state, checkpointed
}

// Size is Flink's getStateSize() for the handle: its delegate's size.
func (h *OperatorHandle) Size() int64 {
	if h == nil {
		return 0
	}
	return h.Delegate.Size()
}

// Size is Flink's getStateSize() for the handle.
func (h *KeyedHandle) Size() int64 {
	if h == nil {
		return 0
	}
	switch h.Tag {
	case KeyedKeyGroups, KeyedSavepointKeyGroups, KeyedKeyGroupsV2:
		return h.Delegate.Size()
	case KeyedIncremental, KeyedIncrementalV2:
		x := h.Incremental
		n := x.Meta.Size()
		for i := range x.Shared {
			n += x.Shared[i].Handle.Size()
		}
		for i := range x.Private {
			n += x.Private[i].Handle.Size()
		}
		return n
	case KeyedChangelog, KeyedChangelogV2:
		var n int64
		for _, k := range h.Changelog.Materialized {
			n += k.Size()
		}
		for _, k := range h.Changelog.NonMaterialized {
			n += k.Size()
		}
		return n
	case KeyedChangelogBytes:
		return h.Changelog.ChangeBytes
	case KeyedChangelogFile, KeyedChangelogFileV2:
		return h.Changelog.StateSize
	}
	return 0
}

// CheckpointedBytes is Flink's getCheckpointedSize() for the handle: the
// stored figure where the handle has one (an incremental handle's unknown
// -1 falls back to its state size, as Flink's constructor does), else the
// state size.
func (h *KeyedHandle) CheckpointedBytes() int64 {
	if h == nil {
		return 0
	}
	switch h.Tag {
	case KeyedIncremental, KeyedIncrementalV2:
		if c := h.Incremental.CheckpointedSize; c != checkpointedSizeUnknown {
			return c
		}
	case KeyedChangelog, KeyedChangelogV2, KeyedChangelogFile, KeyedChangelogFileV2:
		if h.Changelog.HasCheckpointedSize {
			return h.Changelog.CheckpointedSize
		}
	}
	return h.Size()
}

// Backend hints, in the order they are listed. They are bits, not map
// keys: one is noted for every handle.
type hint uint16

const (
	hintRocksDBIncremental hint = 1 << iota
	hintFullKeyed
	hintCanonicalSavepoint
	hintChangelog
	hintFileMerging
	hintChannelState
	hintOperatorState
	hintCoordinatorState
	hintInlineState
)

// hintNames are the hints' names, bit by bit.
var hintNames = []string{"rocksdb-incremental", "full-keyed", "canonical-savepoint", "changelog",
	"file-merging", "unaligned-channel-state", "operator-state", "coordinator-state", "inline-state"}

type hints struct {
	set hint
	// checkpointOnly is set by handles savepoints never contain.
	checkpointOnly bool
}

func (h *hints) add(x hint) { h.set |= x }

func (h *hints) has(x hint) bool { return h.set&x != 0 }

func (h *hints) list() []string {
	var out []string
	for i, n := range hintNames {
		if h.set&(1<<i) != 0 {
			out = append(out, n)
		}
	}
	return out
}

// walker builds the neutral snapshot one operator at a time: it collects
// each one's files, inline bytes and hints.
type walker struct {
	s      *model.Snapshot
	index  *pathIndex // path -> position in s.Files
	segs   map[string]map[[2]int64]bool
	op     string
	ops    []string // backing array of the files' operator lists
	inline int64
	hints  hints
}

func (w *walker) subtask(st *SubtaskState) {
	ops := [2]*OperatorHandle{st.ManagedOperator, st.RawOperator}
	list := ops[:]
	if x := st.Extra; x != nil && x.Legacy != nil {
		lg := x.Legacy
		for i := range lg.Streams {
			w.stream(&lg.Streams[i], model.KindOperator)
		}
		list = append(append(list, lg.ChainedManaged...), lg.ChainedRaw...)
	}
	for _, h := range list {
		if h == nil {
			continue
		}
		w.hints.add(hintOperatorState)
		if h.Tag == OperatorFileMerging {
			w.hints.add(hintFileMerging)
			w.hints.checkpointOnly = true
		}
		w.stream(&h.Delegate, model.KindOperator)
	}
	w.keyed(st.ManagedKeyed)
	w.keyed(st.RawKeyed)
	channels := st.Channels()
	for i := range channels {
		w.hints.add(hintChannelState)
		w.hints.checkpointOnly = true
		w.stream(&channels[i].Delegate, model.KindChannel)
	}
}

func (w *walker) keyed(h *KeyedHandle) {
	if h == nil {
		return
	}
	switch h.Tag {
	case KeyedKeyGroups, KeyedKeyGroupsV2:
		w.hints.add(hintFullKeyed)
		w.stream(&h.Delegate, model.KindKeyed)
	case KeyedSavepointKeyGroups:
		w.hints.add(hintCanonicalSavepoint)
		w.stream(&h.Delegate, model.KindKeyed)
	case KeyedIncremental, KeyedIncrementalV2:
		x := h.Incremental
		w.hints.add(hintRocksDBIncremental)
		// Native savepoints share nothing, so shared files, like the
		// incremental handles of Flink before 1.15, mean a checkpoint.
		if h.Tag == KeyedIncremental || len(x.Shared) > 0 {
			w.hints.checkpointOnly = true
		}
		w.stream(&x.Meta, model.KindMetadata)
		for i := range x.Shared {
			w.stream(&x.Shared[i].Handle, model.KindShared)
		}
		for i := range x.Private {
			w.stream(&x.Private[i].Handle, model.KindPrivate)
		}
	case KeyedChangelog, KeyedChangelogV2, KeyedChangelogBytes, KeyedChangelogFile, KeyedChangelogFileV2:
		x := h.Changelog
		w.hints.add(hintChangelog)
		w.hints.checkpointOnly = true
		for _, k := range x.Materialized {
			w.keyed(k)
		}
		for _, k := range x.NonMaterialized {
			w.keyed(k)
		}
		for i := range x.Deltas {
			w.stream(&x.Deltas[i].Handle, model.KindChangelog)
		}
	}
}

func (w *walker) stream(h *StreamHandle, kind model.FileKind) {
	if h == nil {
		return
	}
	switch h.Tag {
	case StreamByteStream:
		w.inline += h.StateSize
		if kind == model.KindCoordinator {
			w.hints.add(hintCoordinatorState)
		} else {
			w.hints.add(hintInlineState)
		}
	case StreamFile, StreamRelative:
		w.file(h.Path, h.Tag == StreamRelative, h.StateSize, kind)
	case StreamKeyGroups:
		w.stream(&h.Extra.Delegate, kind)
	case StreamSegment:
		w.hints.add(hintFileMerging)
		w.hints.checkpointOnly = true
		w.segment(h)
	case StreamEmptySegment:
		w.hints.add(hintFileMerging)
		w.hints.checkpointOnly = true
	}
}

func (w *walker) file(path string, relative bool, size int64, kind model.FileKind) *model.File {
	i, slot, tag := w.index.find(path, w.s.Files)
	if i >= 0 {
		f := &w.s.Files[i]
		w.reference(f)
		return f
	}
	// Most files belong to one operator: their lists share one backing
	// array (capacity 1 each, so a second operator copies).
	w.ops = append(w.ops, w.op)
	ops := w.ops[len(w.ops)-1 : len(w.ops) : len(w.ops)]
	w.s.Files = append(w.s.Files, model.File{Path: path, Relative: relative, Bytes: size, Kind: kind, Operators: ops})
	w.index.add(slot, tag, len(w.s.Files)-1, w.s.Files)
	return &w.s.Files[len(w.s.Files)-1]
}

func (w *walker) reference(f *model.File) {
	for _, id := range f.Operators {
		if id == w.op {
			return
		}
	}
	f.Operators = append(f.Operators, w.op)
}

// segment accounts a file-merging segment to its physical file: Bytes is
// the sum of the distinct segments' sizes.
func (w *walker) segment(h *StreamHandle) {
	f := w.file(h.Path, false, 0, model.KindSegment)
	if f.Kind != model.KindSegment { // first referenced as a whole file
		return
	}
	if w.segs == nil {
		w.segs = map[string]map[[2]int64]bool{}
	}
	set := w.segs[h.Path]
	if set == nil {
		set = map[[2]int64]bool{}
		w.segs[h.Path] = set
	}
	key := [2]int64{h.Extra.StartPos, h.StateSize}
	if set[key] {
		return
	}
	set[key] = true
	f.Segments++
	f.Bytes += h.StateSize
}

// KindNotRecorded says, in Flink's words, why a file of header version v
// does not say whether it is a checkpoint or a savepoint: before header
// version 4 a _metadata file keeps no checkpoint properties, and nothing
// found in it is only written by one of the two.
func KindNotRecorded(v int) string {
	if v >= 4 {
		return "checkpoint or savepoint: its checkpoint properties do not say"
	}
	return fmt.Sprintf("checkpoint or savepoint: the file does not say (header versions before 4 keep no checkpoint properties; this is version %d, and nothing in it is written only by checkpoints or only by savepoints)", v)
}

// NamesNotRecorded says, in Flink's words, why operators of a file of header
// version v have no names or uids, or "" when the version records them:
// Flink writes them from header version 5 (Flink 2.0); before that a
// _metadata file keeps only each operator's id, a hash of its uid.
func NamesNotRecorded(v int) string {
	if v >= 5 {
		return ""
	}
	return fmt.Sprintf("Operator names and uids are written from header version 5 (Flink 2.0); this file is header version %d, so it keeps only each operator's id (the hash of its uid, or of its place in the job graph when it had none).", v)
}
