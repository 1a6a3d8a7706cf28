// Package flink decodes Apache Flink checkpoint and savepoint _metadata
// files, header versions 1–7 (and recognizes 0 and Flink 1.0), exactly as
// Flink's Checkpoints.loadCheckpointMetadata reads them. The layout is in
// ../shared/docs/flink-metadata-format.md; Flink's MetadataV2V3SerializerBase
// and its subclasses are the reference.
package flink

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/ckptlens/ckptlens/parse/model"
	"github.com/ckptlens/ckptlens/parse/units"
)

// Magic is the first four bytes of every _metadata file.
const Magic = 0x4960672D

const masterStateMagic = -915728746 // 0xC96B1696 as Flink's int

// javaMagic starts a Java serialization stream (a Flink 1.0 savepoint).
var javaMagic = []byte{0xAC, 0xED, 0x00, 0x05}

// maxDepth bounds handle nesting (key-group stream handles inside each
// other, changelog handles inside changelog handles). Real files nest at
// most three levels; the bound keeps hostile input from exhausting the stack.
const maxDepth = 32

// HasMagic reports whether head starts like a Flink _metadata file, a
// current one or a Java-serialized Flink 1.0 savepoint.
func HasMagic(head []byte) bool {
	return bytes.HasPrefix(head, []byte{0x49, 0x60, 0x67, 0x2D}) || bytes.HasPrefix(head, javaMagic)
}

// Decode reads a whole _metadata file of the given size. It always returns
// a non-nil Metadata: on error it holds what was decoded before the error,
// which is a *model.FormatError (corrupt input, with the byte offset), a
// *model.UnsupportedError (a Flink 1.0 or 1.1 savepoint, an unknown future
// version) or an I/O error from r.
func Decode(r io.ReaderAt, size int64) (*Metadata, error) {
	return DecodeWithin(r, size, Limits{})
}

// Limits bound what DecodeWithin builds; the zero value bounds nothing.
type Limits struct {
	// MaxModelBytes is the most memory the decoded model may take. An
	// input whose model needs more is an UnsupportedError found by the
	// first pass, before anything is allocated for it. The page sets it,
	// as in WebAssembly's 4 GiB a larger model renders too slowly or never
	// (figures: bench/RESULTS.md).
	MaxModelBytes int64
	// Hint ends the error's reason: where such a file can be read.
	Hint string
	// Stop, when set, is asked between operators; once it answers true the
	// decode ends with a ReadError wrapping model.ErrStopped.
	Stop func() bool
}

// DecodeWithin is Decode within limits.
func DecodeWithin(r io.ReaderAt, size int64, limits Limits) (*Metadata, error) {
	return decode(r, size, limits, nil)
}

// DecodeSnapshot is DecodeWithin followed by Metadata.Snapshot, except that
// each operator becomes neutral as soon as it is read: a file of millions
// of small operators never holds its Flink records beside the neutral ones.
func DecodeSnapshot(r io.ReaderAt, size int64, limits Limits) (*model.Snapshot, error) {
	w := newWalker("")
	m, err := decode(r, size, limits, w)
	return w.finish(m), err
}

// decode hands each operator to build when it is set, and keeps none.
func decode(r io.ReaderAt, size int64, limits Limits, build *walker) (*Metadata, error) {
	m := &Metadata{Size: size}
	if size <= 0 {
		found := "an empty file (0 bytes)"
		if size < 0 {
			found = fmt.Sprintf("a negative input size %d", size)
		}
		return m, &model.FormatError{Format: model.FormatFlink, Offset: 0,
			Expected: "a Flink _metadata file (it starts with the magic number 49 60 67 2D)", Found: found}
	}
	rd := newReader(r, size)
	if err := readMagic(rd); err != nil {
		m.BytesRead = rd.offset()
		return m, err
	}
	vOff := rd.offset()
	version := rd.i32("the header version")
	m.BytesRead = rd.offset()
	if rd.err != nil {
		return m, rd.err
	}
	m.Version = int(version)
	switch {
	case version == 0:
		return decodeV0(rd, m)
	case version >= 1 && version <= 7:
	case version > 7 && version < 1000:
		return m, &model.UnsupportedError{Format: model.FormatFlink, Offset: vOff,
			What:   fmt.Sprintf("a Flink _metadata file with header version %d", version),
			Reason: "no Flink release known to ckptlens writes it (the newest, Flink 2.1 and later, write version 6)"}
	default:
		return m, &model.FormatError{Format: model.FormatFlink, Offset: vOff,
			Expected: "a header version between 0 and 7", Found: fmt.Sprint(version)}
	}
	return decodeBody(rd, m, int(version), limits, build)
}

