package parse

import (
	"fmt"
	"testing"

	"github.com/ckptlens/ckptlens/parse/listing"
	"github.com/ckptlens/ckptlens/parse/model"
)

// benchChain is n incremental checkpoints of filesPer shared files each,
// half of them carried over from the one before, and the listing of the job
// folder with garbage beside them.
func benchChain(n, filesPer int) ([]Input, *listing.Listing) {
	var inputs []Input
	l := &listing.Listing{Format: listing.FormatFind}
	next := 0
	var prev []int
	for c := 1; c <= n; c++ {
		s := &model.Snapshot{Source: fmt.Sprintf("/cp/%s/chk-%d/_metadata", jobID, c), Format: model.FormatFlink, CheckpointID: int64(c)}
		ids := append([]int{}, prev[len(prev)/2:]...)
		for len(ids) < filesPer {
			ids = append(ids, next)
			l.Entries = append(l.Entries, listing.Entry{Path: fmt.Sprintf("/cp/%s/shared/%08d", jobID, next), Bytes: 1 << 20})
			next++
		}
		for _, id := range ids {
			s.Files = append(s.Files, model.File{Path: fmt.Sprintf("file:/cp/%s/shared/%08d", jobID, id), Bytes: 1 << 20, Kind: model.KindShared})
		}
		s.Files = append(s.Files, model.File{Path: "private", Relative: true, Bytes: 10, Kind: model.KindPrivate})
		l.Entries = append(l.Entries, listing.Entry{Path: fmt.Sprintf("/cp/%s/chk-%d/_metadata", jobID, c), Bytes: 1000},
			listing.Entry{Path: fmt.Sprintf("/cp/%s/chk-%d/private", jobID, c), Bytes: 10})
		inputs = append(inputs, Input{Snapshot: s})
		prev = ids
	}
	return inputs, l
}

func BenchmarkInspect100kFiles(b *testing.B) {
	inputs, _ := benchChain(1, 100_000)
	b.ResetTimer()
	for b.Loop() {
		Inspect(inputs[0].Snapshot, "")
	}
}

func BenchmarkAnalyzeChainWithListing(b *testing.B) {
	inputs, l := benchChain(10, 10_000) // 10 checkpoints, 55k distinct files
	b.ResetTimer()
	for b.Loop() {
		Analyze(inputs, Options{Listing: l})
	}
}
