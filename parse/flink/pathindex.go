package flink

import (
	"hash/maphash"
	"math/rand/v2"
	"runtime"

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
	seed   maphash.Seed
	seed64 uint64 // pathHash's
	// usePathHash is set in WebAssembly (see hash).
	usePathHash bool
	slots       []uint64
	mask        uint64
	used        int
}

const positionBits = 0xffff_ffff

// newPathIndex makes an index for about n paths.
func newPathIndex(n int) *pathIndex {
	x := &pathIndex{seed: maphash.MakeSeed(), seed64: rand.Uint64(), usePathHash: runtime.GOARCH == "wasm"}
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
	h := x.hash(path)
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

// hash is maphash where the processor has AES instructions for it, and
// pathHash in WebAssembly, where it is the faster of the two
// (bench/RESULTS.md).
func (x *pathIndex) hash(path string) uint64 {
	if x.usePathHash {
		return pathHash(x.seed64, path)
	}
	return maphash.String(x.seed, path)
}

// pathHash is a seeded hash of s made of 64-bit multiplies: hash/maphash
// needs a 64×64→128-bit multiply where there is no AES instruction, and
// WebAssembly, which has neither, emulates it slowly. The shift after
// every word carries a difference in a word's top bit down into the next
// multiply, so no two differing words cancel out whatever the seed (as
// top bits do in a hash of multiplies and xors alone); MurmurHash3's
// finaliser spreads every bit of the state over the slot and the tag.
func pathHash(seed uint64, s string) uint64 {
	const m = 0x9e3779b97f4a7c15
	h := seed ^ uint64(len(s))*m
	for ; len(s) >= 8; s = s[8:] {
		h = (h ^ le64(s)) * m
		h ^= h >> 32
	}
	var tail uint64
	for i := len(s) - 1; i >= 0; i-- {
		tail = tail<<8 | uint64(s[i])
	}
	h = (h ^ tail) * m
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return h
}

// le64 reads the first eight bytes of s as a little-endian word; the
// compiler makes it one load.
func le64(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}
