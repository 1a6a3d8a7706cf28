package analysis

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/ckptlens/ckptlens/parse/model"
	"github.com/ckptlens/ckptlens/parse/report"
)

// Paths that follow one another in a folder reuse its key: the keys must be
// the ones each path has alone, whatever the spelling.
func TestFileKeysReuseFolders(t *testing.T) {
	paths := []string{
		"s3://b/x/1", "s3://b/x/2", "S3://b/x/3", "s3a://b/x/4", "s3://b/x/./5", "s3://b/x/../6", "s3://b/x//7", "s3://b/x/8/",
		"file:/a/b/1", "file:/a/b/2", "file:/a/b/c:d", "file:/a/b/.", "file:/a/b/..", "file:/a/b/",
		"/a/b/1", "/a/b/2", "/a/b//3", "/a/b/c/4", "/a/b/c/5", "relative/x", "relative/y", "/a/b/c/6",
		"hdfs://nn/a/b/1", "hdfs://nn/a/b/2", "hdfs:///a/b/3", "C:/x/1", "C:/x/2", "/", "s3://bucket", "s3://bucket/", "s3://bucket/k",
		"file:/x", "file:/y", "gs://b/k:1/2", "gs://b/k:1/3",
	}
	snap := &model.Snapshot{}
	for _, p := range paths {
		snap.Files = append(snap.Files, model.File{Path: p})
	}
	checkFileKeys(t, snap)
	if kf := fileKeys(snap); kf.runs[0] != kf.runs[1] || kf.runs[14] != kf.runs[15] {
		t.Errorf("neighbours in one folder were not one run: %v", kf.runs)
	}
}

// largestFirst orders as the stable sort by state size then id did, ties
// kept in file order, on operators with repeated sizes and ids.
func TestLargestFirstIsTheStableOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	ops := make([]report.OperatorSize, 5000)
	for i := range ops {
		ops[i] = report.OperatorSize{Operator: &model.Operator{ID: fmt.Sprintf("%x", rng.IntN(300)), StateBytes: int64(rng.IntN(20))}, Files: i}
		if i%7 == 0 {
			ops[i].ID = ops[i].ID[:1] // shorter than the 8-byte prefix
		}
	}
	want := append([]report.OperatorSize{}, ops...)
	sort.SliceStable(want, func(i, j int) bool {
		if want[i].StateBytes != want[j].StateBytes {
			return want[i].StateBytes > want[j].StateBytes
		}
		return want[i].ID < want[j].ID
	})
	got := largestFirst(ops)
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("position %d: %+v, want %+v", i, got[i], want[i])
		}
	}
}