// readMagic checks the magic number and explains what the input is when it
// is something else.
func readMagic(r *reader) error {
	head := make([]byte, min(r.size, 16))
	if _, err := r.src.ReadAt(head, 0); err != nil && err != io.EOF {
		return fmt.Errorf("reading flink metadata: %w", err)
	}
	if bytes.HasPrefix(head, javaMagic) {
		return &model.UnsupportedError{Format: model.FormatFlink, Offset: 0,
			What:   "a Flink 1.0 savepoint (a Java-serialized CompletedCheckpoint)",
			Reason: "it was written by Flink 1.0; Flink 1.1 and every later release cannot read it either"}
	}
	magic := r.i32("the magic number 49 60 67 2D")
	if r.err != nil {
		return &model.FormatError{Format: model.FormatFlink, Offset: 0,
			Expected: "a Flink _metadata file (it starts with the magic number 49 60 67 2D)",
			Found:    fmt.Sprintf("only %d bytes (% X)%s", r.size, head, describeSuffix(head))}
	}
	if magic != Magic {
		return &model.FormatError{Format: model.FormatFlink, Offset: 0,
			Expected: "a Flink _metadata file (it starts with the magic number 49 60 67 2D)",
			Found:    fmt.Sprintf("% X%s", head[:4], describeSuffix(head))}
	}
	return nil
}

func describeSuffix(head []byte) string {
	if what := DescribeContent(head); what != "" {
		return ": this is " + what + ", not a Flink _metadata file"
	}
	return ": this is not a Flink _metadata file, or it is corrupted"
}

