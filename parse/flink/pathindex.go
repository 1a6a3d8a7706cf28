package flink

import (
	"hash/maphash"

	"github.com/ckptlens/ckptlens/parse/model"
)

// pathIndex finds a file in the snapshot's file list by its path. It stands
// in for a map[string]int: a handle-dense checkpoint names 10^5–10^6
// distinct files, and a map that size spent most of the conversion waiting
// on the processor's cache. This table is an eighth of that size: one
// uint64 per slot, holding the file's position plus one (0 is empty) under
// the top half of the path's hash, so a probe compares a path only when
// the hashes agree. Linear probing, never more than half full; the hash is
// seeded afresh for every index, so crafted paths cannot make it collide.
type pathIndex struct {
	seed  maphash.Seed
	slots []uint64
	mask  uint64
	used  int
}

const positionBits = 0xffff_ffff

// newPathIndex makes an index for about n paths.
func newPathIndex(n int) *pathIndex {
	x := &pathIndex{seed: maphash.MakeSeed()}
	x.resize(n)
	return x
}

func (x *pathIndex) resize(n int) {
	size := 16
	for size < 2*n {
		size <<= 1
	}
	x.slots, x.mask = make([]uint64, size), uint64(size-1)
}

// find returns the position of path in files, or -1 and the slot where an
// entry for path goes.
func (x *pathIndex) find(path string, files []model.File) (pos int, slot uint64, tag uint64) {
	h := maphash.String(x.seed, path)
	tag = h &^ positionBits
	for i := h & x.mask; ; i = (i + 1) & x.mask {
		s := x.slots[i]
		if s == 0 {
			return -1, i, tag
		}
		if s&^positionBits == tag {
			if p := int(s&positionBits) - 1; files[p].Path == path {
				return p, i, tag
			}
		}
	}
}

// add records that files[pos] has the path find was asked for; slot and
// tag are what find returned. files must already hold files[pos].
func (x *pathIndex) add(slot, tag uint64, pos int, files []model.File) {
	x.slots[slot] = tag | uint64(pos+1)
	x.used++
	if 2*x.used > len(x.slots) { // n was too small: rebuild twice the size
		x.resize(x.used)
		for i := range files[:pos+1] {
			_, s, t := x.find(files[i].Path, files[:i])
			x.slots[s] = t | uint64(i+1)
		}
	}
}
