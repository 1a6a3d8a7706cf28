package flink

import (
	"sync"
	"unsafe"
)

// Decoding runs twice over the input. The first pass (counting) checks
// every byte and counts what the model needs, allocating nothing; the
// second allocates each kind of value once, at exactly the counted size,
// and fills it. So a hostile count never sizes an allocation, lists never
// grow and copy, and the model costs what the input holds and no more.

// slab hands out values of one type: counted in the first pass, carved out
// of one exact allocation in the second.
type slab[T any] struct {
	n   int // first pass: values needed
	buf []T // second pass: len = values handed out, cap = n
	// cost is the running cost of every slab's counted values (slabs.cost):
	// the first pass asks for it after each operator.
	cost *int64
}

// count notes one more value needed.
func (s *slab[T]) count() {
	var zero T
	s.n++
	*s.cost += int64(unsafe.Sizeof(zero))
}

// prepare allocates the counted values for the second pass.
func (s *slab[T]) prepare() {
	if s.n > 0 {
		s.buf = make([]T, 0, s.n)
	}
	s.n = 0
}

// reset drops the second pass's values (now owned by the model).
func (s *slab[T]) reset() { s.n, s.buf = 0, nil }

// keep stores a value decoded into a local variable: in the second pass
// into the slab, in the first only counted, returning placeholder (a
// shared value that is never written, so callers can still test for nil).
func keep[T any](counting bool, s *slab[T], v T, placeholder *T) *T {
	if counting {
		s.count()
		return placeholder
	}
	s.buf = append(s.buf, v) // within the counted capacity
	return &s.buf[len(s.buf)-1]
}

// Placeholders for keep in the first pass.
var (
	countedKeyed       KeyedHandle
	countedIncremental IncrementalState
	countedChangelog   ChangelogState
	countedOperator    OperatorHandle
	countedFileMerging FileMergingDirs
	countedExtra       StreamExtra
	countedStream      StreamHandle
	countedSubtask     SubtaskExtra
	countedLegacy      LegacySubtask
)

// mark starts a list; push adds to it; list ends it. Lists of one type
// never nest (nesting types use a stack instead), so each list is
// contiguous in the slab.
func (s *slab[T]) mark() int { return len(s.buf) }

func (s *slab[T]) push(counting bool, v T) {
	if counting {
		s.count()
		return
	}
	s.buf = append(s.buf, v)
}

func (s *slab[T]) list(mark int) []T {
	if len(s.buf) == mark {
		return nil
	}
	return s.buf[mark:len(s.buf):len(s.buf)]
}

// slabs is one slab per model type, recycled between decodes.
type slabs struct {
	masters   slab[MasterState]
	operators slab[OperatorState]
	subtasks  slab[SubtaskState]
	finished  slab[int32]
	channels  slab[ChannelHandle]
	locals    slab[LocalFile]
	named     slab[NamedOperatorState]
	deltas    slab[ChangelogDelta]
	streams   slab[StreamHandle]
	opLists   slab[*OperatorHandle]
	keyed     slab[KeyedHandle]
	opHandles slab[OperatorHandle]
	increm    slab[IncrementalState]
	changelog slab[ChangelogState]
	extras    slab[StreamExtra]
	subExtras slab[SubtaskExtra]
	legacy    slab[LegacySubtask]
	coords    slab[StreamHandle]
	fileMerge slab[FileMergingDirs]

	java javaScratch // tables of the properties reader (properties.go)
	cost int64       // what the counted values cost
}

var slabPool = sync.Pool{New: func() any {
	s := new(slabs)
	s.each(func(x slabber) { x.track(&s.cost) })
	return s
}}

func getSlabs() *slabs { return slabPool.Get().(*slabs) }

// putSlabs recycles s once the model owns what it handed out.
func putSlabs(s *slabs) {
	s.reset()
	slabPool.Put(s)
}

// reset drops every count and every value.
func (s *slabs) reset() {
	s.each(func(x slabber) { x.reset() })
	s.cost = 0
}

type slabber interface {
	prepare()
	reset()
	track(cost *int64)
}

func (s *slab[T]) track(cost *int64) { s.cost = cost }

func (s *slabs) prepare() { s.each(func(x slabber) { x.prepare() }) }

func (s *slabs) each(f func(x slabber)) {
	f(&s.masters)
	f(&s.operators)
	f(&s.subtasks)
	f(&s.finished)
	f(&s.channels)
	f(&s.locals)
	f(&s.named)
	f(&s.deltas)
	f(&s.streams)
	f(&s.opLists)
	f(&s.keyed)
	f(&s.opHandles)
	f(&s.increm)
	f(&s.changelog)
	f(&s.extras)
	f(&s.subExtras)
	f(&s.legacy)
	f(&s.coords)
	f(&s.fileMerge)
}