// decodeBody reads everything after the header version in two passes (see
// alloc.go). Version 3 has layouts that share the version number (1.11
// channel handles lack the subtask index; 1.14 changelog handles lack later
// fields): the common layout is tried first and, when it fails on a
// construct that differs, the older layouts the file can be. The trials
// are first passes, which allocate nothing.
func decodeBody(rd *reader, m *Metadata, version int, limits Limits, build *walker) (*Metadata, error) {
	start := rd.offset()
	s := getSlabs()
	// A corrupt input can decode into many tiny records before the error
	// shows. Its partial result is kept only up to an operator boundary
	// where the model still costs at most about twice the input.
	budget := max(2*m.Size-bufferSize(m.Size), 1024)
	count := func(channel111, changelog114 bool, maxOps int) *decoder {
		rd.seek(start)
		rd.counting, rd.strBytes = true, 0
		s.reset()
		d := &decoder{r: rd, m: &Metadata{Size: m.Size, Version: version}, version: version,
			channel111: channel111, changelog114: changelog114, counting: true, s: s,
			budget: budget, maxOps: maxOps, stop: limits.Stop}
		d.err = d.body()
		return d
	}
	chosen := count(false, false, -1)
	if errors.Is(chosen.err, model.ErrStopped) {
		putSlabs(chosen.s)
		return m, chosen.err
	}
	if version == 3 {
		chosen = v3Layout(chosen, count)
	}
	maxOps := -1
	if chosen.err != nil && chosen.cost() > budget {
		maxOps = chosen.fitOps
		fullErr := chosen.err
		chosen = count(chosen.channel111, chosen.changelog114, maxOps)
		chosen.fullErr = fullErr
	}

	if need := chosen.cost(); limits.MaxModelBytes > 0 && need > limits.MaxModelBytes {
		putSlabs(chosen.s)
		return m, &model.UnsupportedError{Format: model.FormatFlink, Offset: start,
			What:   fmt.Sprintf("a checkpoint whose state handles take %s of memory to hold", units.Bytes(need)),
			Reason: fmt.Sprintf("more than the %s this reader may use%s", units.Bytes(limits.MaxModelBytes), limits.Hint)}
	}

	rd.seek(start)
	rd.counting = false
	if !rd.whole && rd.strBytes > 0 {
		rd.arena = make([]byte, 0, rd.strBytes)
	}
	ops := chosen.s.operators.n
	if build != nil {
		chosen.s.operators.n = 0 // handed over, never kept
	}
	chosen.s.prepare()
	// After the slabs, not before: in the page (one thread) the collection
	// the slabs start then stayed in its mark phase through the second pass,
	// with write barriers on every record copied (bench/RESULTS.md).
	if build != nil {
		build.reserve(ops, chosen.fileHandles)
	}
	d := &decoder{r: rd, m: m, version: version, channel111: chosen.channel111,
		changelog114: chosen.changelog114, s: chosen.s, maxOps: maxOps, stop: limits.Stop, build: build}
	err := d.body()
	putSlabs(chosen.s)
	if maxOps >= 0 {
		// The cut run stopped early on purpose; the error is where the
		// whole input goes wrong.
		err = chosen.fullErr
		m.Warnings = append(m.Warnings, fmt.Sprintf("only the first %d operators are kept: the corrupt rest "+
			"would decode into more records than a %d-byte file can hold", maxOps, m.Size))
	}
	return m, err
}

// v3Layout retries a version-3 body that did not read exactly with the
// older layouts its constructs allow, and returns the best first pass.
func v3Layout(chosen *decoder, count func(channel111, changelog114 bool, maxOps int) *decoder) *decoder {
	exact := func(d *decoder) bool { return d.err == nil && d.m.BytesRead == d.m.Size }
	if exact(chosen) || !chosen.sawChannel && !chosen.sawChangelog {
		return chosen
	}
	tries := []*decoder{chosen}
	// Retry only with a layout the constructs seen so far allow: 1.11
	// wrote nothing newer than 1.11, 1.14 nothing of 1.15.
	if chosen.sawChannel && chosen.evidence <= 11 {
		tries = append(tries, count(true, false, -1))
	}
	if chosen.sawChangelog && chosen.evidence <= 14 {
		tries = append(tries, count(false, true, -1))
	}
	// Prefer a layout that reads the file exactly, then one without
	// error (Flink ignores trailing bytes), then the one that got furthest.
	for _, t := range tries[1:] {
		switch {
		case exact(chosen):
		case exact(t), chosen.err != nil && (t.err == nil || t.m.BytesRead > chosen.m.BytesRead):
			chosen = t
		}
	}
	if chosen != tries[len(tries)-1] { // the slabs hold the last trial's counts
		chosen = count(chosen.channel111, chosen.changelog114, -1)
	}
	return chosen
}

// decoder reads one body layout.
type decoder struct {
	r       *reader
	m       *Metadata
	version int
	depth   int

	// V3 dialect switches, and whether the constructs they govern occurred.
	channel111, changelog114 bool
	sawChannel, sawChangelog bool
	sawChangelog115          bool // changelog handles in the 1.15 layout

	// evidence is the oldest release whose writer produces every
	// unambiguous construct seen so far (see seen); the two V3 layout
	// questions are settled separately.
	evidence int

	// counting is set in the first pass (see alloc.go); s holds the counts
	// and then the exact allocations; err is the first pass's result.
	counting bool
	err      error
	// budget bounds the model of a corrupt input; fitOps is how many
	// operators fit in it; maxOps (>= 0) stops the body after that many,
	// and fullErr keeps the error a cut run did not reach.
	budget  int64
	fitOps  int
	maxOps  int
	stop    func() bool // Limits.Stop
	fullErr error
	// fileHandles counts, in the first pass, the handles that name a file
	// (an upper bound of the distinct files); build, when set, takes each
	// operator in the second pass.
	fileHandles int
	build       *walker

	warned    [warnKinds]int // occurrences per warning kind
	warnAt    [warnKinds]int // index in Warnings of each kind's message
	s         *slabs
	keyedList stack[*KeyedHandle] // changelog handles nest: their lists use a stack
}

