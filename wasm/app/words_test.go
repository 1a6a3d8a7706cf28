package app

import (
	"strings"
	"testing"
	"time"

	"github.com/ckptlens/ckptlens/parse/model"
)

// The file line and the summary say in words what a Flink file does not
// record, and why, instead of "unknown".
func TestFlinkSaysWhatTheFileDoesNotRecord(t *testing.T) {
	s := &model.Snapshot{Format: model.FormatFlink, FormatVersion: 2, SnapshotKind: model.KindUnknown, CheckpointID: 10}
	line := describe(s)
	if strings.Contains(line, "unknown") || !strings.Contains(line, "header version 2") || !strings.Contains(line, "does not say") {
		t.Errorf("file line %q", line)
	}
	sum := &Summary{Snap: &SnapshotReport{Snapshot: s}}
	if k := sum.kind(); !strings.Contains(k, "header versions before 4 keep no checkpoint properties") {
		t.Errorf("kind %q", k)
	}
	ops := &Operators{Snap: &SnapshotReport{Snapshot: s}}
	if n := ops.namesNote(); !strings.Contains(n, "written from header version 5") {
		t.Errorf("names note %q", n)
	}
	s.FormatVersion = 5
	if n := ops.namesNote(); n != "" {
		t.Errorf("a version 5 file records names and uids, yet %q", n)
	}
	s.SnapshotKind = model.KindCheckpoint
	if line := describe(s); line != "Flink _metadata, header version 5, checkpoint 10" {
		t.Errorf("file line %q", line)
	}
}

