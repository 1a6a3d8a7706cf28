package flink

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