// cost is what the counted model would allocate.
func (d *decoder) cost() int64 {
	return int64(d.r.strBytes) + d.s.cost
}

// seen narrows the oldest release that writes a construct (minor version of
// 1.x; 2.x is 100+minor).
func (d *decoder) seen(release int) {
	d.evidence = max(d.evidence, release)
}

// Warning kinds: each is reported once, with how often it occurred.
const (
	warnTrailing = iota
	warnCoordinatorTag
	warnFinishedCoordinator
	warnSubtaskIndex
	warnLegacy
	warnFileMerging
	warnKinds
)

// warn records the first warning of a kind; later ones are counted.
func (d *decoder) warn(kind int, format string, args ...any) {
	if d.counting {
		return
	}
	if d.warned[kind]++; d.warned[kind] == 1 {
		d.warnAt[kind] = len(d.m.Warnings)
		d.m.Warnings = append(d.m.Warnings, fmt.Sprintf(format, args...))
	}
}

// finishWarnings notes how often each reported warning occurred.
func (d *decoder) finishWarnings() {
	for k, n := range d.warned {
		if n > 1 {
			d.m.Warnings[d.warnAt[k]] += fmt.Sprintf(" (%d times in all)", n)
		}
	}
}

// body reads everything after the header version.
func (d *decoder) body() error {
	r, m := d.r, d.m
	defer func() {
		d.finishWarnings()
		m.BytesRead = r.offset()
		m.earliest = d.evidence
		if d.sawChannel && !d.channel111 && d.version >= 3 {
			m.earliest = max(m.earliest, 12) // channel handles with a subtask index
		}
		if d.sawChangelog115 {
			m.earliest = max(m.earliest, 15)
		}
	}()
	if d.version == 3 {
		switch {
		case d.channel111:
			m.Dialect = "1.11"
		case d.changelog114:
			m.Dialect = "1.14-changelog"
		default:
			m.Dialect = "1.12+"
		}
	}

	off := r.offset()
	m.CheckpointID = r.i64("the checkpoint id")
	if r.err == nil && m.CheckpointID < 0 && d.version >= 2 {
		r.corrupt(off, "a non-negative checkpoint id", fmt.Sprint(m.CheckpointID))
	}
	if d.version >= 2 {
		n := r.count(9, "the number of master states")
		mark := d.s.masters.mark()
		for i := 0; i < n && r.err == nil; i++ {
			d.masterState()
		}
		m.MasterStates = d.s.masters.list(mark)
	}
	if d.operators() {
		return nil
	}
	// The properties come last and allocate nothing the first pass must
	// count, so only the second pass reads them.
	if d.version >= 4 && r.err == nil && !d.counting {
		d.properties()
	}
	if r.err != nil {
		return r.err
	}
	if left := r.remaining(); left > 0 {
		d.warn(warnTrailing, "%d bytes follow the end of the metadata at byte %d; Flink ignores them", left, r.offset())
	}
	return nil
}

