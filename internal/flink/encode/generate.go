package encode

import (
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
)

// Stats is what a generator wrote: the figures a decoder must report back.
type Stats struct {
	Bytes       int64 // file size
	Operators   int
	Subtasks    int   // subtask records written
	Handles     int   // stream handles written (files and inline)
	Files       int   // distinct files referenced
	FileBytes   int64 // sum of the sizes of the referenced files
	InlineBytes int64 // payload of inline byte-stream handles (coordinator state included)
}

// ids hands out deterministic UUID-shaped strings (Flink parses backend
// identifiers with UUID.fromString).
type ids struct{ r *rand.Rand }

func newIDs(seed uint64) *ids { return &ids{rand.New(rand.NewPCG(seed, seed^0x9E3779B97F4A7C15))} }

func (g *ids) uuid() string {
	var b [16]byte
	for i := range b {
		b[i] = byte(g.r.Uint32())
	}
	b[6] = b[6]&0x0F | 0x40
	b[8] = b[8]&0x3F | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

func (g *ids) jobID() string {
	var b [16]byte
	for i := range b {
		b[i] = byte(g.r.Uint32())
	}
	return hex.EncodeToString(b[:])
}

// keyGroupRange is Flink's KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex.
func keyGroupRange(maxParallelism, parallelism, index int) (start, num int32) {
	s := (index*maxParallelism + parallelism - 1) / parallelism
	e := ((index+1)*maxParallelism - 1) / parallelism
	return int32(s), int32(e - s + 1)
}

// DenseSpec describes a handle-dense checkpoint: a RocksDB incremental
// checkpoint of a wide job, where every subtask of every stateful operator
// references many shared SST files.
type DenseSpec struct {
	Version          int   // header version; default 4 (Flink 1.16–1.20)
	Operators        int   // stateful (keyed) operators; default 4
	Parallelism      int   // subtasks per operator; default 500
	SharedPerSubtask int   // shared SSTs per keyed subtask; default 50
	CheckpointID     int64 // default 42
	Seed             uint64
	// Root is the checkpoint directory root; the job directory is
	// Root/<job id>. Default hdfs://namenode.example.com:8020/jobs/flink/checkpoints.
	Root string
}

func (s *DenseSpec) defaults() {
	if s.Version == 0 {
		s.Version = 4
	}
	if s.Operators == 0 {
		s.Operators = 4
	}
	if s.Parallelism == 0 {
		s.Parallelism = 500
	}
	if s.SharedPerSubtask == 0 {
		s.SharedPerSubtask = 50
	}
	if s.CheckpointID == 0 {
		s.CheckpointID = 42
	}
	if s.Root == "" {
		s.Root = "hdfs://namenode.example.com:8020/jobs/flink/checkpoints"
	}
}

// WriteDense streams a handle-dense checkpoint to out. It holds one
// operator at a time. Besides the keyed operators there is one source
// operator with coordinator state and per-subtask operator state.
func WriteDense(out io.Writer, spec DenseSpec) (Stats, error) {
	spec.defaults()
	g := newIDs(spec.Seed + 1)
	jobDir := spec.Root + "/" + g.jobID()
	maxPar := 128
	for maxPar < spec.Parallelism {
		maxPar *= 2
	}
	var st Stats
	e, err := NewEncoder(out, spec.Version)
	if err != nil {
		return st, err
	}
	if err := e.Header(spec.CheckpointID, nil, spec.Operators+1); err != nil {
		return st, err
	}
	src := denseSource(spec, g, maxPar, &st)
	if err := e.Operator(&src); err != nil {
		return st, err
	}
	for o := 0; o < spec.Operators; o++ {
		uid := fmt.Sprintf("keyed-%d", o)
		op := Operator{Name: fmt.Sprintf("KeyedProcess %d", o), UID: uid, ID: IDFor(uid),
			Parallelism: int32(spec.Parallelism), MaxParallelism: int32(maxPar)}
		if spec.Version < 5 {
			op.Name, op.UID = "", ""
		}
		for i := 0; i < spec.Parallelism; i++ {
			start, num := keyGroupRange(maxPar, spec.Parallelism, i)
			h := denseIncremental(spec, g, jobDir, start, num, &st)
			op.Subtasks = append(op.Subtasks, Subtask{Index: int32(i), ManagedKeyed: h})
		}
		st.Subtasks += len(op.Subtasks)
		if err := e.Operator(&op); err != nil {
			return st, err
		}
	}
	st.Operators = spec.Operators + 1
	err = e.Finish(CheckpointProperties())
	st.Bytes = e.Written()
	return st, err
}

// size is a random size in [lo, hi).
func (g *ids) size(lo, hi int64) int64 { return lo + g.r.Int64N(hi-lo) }

// denseSource is WriteDense's source: coordinator state inline, split state
// per subtask in one exclusive (relative) file each.
func denseSource(spec DenseSpec, g *ids, maxPar int, st *Stats) Operator {
	src := Operator{Name: "Source: events", UID: "events-source", ID: IDFor("events-source"),
		Parallelism: int32(spec.Parallelism), MaxParallelism: int32(maxPar)}
	if spec.Version < 5 {
		src.Name, src.UID = "", ""
	}
	src.Coordinator = &ByteStream{Name: hex.EncodeToString(src.ID[:]), Data: make([]byte, 512)}
	st.Handles++
	st.InlineBytes += 512
	for i := 0; i < spec.Parallelism; i++ {
		f := &RelativeFile{Path: g.uuid(), Size: g.size(200, 4096)}
		src.Subtasks = append(src.Subtasks, Subtask{Index: int32(i), ManagedOperator: &OperatorState{
			States:   []NamedOperatorState{{Name: "SourceReaderState", Mode: SplitDistribute, Offsets: []int64{0}}},
			Delegate: f,
		}})
		st.Handles++
		st.Files++
		st.FileBytes += f.Size
	}
	st.Subtasks += len(src.Subtasks)
	return src
}

// denseIncremental is one keyed subtask's RocksDB incremental handle: a
// meta file, spec.SharedPerSubtask shared SSTs and three private files.
func denseIncremental(spec DenseSpec, g *ids, jobDir string, start, num int32, st *Stats) *Incremental {
	h := &Incremental{CheckpointID: spec.CheckpointID, BackendID: g.uuid(),
		StartKeyGroup: start, NumKeyGroups: num, ID: g.uuid()}
	meta := &RelativeFile{Path: g.uuid(), Size: g.size(1000, 20000)}
	h.Meta = meta
	st.FileBytes += meta.Size
	for k := 0; k < spec.SharedPerSubtask; k++ {
		f := &FileHandle{Path: jobDir + "/shared/" + g.uuid(), Size: g.size(1<<20, 64<<20)}
		h.Shared = append(h.Shared, NamedHandle{LocalPath: fmt.Sprintf("%06d.sst", 10+k), Handle: f})
		st.FileBytes += f.Size
		if k%10 == 0 { // the newest SSTs were uploaded by this checkpoint
			h.CheckpointedSize += f.Size
		}
	}
	for _, name := range []string{"MANIFEST-000004", "CURRENT", "OPTIONS-000007"} {
		f := &RelativeFile{Path: g.uuid(), Size: g.size(16, 8000)}
		h.Private = append(h.Private, NamedHandle{LocalPath: name, Handle: f})
		st.FileBytes += f.Size
	}
	n := 1 + len(h.Shared) + len(h.Private)
	st.Handles += n
	st.Files += n
	return h
}

// InlineSpec describes an inline-heavy checkpoint: everything stored in
// _metadata itself, as with JobManager checkpoint storage or a high inline
// threshold.
type InlineSpec struct {
	Version      int   // default 4
	TotalBytes   int64 // inline payload in all; default 1 GiB
	HandleBytes  int32 // payload per keyed handle; default 1 MiB (Flink's largest inline threshold)
	Parallelism  int   // subtasks per operator; default 128
	CheckpointID int64 // default 7
	Seed         uint64
}

func (s *InlineSpec) defaults() {
	if s.Version == 0 {
		s.Version = 4
	}
	if s.TotalBytes == 0 {
		s.TotalBytes = 1 << 30
	}
	if s.HandleBytes == 0 {
		s.HandleBytes = 1 << 20
	}
	if s.Parallelism == 0 {
		s.Parallelism = 128
	}
	if s.CheckpointID == 0 {
		s.CheckpointID = 7
	}
}

// WriteInline streams an inline-heavy checkpoint to out: one KeyGroupsV2
// handle with an inline delegate per subtask, filling operators of
// Parallelism subtasks until TotalBytes of payload are written. Payloads are
// generated while writing; memory stays flat whatever the size.
func WriteInline(out io.Writer, spec InlineSpec) (Stats, error) {
	spec.defaults()
	g := newIDs(spec.Seed + 2)
	handles := int((spec.TotalBytes + int64(spec.HandleBytes) - 1) / int64(spec.HandleBytes))
	operators := (handles + spec.Parallelism - 1) / spec.Parallelism
	var st Stats
	e, err := NewEncoder(out, spec.Version)
	if err != nil {
		return st, err
	}
	if err := e.Header(spec.CheckpointID, nil, operators); err != nil {
		return st, err
	}
	base := fmt.Sprintf("file:/tmp/flink/checkpoints/%s/chk-%d/", g.jobID(), spec.CheckpointID)
	left := spec.TotalBytes
	maxPar := 128
	for maxPar < spec.Parallelism {
		maxPar *= 2
	}
	for o := 0; o < operators; o++ {
		uid := fmt.Sprintf("inline-%d", o)
		op := Operator{Name: fmt.Sprintf("Window %d", o), UID: uid, ID: IDFor(uid),
			Parallelism: int32(spec.Parallelism), MaxParallelism: int32(maxPar)}
		if spec.Version < 5 {
			op.Name, op.UID = "", ""
		}
		for i := 0; i < spec.Parallelism && left > 0; i++ {
			n := int64(spec.HandleBytes)
			if left < n {
				n = left
			}
			left -= n
			start, num := keyGroupRange(maxPar, spec.Parallelism, i)
			offsets := make([]int64, num)
			for k := range offsets {
				offsets[k] = int64(k) * n / int64(num)
			}
			op.Subtasks = append(op.Subtasks, Subtask{Index: int32(i), ManagedKeyed: &KeyGroups{
				Tag: KeyGroupsV2, StartKeyGroup: start, Offsets: offsets, ID: g.uuid(),
				Delegate: &ByteStream{Name: base + g.uuid(), Len: int32(n)},
			}})
			st.Handles++
			st.InlineBytes += n
		}
		st.Subtasks += len(op.Subtasks)
		if err := e.Operator(&op); err != nil {
			return st, err
		}
	}
	st.Operators = operators
	err = e.Finish(CheckpointProperties())
	st.Bytes = e.Written()
	return st, err
}

// WriteEmptyOperators streams a checkpoint of n operators without any
// subtask state: valid for Flink, and the most records per byte a file can
// hold (29 bytes each in V4), the hostile-but-valid case for per-record
// costs.
func WriteEmptyOperators(out io.Writer, version int, n int) (Stats, error) {
	if version == 0 {
		version = 4
	}
	var st Stats
	e, err := NewEncoder(out, version)
	if err != nil {
		return st, err
	}
	if err := e.Header(1, nil, n); err != nil {
		return st, err
	}
	for i := 0; i < n; i++ {
		op := Operator{ID: IDFor(fmt.Sprint("op-", i)), Parallelism: 1, MaxParallelism: 128}
		if version >= 5 {
			op.UID = fmt.Sprint("op-", i)
		}
		if err := e.Operator(&op); err != nil {
			return st, err
		}
	}
	st.Operators = n
	err = e.Finish(CheckpointProperties())
	st.Bytes = e.Written()
	return st, err
}