// A manifest is summarised in SlateDB's terms, its expired checkpoints
// marked as such.
func TestSlateDBSummaryInItsOwnTerms(t *testing.T) {
	defer func(c func() time.Time) { clock = c }(clock)
	clock = func() time.Time { return time.Unix(2_000, 0) }
	d := &model.SlateDBDetails{ManifestID: 7, WriterEpoch: 2, CompactorEpoch: 1, WALIDLastCompacted: 7, WALIDLastSeen: 9,
		Initialized: true, L0: []string{"a"}, SortedRuns: []model.SlateDBSortedRun{{ID: 3, SSTs: []string{"b", "c"}}},
		Checkpoints: []model.SlateDBCheckpoint{{ID: "x", ExpireTime: 1_999}, {ID: "y"}, {ID: "z", ExpireTime: 2_001}},
		ExternalDBs: []model.SlateDBExternalDB{{Path: "prod/parent"}}}
	s := &Summary{Snap: &SnapshotReport{Snapshot: &model.Snapshot{Format: model.FormatSlateDB, FormatVersion: 2, SlateDB: d}}}
	for got, want := range map[string]string{
		s.epochs():                "writer 2, compactor 1",
		s.walRange():              "WAL SSTs 8–9 to replay (compacted up to 7, last seen 9)",
		s.checkpoints():           "3 (1 expired: the garbage collector no longer keeps what only they pin)",
		s.tree():                  "1 SSTs in L0, 1 sorted runs holding 2 SSTs",
		s.parents():               "1: prod/parent",
		describe(s.Snap.Snapshot): "SlateDB manifest 7, format version 2",
	} {
		if got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
	if e := expiry(1_999); !strings.HasSuffix(e, "(expired)") || expiryClass(1_999) != "expired" {
		t.Errorf("an expired checkpoint reads %q", e)
	}
	if e := expiry(0); e != "never" || expiryClass(2_001) != "" {
		t.Errorf("a checkpoint that never expires reads %q", e)
	}
	d.WALIDLastSeen, d.Initialized = 7, false
	if w := s.walRange(); !strings.HasPrefix(w, "nothing to replay") {
		t.Errorf("WAL %q", w)
	}
	if e := s.epochs(); !strings.Contains(e, "not initialized") {
		t.Errorf("epochs %q", e)
	}
}

// The SlateDB bar splits SST bytes by level, sorted run and parent.
func TestSlateDBBarSplitsByLevelAndParent(t *testing.T) {
	s := &SnapshotReport{Snapshot: &model.Snapshot{SlateDB: &model.SlateDBDetails{SSTs: []model.SlateDBSST{
		{Level: "L0", Bytes: 10}, {Level: "SR 3", Bytes: -1, MinBytes: 30}, {Level: "SR 3", Bytes: 5},
		{Level: "SR 1", Bytes: 100, Database: "prod/parent"},
	}}}}
	b := slateDBBar(s)
	want := []barPart{{"parent database prod/parent", 100}, {"SR 3", 35}, {"L0", 10}}
	if len(b.Parts) != len(want) || b.Total != 145 {
		t.Fatalf("%+v", b)
	}
	for i := range want {
		if b.Parts[i] != want[i] {
			t.Errorf("part %d: %+v, want %+v", i, b.Parts[i], want[i])
		}
	}
	if flink := slateDBBar(&SnapshotReport{Snapshot: &model.Snapshot{}}); len(flink.Parts) != 0 {
		t.Error("a Flink snapshot has a SlateDB bar")
	}
}

// Operators whose names repeat are told apart by uid or a short id, and no
// two get one label.
func TestOperatorLabelsAreDistinct(t *testing.T) {
	ops := []model.Operator{
		{ID: "aaaaaaaa11111111", Name: "Source: Custom Source"},
		{ID: "aaaaaaaa22222222", Name: "Source: Custom Source"},
		{ID: "bbbbbbbb00000000", Name: "Co-Process-Broadcast-Keyed", UID: "broadcast-1"},
		{ID: "cccccccc00000000", Name: "Co-Process-Broadcast-Keyed", UID: "broadcast-2"},
		{ID: "dddddddd00000000", Name: "Sink"},
		{ID: "eeeeeeee00000000"},
		{ID: "ffffffff00000000", UID: "my-uid"},
	}
	labels := operatorLabels(ops)
	want := map[string]string{
		"aaaaaaaa11111111": "Source: Custom Source (aaaaaaaa11111111)",
		"bbbbbbbb00000000": "Co-Process-Broadcast-Keyed (uid broadcast-1)",
		"dddddddd00000000": "Sink",
		"eeeeeeee00000000": "operator eeeeeeee00000000",
		"ffffffff00000000": "uid my-uid",
	}
	for id, w := range want {
		if labels[id] != w {
			t.Errorf("%s: %q, want %q", id, labels[id], w)
		}
	}
	seen := map[string]bool{}
	for _, l := range labels {
		if seen[l] {
			t.Errorf("label %q given twice", l)
		}
		seen[l] = true
	}
	// Without colliding prefixes, eight hex digits do.
	if l := operatorLabels(ops[4:6])["eeeeeeee00000000"]; l != "operator eeeeeeee" {
		t.Errorf("short id label %q", l)
	}
}

// Private files in shared/ are counted and explained.
func TestPrivateFilesInSharedAreExplained(t *testing.T) {
	f := &Files{Snap: &SnapshotReport{Snapshot: &model.Snapshot{Files: []model.File{
		{Path: "s3://b/job/shared/MANIFEST-1", Kind: model.KindPrivate},
		{Path: "s3://b/job/chk-3/OPTIONS", Kind: model.KindPrivate},
		{Path: "s3://b/job/shared/0001.sst", Kind: model.KindShared},
	}}}}
	if n := f.privateInShared(); n != 1 {
		t.Fatalf("%d private files in shared/", n)
	}
	if note := privateInSharedNote(1); !strings.Contains(note, "MANIFEST") || !strings.Contains(note, "only this checkpoint") {
		t.Errorf("%q", note)
	}
}

// A compactions file is told in SlateDB's terms: its compactions, their
// state, what they read and write.
func TestCompactionsInSlateDBsTerms(t *testing.T) {
	sr := uint32(1)
	cs := []model.SlateDBCompaction{
		{ID: "a", Status: "Completed", Kind: "tiered", SourceViews: []string{"x", "y"}, Destination: &sr, Outputs: []string{"o1", "o2"}},
		{ID: "b", Status: "Running", Active: true, Kind: "drain-segment", Segment: "p/", SourceSortedRuns: []uint32{1, 2}},
	}
	if got := compactionCount(cs); !strings.HasPrefix(got, "2, 1 active") {
		t.Errorf("count %q", got)
	}
	for got, want := range map[string]string{
		compactionState(cs[0]):       "Completed",
		compactionState(cs[1]):       "Running (active), drain-segment",
		compactionSources(cs[0]):     "2 L0 SSTs",
		compactionSources(cs[1]):     "SR 1, SR 2, segment p/",
		compactionDestination(cs[0]): "SR 1",
		compactionDestination(cs[1]): "–",
	} {
		if got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
	s := &Summary{Snap: &SnapshotReport{Snapshot: &model.Snapshot{Format: model.FormatSlateDBCompactions,
		Compactions: &model.SlateDBCompactions{ID: 14, CompactorEpoch: 1, Compactions: cs}}}}
	keys := map[string]string{}
	for _, r := range s.rows() {
		keys[r.Key] = r.Value
	}
	if keys["compactionsId"] != "14" || keys["epochs"] != "1" || keys["checkpointId"] != "" || keys["operators"] != "" {
		t.Errorf("summary of a compactions file: %v", keys)
	}
}

// A projected clone's key ranges are shown once each, in order.
func TestProjectedCloneShowsItsRanges(t *testing.T) {
	s := &SnapshotReport{Snapshot: &model.Snapshot{SlateDB: &model.SlateDBDetails{SSTs: []model.SlateDBSST{
		{ID: "1", VisibleRanges: []string{"[b-, d-)"}}, {ID: "2"}, {ID: "3", VisibleRanges: []string{"[b-, d-)", "[x, y]"}},
	}}}}
	if got := rangesRead(s); got != "[b-, d-), [x, y] (a clone projected to these ranges)" {
		t.Errorf("summary %q", got)
	}
	if sstRanges(nil) != "all" || sstRanges([]string{"[x, y]"}) != "[x, y]" {
		t.Error("SST cells")
	}
	whole := &SnapshotReport{Snapshot: &model.Snapshot{SlateDB: &model.SlateDBDetails{SSTs: []model.SlateDBSST{{ID: "1"}}}}}
	if got := rangesRead(whole); !strings.HasPrefix(got, "every key") || len(projectedRanges(whole)) != 0 {
		t.Errorf("not projected: %q", got)
	}
}