// operators reads the operator states into m.Operators, or hands each to
// d.build; it tells whether it stopped at d.maxOps on purpose.
func (d *decoder) operators() (stopped bool) {
	r := d.r
	n := r.count(d.minOperatorSize(), "the number of operator states")
	mark := d.s.operators.mark()
	for i := 0; i < n && r.err == nil; i++ {
		if i == d.maxOps {
			stopped = true
			break
		}
		if d.stop != nil && d.stop() {
			r.fail(&model.ReadError{Format: model.FormatFlink, Offset: r.offset(), Err: model.ErrStopped})
			break
		}
		op := OperatorState{Offset: r.offset()}
		if d.version == 1 {
			d.taskStateV1(&op)
		} else {
			d.operatorState(&op)
		}
		if d.build != nil && !d.counting {
			d.build.add(&op)
		} else {
			d.s.operators.push(d.counting, op)
		}
		if d.counting && r.err == nil && d.cost() <= d.budget {
			d.fitOps = i + 1
		}
	}
	d.m.Operators = d.s.operators.list(mark)
	return stopped
}

func (d *decoder) minOperatorSize() int64 {
	switch d.version {
	case 1, 2:
		return 16 + 4*4
	case 3, 4:
		return 16 + 4 + 4 + 1 + 4
	default:
		return 2 + 2 + 16 + 4 + 4 + 1 + 4
	}
}

func (d *decoder) masterState() {
	r := d.r
	off := r.offset()
	magic := r.i32("the master state magic number")
	if r.err == nil && magic != masterStateMagic {
		r.corrupt(off, "a master state record (magic number C9 6B 16 96)", fmt.Sprintf("%08X", uint32(magic)))
		return
	}
	lenOff := r.offset()
	n := int64(r.i32("the master state length"))
	if r.err != nil {
		return
	}
	if n <= 0 {
		r.corrupt(lenOff, "a positive master state length", fmt.Sprint(n))
		return
	}
	if n > r.remaining() {
		r.tooLong(lenOff, n, "a master state length")
		return
	}
	end := r.offset() + n
	ms := MasterState{Offset: off}
	ms.Version = r.i32("the master state version")
	ms.Name = r.utf("the master state name")
	pOff := r.offset()
	p := int64(r.i32("the master state payload length"))
	if r.err != nil {
		return
	}
	if p < 0 || r.offset()+p != end {
		r.corrupt(pOff, fmt.Sprintf("a payload length that ends the master state at byte %d", end), fmt.Sprint(p))
		return
	}
	r.skip(p, "the master state payload")
	ms.Bytes = p
	d.s.masters.push(d.counting, ms)
}

// operatorState reads a V2–V7 operator record.
func (d *decoder) operatorState(op *OperatorState) {
	r := d.r
	if d.version >= 5 {
		op.Name = r.utf("the operator name")
		op.UID = r.utf("the operator uid")
	}
	op.ID = r.id("the operator id")
	op.Parallelism = r.i32("the operator parallelism")
	op.MaxParallelism = r.i32("the operator max parallelism")
	if d.version == 2 {
		op.ChainLength = r.i32("the unused chain-length field")
	} else {
		if c := d.stream("the coordinator state"); c.Tag != StreamNull {
			op.Coordinator = keep(d.counting, &d.s.coords, c, &countedStream)
			if c.Tag != StreamByteStream {
				d.warn(warnCoordinatorTag, "operator %s: coordinator state is a tag-%d handle, not inline state; Flink refuses such a file", op.ID, c.Tag)
			}
		}
	}
	cOff := r.offset()
	n := int64(r.i32("the number of subtask states"))
	if r.err != nil {
		return
	}
	if n < 0 && d.version >= 3 {
		op.FullyFinished = true
		d.seen(14)
		if op.Coordinator != nil {
			d.warn(warnFinishedCoordinator, "operator %s is fully finished but has coordinator state; Flink refuses such a file", op.ID)
		}
		return
	}
	minSubtask := int64(4) // a finished subtask is just its index
	if d.version == 2 {
		minSubtask = 4 + 8 + 4 + 4 + 4 + 1 + 1
	}
	cnt := r.checkCount(cOff, n, minSubtask, "the number of subtask states")
	mark, fmark := d.s.subtasks.mark(), d.s.finished.mark()
	for j := 0; j < cnt && r.err == nil; j++ {
		st := SubtaskState{Index: r.i32("the subtask index")}
		if r.err != nil {
			break
		}
		if st.Index < 0 && d.version >= 3 {
			d.s.finished.push(d.counting, -st.Index-1)
			d.seen(14)
			continue
		}
		if d.version == 2 {
			d.subtaskV2(&st)
		} else {
			d.subtaskV3(&st)
		}
		d.s.subtasks.push(d.counting, st)
		if st.Index >= op.Parallelism && r.err == nil {
			d.warn(warnSubtaskIndex, "operator %s: subtask index %d is not below the parallelism %d; Flink refuses such a file",
				op.ID, st.Index, op.Parallelism)
		}
	}
	op.Subtasks = d.s.subtasks.list(mark)
	op.Finished = d.s.finished.list(fmark)
}

