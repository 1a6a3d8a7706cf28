package flink

import (
	"fmt"
	"testing"

	"github.com/ckptlens/ckptlens/parse/model"
)

// The index finds every path it was given, at its position, and nothing
// else, also when it had to grow past the size it was made for.
func TestPathIndexFindsWhatItWasGiven(t *testing.T) {
	for _, n := range []int{0, 1, 100, 5000} {
		x := newPathIndex(n)
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
