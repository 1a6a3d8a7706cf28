package flink

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/ckptlens/ckptlens/parse/model"
)

// The index finds every path it was given, at its position, and nothing
// else, also when it had to grow past the size it was made for.
func TestPathIndexFindsWhatItWasGiven(t *testing.T) {
	for _, c := range []struct {
		n           int
		usePathHash bool
	}{{0, false}, {1, false}, {100, false}, {5000, false}, {0, true}, {100, true}, {5000, true}} {
		n := c.n
		x := newPathIndex(n)
		x.usePathHash = c.usePathHash
		var files []model.File
		for i := range 3000 {
			path := fmt.Sprintf("s3://bucket/job/shared/%d.sst", i*7%3000) // every path once
			pos, slot, tag := x.find(path, files)
			if pos != -1 {
				t.Fatalf("n=%d: %q found at %d before it was added", n, path, pos)
			}
			files = append(files, model.File{Path: path})
			x.add(slot, tag, len(files)-1, files)
		}
		for i, f := range files {
			if pos, _, _ := x.find(f.Path, files); pos != i {
				t.Fatalf("n=%d: %q found at %d, added at %d", n, f.Path, pos, i)
			}
		}
		if pos, _, _ := x.find("s3://bucket/job/shared/3000.sst", files); pos != -1 {
			t.Fatalf("n=%d: a path never added was found at %d", n, pos)
		}
		if 2*x.used > len(x.slots) {
			t.Fatalf("n=%d: %d entries in %d slots", n, x.used, len(x.slots))
		}
	}
}

// pathHash, the page's hash: equal paths hash alike, a path's hash
// depends on the seed, and paths differing in one bit anywhere, or only in
// length, spread over the slots of an index as random keys would.
func TestPathHashSpreads(t *testing.T) {
	const slots = 1 << 16
	distinct := map[string]bool{}
	for i := range 1 << 14 {
		distinct[fmt.Sprintf("hdfs://nn/flink/checkpoints/3f2a/shared/%08x-0000-4000-8000-000000000000", i)] = true
	}
	base := []byte("s3://bucket/job/chk-42/0123456789abcdef0123456789abcdef/" + string(make([]byte, 64)))
	for i := range len(base) * 8 {
		b := append([]byte(nil), base...)
		b[i/8] ^= 1 << (i % 8) // one bit flipped
		distinct[string(b)] = true
		distinct[string(base[:i%len(base)])] = true // a prefix
	}
	k := float64(len(distinct))
	want := 1 - math.Exp(-k/slots) // the share of slots k random keys fill
	for _, seed := range []uint64{0, 1, 0x9e3779b97f4a7c15} {
		used := map[uint64]bool{}
		for p := range distinct {
			// The same text in other memory hashes the same: the hash
			// reads the bytes, not where they are.
			if pathHash(seed, p) != pathHash(seed, strings.Clone(p)) {
				t.Fatal("not deterministic")
			}
			used[pathHash(seed, p)%slots] = true
		}
		if got := float64(len(used)) / slots; got < 0.97*want {
			t.Errorf("seed %#x: %.0f paths fill %.1f%% of %d slots, random keys %.1f%%", seed, k, 100*got, slots, 100*want)
		}
	}
	if pathHash(1, "a") == pathHash(2, "a") {
		t.Error("the seed does not change the hash")
	}
}
