package encode

import (
	"crypto/sha256"
	"fmt"
	"io"

	"github.com/ckptlens/ckptlens/parse/model"
)

const (
	metadataMagic    = 0x4960672D
	masterStateMagic = -915728746 // 0xC96B1696
)

// Metadata is a whole _metadata file.
type Metadata struct {
	Version      int // header version 2–6
	CheckpointID int64
	MasterStates []MasterState
	Operators    []Operator
	// Properties is the V4+ CheckpointProperties; nil writes Java null
	// (what the State Processor API writes).
	Properties *model.CheckpointProperties
}

// MasterState is a master-hook state record (V2+).
type MasterState struct {
	Name    string
	Version int32
	Payload []byte
}

// Operator is one operator's state.
type Operator struct {
	Name, UID      string   // V5+ only; "" = not set
	ID             [16]byte // see IDFor
	Parallelism    int32
	MaxParallelism int32
	Coordinator    *ByteStream // V3+; nil = none
	FullyFinished  bool        // V3+: written as subtask count -1
	Subtasks       []Subtask
}

// Subtask is one subtask's state.
type Subtask struct {
	Index               int32
	Finished            bool // V3+: written as -Index-1, nothing follows
	ManagedOperator     *OperatorState
	RawOperator         *OperatorState
	ManagedKeyed        KeyedHandle
	RawKeyed            KeyedHandle
	InputChannels       []Channel // V3+
	ResultSubpartitions []Channel // V3+
}

// IDFor derives a stable operator id from a string. It is not Flink's
// murmur3 uid hash; the decoder and Flink treat the id as opaque bytes.
func IDFor(s string) [16]byte {
	sum := sha256.Sum256([]byte(s))
	var id [16]byte
	copy(id[:], sum[:16])
	return id
}

// Encoder writes one _metadata file piece by piece, so a generator can emit
// millions of handles holding only one operator at a time:
// Header, then exactly the announced number of Operator calls, then Finish.
type Encoder struct {
	w         *writer
	version   int
	operators int // still to be written
	finished  bool
}

// NewEncoder starts a file of the given header version on w.
func NewEncoder(w io.Writer, version int) (*Encoder, error) {
	if version < 2 || version > 6 {
		return nil, errVersion
	}
	return &Encoder{w: newWriter(w), version: version}, nil
}

// RecordFields makes the encoder remember where every length and count
// field is (see Fields). Call it before Header.
func (e *Encoder) RecordFields() { e.w.record = true }

// Fields lists the recorded length and count fields in file order.
func (e *Encoder) Fields() []Field { return e.w.fields }

// Written is the number of bytes written so far.
func (e *Encoder) Written() int64 { return e.w.n }

// Header writes the magic, version, checkpoint id, master states and the
// operator count.
func (e *Encoder) Header(checkpointID int64, masters []MasterState, operators int) error {
	w := e.w
	w.i32(metadataMagic)
	w.i32(int32(e.version))
	w.i64(checkpointID)
	w.count("master state count", len(masters))
	for _, m := range masters {
		name := ModifiedUTF8(m.Name)
		w.i32(masterStateMagic)
		w.count("master state length", 4+2+len(name)+4+len(m.Payload))
		w.i32(m.Version)
		w.utf(m.Name)
		w.count("master state payload length", len(m.Payload))
		w.raw(m.Payload)
	}
	w.count("operator count", operators)
	e.operators = operators
	return w.err
}

// Operator writes one operator record.
func (e *Encoder) Operator(op *Operator) error {
	if e.operators == 0 {
		return fmt.Errorf("encode: more operators than announced in Header")
	}
	e.operators--
	w, v := e.w, e.version
	if v >= 5 {
		w.utf(op.Name)
		w.utf(op.UID)
	}
	w.raw(op.ID[:])
	w.i32(op.Parallelism)
	w.i32(op.MaxParallelism)
	if v == 2 {
		w.i32(1) // unused "chain length"
	} else {
		writeStream(w, streamOrNil(op.Coordinator))
	}
	if op.FullyFinished {
		if v < 3 {
			w.fail(fmt.Errorf("encode: a fully finished operator needs header version 3+"))
		}
		w.count("subtask count", -1)
		return w.err
	}
	w.count("subtask count", len(op.Subtasks))
	for i := range op.Subtasks {
		e.subtask(&op.Subtasks[i])
	}
	return w.err
}

func streamOrNil(b *ByteStream) StreamHandle {
	if b == nil {
		return nil
	}
	return b
}

func (e *Encoder) subtask(st *Subtask) {
	w, v := e.w, e.version
	if st.Finished {
		if v < 3 {
			w.fail(fmt.Errorf("encode: a finished subtask needs header version 3+"))
		}
		w.i32(-st.Index - 1)
		return
	}
	w.i32(st.Index)
	if v == 2 {
		w.i64(-1) // unused "duration"
		w.count("legacy handle count", 0)
	}
	for _, h := range []*OperatorState{st.ManagedOperator, st.RawOperator} {
		if h == nil {
			w.i32(0)
			continue
		}
		w.i32(1)
		writeOperatorState(w, h)
	}
	writeKeyed(w, st.ManagedKeyed)
	writeKeyed(w, st.RawKeyed)
	if v == 2 {
		if len(st.InputChannels)+len(st.ResultSubpartitions) > 0 {
			w.fail(fmt.Errorf("encode: channel state needs header version 3+"))
		}
		return
	}
	for i, list := range [][]Channel{st.InputChannels, st.ResultSubpartitions} {
		w.count("channel handle count", len(list))
		for j := range list {
			writeChannel(w, v, i == 0, &list[j])
		}
	}
}

// Finish writes the V4+ properties blob and flushes. p is ignored before V4.
func (e *Encoder) Finish(p *model.CheckpointProperties) error {
	if e.finished {
		return fmt.Errorf("encode: Finish called twice")
	}
	e.finished = true
	if e.operators != 0 {
		return fmt.Errorf("encode: %d announced operators were not written", e.operators)
	}
	if e.version >= 4 {
		writeProperties(e.w, p)
	}
	return e.w.flush()
}

// Write encodes m to out.
func Write(out io.Writer, m *Metadata) error {
	_, err := write(out, m, false)
	return err
}

// Bytes encodes m in memory.
func Bytes(m *Metadata) ([]byte, error) {
	var buf bytesBuffer
	_, err := write(&buf, m, false)
	return buf.b, err
}

// BytesWithFields encodes m in memory and reports where its length and
// count fields are.
func BytesWithFields(m *Metadata) ([]byte, []Field, error) {
	var buf bytesBuffer
	fields, err := write(&buf, m, true)
	return buf.b, fields, err
}

func write(out io.Writer, m *Metadata, record bool) ([]Field, error) {
	e, err := NewEncoder(out, m.Version)
	if err != nil {
		return nil, err
	}
	if record {
		e.RecordFields()
	}
	if err := e.Header(m.CheckpointID, m.MasterStates, len(m.Operators)); err != nil {
		return nil, err
	}
	for i := range m.Operators {
		if err := e.Operator(&m.Operators[i]); err != nil {
			return nil, err
		}
	}
	if err := e.Finish(m.Properties); err != nil {
		return nil, err
	}
	return e.Fields(), nil
}

type bytesBuffer struct{ b []byte }

func (b *bytesBuffer) Write(p []byte) (int, error) {
	b.b = append(b.b, p...)
	return len(p), nil
}
