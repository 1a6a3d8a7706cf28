package app

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/ckptlens/ckptlens/internal/flink/encode"
	"github.com/ckptlens/ckptlens/parse"
	"github.com/ckptlens/ckptlens/parse/model"
)

// bigSnapshot is a job of many operators and files of every size.
func bigSnapshot(files int) *SnapshotReport {
	snap := &model.Snapshot{Format: model.FormatFlink, Source: "chk-9/_metadata", CheckpointID: 9}
	for op := 0; op < 40; op++ {
		snap.Operators = append(snap.Operators, model.Operator{ID: fmt.Sprintf("%032x", op)})
	}
	for i := 0; i < files; i++ {
		dir := "shared"
		if i%7 == 0 {
			dir = "chk-9"
		}
		snap.Files = append(snap.Files, model.File{Path: fmt.Sprintf("s3://b/job/%s/f%d", dir, i), Kind: model.KindShared,
			Bytes: int64(1000 + (i*7919)%100_000), Operators: []string{snap.Operators[i%40].ID}})
	}
	return parse.Inspect(snap, "s3://b/job/chk-9")
}

// The treemap of 200,000 files stays within the shape budget, its tiles
// nest, and each folder's area is its share of the bytes.
func TestTreemapBudgetAndAreas(t *testing.T) {
	s := bigSnapshot(200_000)
	tm := layoutTreemap(s)
	if n := shapes(tm.Tiles); n > maxChartShapes || n < 100 {
		t.Errorf("%d shapes", n)
	}
	var area float64
	for _, tile := range tm.Tiles {
		if tile.Depth != 0 {
			continue
		}
		area += tile.W * tile.H
		var want int64
		for i, f := range s.Files {
			if s.Dependencies[s.FileRefs[i].Dependency].Dir == tile.Pick.Dep {
				want += f.Bytes
			}
		}
		share := tile.W * tile.H / (treemapWidth * treemapHeight)
		if got := float64(want) / float64(tm.Total); math.Abs(share-got) > 1e-6 {
			t.Errorf("%s: area %.4f of the whole, bytes %.4f", tile.Pick.Dep, share, got)
		}
	}
	if math.Abs(area-treemapWidth*treemapHeight) > 1 {
		t.Errorf("folders cover %.1f of %d", area, treemapWidth*treemapHeight)
	}
	for i, tile := range tm.Tiles {
		if tile.X < -1e-6 || tile.Y < -1e-6 || tile.X+tile.W > treemapWidth+1e-6 || tile.Y+tile.H > treemapHeight+1e-6 {
			t.Fatalf("tile %d outside the chart: %+v", i, tile)
		}
		if tile.Label != "" && float64(len([]rune(tile.Label)))*labelFont*0.6 > tile.W {
			t.Errorf("label %q does not fit %.1f", tile.Label, tile.W)
		}
	}
	if tm.Label == "" || !strings.Contains(strings.ToLower(tm.Label), "treemap") {
		t.Errorf("label %q", tm.Label)
	}
}

// A small snapshot draws every file but one too small to see, which is
// one tile of its own; one with no sized file draws nothing.
func TestTreemapSmall(t *testing.T) {
	s := bigSnapshot(12)
	s.Files = append(s.Files, model.File{Path: "s3://b/job/shared/tiny", Kind: model.KindShared, Bytes: 1, Operators: s.Files[0].Operators})
	s = parse.Inspect(s.Snapshot, "s3://b/job/chk-9")
	tm := layoutTreemap(s)
	leaves, smaller := 0, 0
	for _, tile := range tm.Tiles {
		switch {
		case tile.Depth == 3 && tile.Leaf && tile.Pick.Path != "":
			leaves++
		case strings.HasPrefix(tile.Title, "1 smaller file:"):
			smaller++
			if tile.Pick.Path != "" || tile.Pick.Dep == "" {
				t.Errorf("the smaller files' tile picks %+v, not their group", tile.Pick)
			}
		}
	}
	if leaves != 12 || smaller != 1 {
		t.Errorf("%d file tiles for 12 files, %d tiles of smaller files", leaves, smaller)
	}
	if tm := layoutTreemap(parse.Inspect(&model.Snapshot{}, "")); tm.Total != 0 || len(tm.Tiles) != 0 {
		t.Errorf("empty snapshot: %+v", tm)
	}
}

// The timeline of a job restored from another runs through the parent's
// snapshots, and its bands hold each file of the chain once.
func TestTimelineChain(t *testing.T) {
	rep := twoJobsReport()
	// Job b's first checkpoint also reads job a's file, as after CLAIM.
	rep.Snapshots[1].Snapshot.Files = append(rep.Snapshots[1].Snapshot.Files, model.File{Path: "s3://ckpt/aaaaaaaaaaaaaaaa/shared/f3", Bytes: 100})
	var in []parse.Input
	for _, s := range rep.Snapshots {
		in = append(in, parse.Input{Snapshot: s.Snapshot, Base: s.Location.Dir})
	}
	rep = parse.Analyze(in, parse.Options{})
	tl := layoutTimeline(rep, 2)
	if tl == nil || len(tl.Columns) != 3 || len(tl.Restores) != 1 {
		t.Fatalf("timeline %+v", tl)
	}
	var bytes int64
	for _, b := range tl.Bands {
		bytes += b.Bytes
	}
	if bytes != 300 {
		t.Errorf("bands hold %d bytes, the chain's files 300", bytes)
	}
	if g := layoutJobGraph(rep); g == nil || len(g.Edges) != 1 || len(g.Nodes) != 2 {
		t.Errorf("graph %+v", g)
	}
	if layoutTimeline(rep, 0) != nil {
		t.Error("a job of one snapshot, restored from none, has a timeline")
	}
}

// denseReport is the page budget's 10 MB _metadata (wasm/browsertest/budget),
// decoded and analysed.
func denseReport(b *testing.B) *Report {
	var buf bytes.Buffer
	if _, err := encode.WriteDense(&buf, encode.DenseSpec{Version: 5, Operators: 2, Parallelism: 620, SharedPerSubtask: 50}); err != nil {
		b.Fatal(err)
	}
	return parse.Load([]parse.Source{parse.ReaderSource("_metadata", &model.Memory{Data: buf.Bytes()}, int64(buf.Len()))}, pageOptions(placement{}))
}

// BenchmarkCharts is what drawing the charts adds to the budget's drop:
// laying out and building the treemap and the jobs section (bench/RESULTS.md).
func BenchmarkCharts(b *testing.B) {
	rep := denseReport(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		tm := &Treemap{Snap: rep.Snapshots[0]}
		tm.Build(nil)
		h := &History{Rep: rep}
		h.Build(nil)
	}
}
