package flink

import "github.com/ckptlens/ckptlens/parse/model"

// EmptyScratchPool drops the recycled scratch tables, as a garbage
// collection may at any moment, so that the next Decode allocates them
// afresh: the corruption matrix measures every decode in that worst case
// rather than whenever a collection happens to fall. Draining the pool
// itself allocates nothing.
func EmptyScratchPool() {
	newSlabs := slabPool.New
	slabPool.New = nil
	for slabPool.Get() != nil {
	}
	slabPool.New = newSlabs
}

// Snapshot is the neutral view of metadata decoded whole: what
// DecodeSnapshot builds while decoding, for tests that need the decoder's
// records too.
func (m *Metadata) Snapshot(source string) *model.Snapshot {
	w := newWalker(source)
	w.reserve(len(m.Operators), 0)
	return w.finish(m)
}