func (d *decoder) subtaskV2(st *SubtaskState) {
	r := d.r
	off := r.offset()
	duration := r.i64("the subtask duration field")
	n := r.count(1, "the number of legacy state handles")
	if duration != -1 || n > 0 {
		lg := LegacySubtask{Duration: duration}
		mark := d.s.streams.mark()
		for i := 0; i < n && r.err == nil; i++ {
			d.s.streams.push(d.counting, d.stream("a legacy (Checkpointed) state handle"))
		}
		lg.Streams = d.s.streams.list(mark)
		d.legacy(st, lg)
	}
	if n > 0 {
		d.warn(warnLegacy, "legacy Checkpointed-interface state (Flink 1.3) at byte %d; Flink 1.4 and later refuse to restore it", off)
	}
	d.operatorHandles(st)
	st.ManagedKeyed = d.keyed("the managed keyed state")
	st.RawKeyed = d.keyed("the raw keyed state")
}

func (d *decoder) subtaskV3(st *SubtaskState) {
	r := d.r
	d.operatorHandles(st)
	st.ManagedKeyed = d.keyed("the managed keyed state")
	st.RawKeyed = d.keyed("the raw keyed state")
	mark := d.s.channels.mark()
	// The smallest channel handle (merged, V6) is 1+4+8+1+4 bytes.
	n := r.count(17, "the number of input channel state handles")
	for i := 0; i < n && r.err == nil; i++ {
		d.s.channels.push(d.counting, d.channel(true))
	}
	k := r.count(17, "the number of result subpartition state handles")
	for i := 0; i < k && r.err == nil; i++ {
		d.s.channels.push(d.counting, d.channel(false))
	}
	x := SubtaskExtra{Channels: d.s.channels.list(mark)}
	extra := n+k > 0
	if d.version == 7 && r.err == nil {
		if r.u8("the V7 reference-checkpoint marker") == 1 {
			x.RefCheckpointID = r.i64("the V7 reference checkpoint id")
			x.HasRefCheckpoint, extra = true, true
		}
	}
	if extra {
		st.Extra = keep(d.counting, &d.s.subExtras, x, &countedSubtask)
	}
}

// operatorHandles reads the two flag-guarded operator handles of V2+.
func (d *decoder) operatorHandles(st *SubtaskState) {
	r := d.r
	if r.i32("the managed operator state flag") != 0 {
		st.ManagedOperator = d.operator("the managed operator state")
	}
	if r.i32("the raw operator state flag") != 0 {
		st.RawOperator = d.operator("the raw operator state")
	}
}

// taskStateV1 reads a Flink 1.2 job-vertex record.
func (d *decoder) taskStateV1(op *OperatorState) {
	r := d.r
	op.ID = r.id("the job vertex id")
	op.Parallelism = r.i32("the parallelism")
	op.MaxParallelism = r.i32("the max parallelism")
	op.ChainLength = r.i32("the chain length")
	n := r.count(4+8+4+4+4+1+1, "the number of subtask states")
	mark := d.s.subtasks.mark()
	for j := 0; j < n && r.err == nil; j++ {
		st := SubtaskState{Index: r.i32("the subtask index")}
		lg := LegacySubtask{Duration: r.i64("the subtask duration")}
		k := r.count(1, "the number of legacy state handles")
		sm := d.s.streams.mark()
		for i := 0; i < k && r.err == nil; i++ {
			d.s.streams.push(d.counting, d.stream("a legacy (Checkpointed) state handle"))
		}
		lg.Streams = d.s.streams.list(sm)
		lg.ChainedManaged = d.operatorList("the number of managed operator state handles")
		lg.ChainedRaw = d.operatorList("the number of raw operator state handles")
		d.legacy(&st, lg)
		st.ManagedKeyed = d.keyed("the managed keyed state")
		st.RawKeyed = d.keyed("the raw keyed state")
		d.s.subtasks.push(d.counting, st)
	}
	op.Subtasks = d.s.subtasks.list(mark)
}

// legacy gives the subtask its V0–V2 part.
func (d *decoder) legacy(st *SubtaskState, lg LegacySubtask) {
	x := SubtaskExtra{Legacy: keep(d.counting, &d.s.legacy, lg, &countedLegacy)}
	st.Extra = keep(d.counting, &d.s.subExtras, x, &countedSubtask)
}

// operatorList reads V1's per-chained-operator list of operator handles.
func (d *decoder) operatorList(what string) []*OperatorHandle {
	r := d.r
	n := r.count(1, what)
	mark := d.s.opLists.mark()
	for i := 0; i < n && r.err == nil; i++ {
		d.s.opLists.push(d.counting, d.operator("a chained operator's state handle"))
	}
	return d.s.opLists.list(mark)
}

// decodeV0 reads the outline of a Flink 1.1 savepoint: its per-subtask
// payloads are Java-serialized Flink 1.1 classes that no current reader
// understands, so the result is the outline plus an UnsupportedError.
func decodeV0(r *reader, m *Metadata) (*Metadata, error) {
	m.CheckpointID = r.i64("the checkpoint id")
	n := r.count(16+4+4+4, "the number of task states")
	for i := 0; i < n && r.err == nil; i++ {
		op := OperatorState{Offset: r.offset()}
		op.ID = r.id("the job vertex id")
		op.Parallelism = r.i32("the parallelism")
		k := r.count(4+4+8+8, "the number of subtask states")
		for j := 0; j < k && r.err == nil; j++ {
			st := SubtaskState{Index: r.i32("the subtask index")}
			lOff := r.offset()
			l := int64(r.i32("the serialized state length"))
			if r.err == nil && l < -1 {
				r.corrupt(lOff, "a serialized state length (-1 for none)", fmt.Sprint(l))
			}
			if l > 0 {
				r.skip(l, "a Java-serialized subtask state")
			}
			st.Extra = &SubtaskExtra{Legacy: &LegacySubtask{StateSize: r.i64("the subtask state size"), Duration: r.i64("the subtask duration")}}
			op.Subtasks = append(op.Subtasks, st)
		}
		k = r.count(4+4+8+8, "the number of key-value states")
		for j := 0; j < k && r.err == nil; j++ {
			r.i32("the key group index")
			l := int64(r.i32("the serialized state length"))
			if l > 0 {
				r.skip(l, "a Java-serialized key-value state")
			}
			r.i64("the state size")
			r.i64("the duration")
		}
		m.Operators = append(m.Operators, op)
	}
	m.BytesRead = r.offset()
	if r.err != nil {
		return m, r.err
	}
	return m, &model.UnsupportedError{Format: model.FormatFlink, Offset: 4,
		What:   "a Flink 1.1 savepoint (header version 0)",
		Reason: "it was written by Flink 1.1; its state handles are Java-serialized Flink 1.1 classes, and current Flink cannot read it either (only Flink 1.1–1.3 could)"}
}
