package parse

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ckptlens/ckptlens/parse/listing"
	"github.com/ckptlens/ckptlens/parse/model"
	"github.com/ckptlens/ckptlens/parse/paths"
)

// Hand-built snapshots that mirror what Flink writes; the oracle tests
// (oracle_test.go) check the same analysis on real checkpoints.

const (
	jobID    = "5c3e0f8d2a9b4c1e8f7a6b5c4d3e2f1a"
	oldJobID = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
	jobDir   = "file:/tmp/ckptlens-oracle/1.20/incremental/" + jobID
	opA      = "a0000000000000000000000000000001"
	opB      = "b0000000000000000000000000000002"
)

func sst(n int) string { return fmt.Sprintf("%s/shared/%08d-0000-4000-8000-000000000000", jobDir, n) }

// incremental builds chk-id of a RocksDB incremental job: shared SSTs (absolute),
// private files and operator state (relative, in chk-id).
func incremental(id int64, ssts []int, newBytes int64) *model.Snapshot {
	s := &model.Snapshot{
		Source: fmt.Sprintf("/tmp/ckptlens-oracle/1.20/incremental/%s/chk-%d/_metadata", jobID, id),
		Format: model.FormatFlink, FormatVersion: 5, CheckpointID: id, SnapshotKind: model.KindCheckpoint,
	}
	var full int64
	for _, n := range ssts {
		s.Files = append(s.Files, model.File{Path: sst(n), Bytes: 1000, Kind: model.KindShared, Operators: []string{opA}})
		full += 1000
	}
	s.Files = append(s.Files,
		model.File{Path: fmt.Sprintf("%d-private-manifest", id), Relative: true, Bytes: 50, Kind: model.KindPrivate, Operators: []string{opA}},
		model.File{Path: fmt.Sprintf("%d-operator-state", id), Relative: true, Bytes: 20, Kind: model.KindOperator, Operators: []string{opB}},
	)
	s.InlineBytes = 7
	s.Operators = []model.Operator{
		{ID: opA, Name: "keyed", Parallelism: 1, MaxParallelism: 128, StateBytes: full + 50, CheckpointedBytes: newBytes + 50},
		{ID: opB, Name: "source", Parallelism: 1, MaxParallelism: 128, StateBytes: 27, CheckpointedBytes: 27, InlineBytes: 7},
	}
	return s
}

func depByRole(deps []Dependency, role Role) []Dependency {
	var out []Dependency
	for _, d := range deps {
		if d.Role == role {
			out = append(out, d)
		}
	}
	return out
}

func TestPathKey(t *testing.T) {
	same := [][]string{
		{"file:/tmp/a/b", "file:///tmp/a/b", "/tmp/a/b", "/tmp/a//b/", "file://localhost/tmp/a/b"},
		{"s3://bucket/cp/x", "s3a://bucket/cp/x", "s3n://bucket/cp/x", "s3p://bucket//cp/x/"},
		{"hdfs://nn:8020/flink/cp/x", "hdfs:///flink/cp/x", "hdfs:/flink/cp/x", "/flink/cp/x"},
	}
	for _, group := range same {
		for _, p := range group[1:] {
			if paths.Key(p) != paths.Key(group[0]) {
				t.Errorf("paths.Key(%q) = %q, want %q (as %q)", p, paths.Key(p), paths.Key(group[0]), group[0])
			}
		}
	}
	differ := [][2]string{{"s3://a/x", "s3://b/x"}, {"s3://a/x", "/x"}, {"chk-1/x", "/chk-1/x"}}
	for _, d := range differ {
		if paths.Key(d[0]) == paths.Key(d[1]) {
			t.Errorf("paths.Key(%q) == paths.Key(%q)", d[0], d[1])
		}
	}
}

func TestInspectIncremental(t *testing.T) {
	s := Inspect(incremental(3, []int{1, 2, 3}, 1000), "")
	wantLoc := Location{Dir: "/tmp/ckptlens-oracle/1.20/incremental/" + jobID + "/chk-3", From: "read-path", Kind: "checkpoint",
		JobDir: "/tmp/ckptlens-oracle/1.20/incremental/" + jobID}
	if s.Location != wantLoc {
		t.Errorf("location = %+v\nwant %+v", s.Location, wantLoc)
	}
	want := []Dependency{
		{Dir: wantLoc.Dir, Role: RoleExclusive, Files: 2, Bytes: 70, Kinds: []model.FileKind{model.KindOperator, model.KindPrivate}},
		{Dir: jobDir + "/shared", Role: RoleShared, Files: 3, Bytes: 3000, Kinds: []model.FileKind{model.KindShared}},
		{Dir: wantLoc.Dir + "/_metadata", Role: RoleInline, Bytes: 7},
	}
	if !reflect.DeepEqual(s.Dependencies, want) {
		t.Errorf("dependencies =\n%+v\nwant\n%+v", s.Dependencies, want)
	}
	if s.Sizes.Full != 3000+50+27 || s.Sizes.Checkpointed != 1000+50+27 || s.Sizes.Inline != 7 {
		t.Errorf("sizes = %+v", s.Sizes)
	}
	if s.Sizes.Operators[0].ID != opA || s.Sizes.Operators[0].Files != 4 || s.Sizes.Operators[0].FileBytes != 3050 {
		t.Errorf("operator sizes = %+v", s.Sizes.Operators)
	}
	for i, ref := range s.FileRefs {
		if d := s.Dependencies[ref.Dependency]; d.Role != ref.Role || !strings.HasPrefix(ref.Path, d.Dir+"/") {
			t.Errorf("file %d %q placed in %+v", i, ref.Path, d)
		}
	}
}

func TestRoles(t *testing.T) {
	newJob := "hdfs://nn:8020/flink/cp/" + jobID
	oldJob := "hdfs://nn:8020/flink/cp/" + oldJobID
	fm := newJob + "/shared/job_" + jobID + "_op_" + opA + "_0_1"
	s := &model.Snapshot{Source: "hdfs://nn:8020/flink/cp/" + jobID + "/chk-12/_metadata", Format: model.FormatFlink, CheckpointID: 12,
		Files: []model.File{
			{Path: "x1", Relative: true, Bytes: 10, Kind: model.KindOperator},
			{Path: oldJob + "/shared/s1", Bytes: 100, Kind: model.KindShared},                      // LEGACY restore
			{Path: oldJob + "/chk-7/x", Bytes: 5, Kind: model.KindKeyed},                           // NO_CLAIM: files of the restored checkpoint
			{Path: "hdfs:///flink/cp/" + jobID + "/shared/s2", Bytes: 100, Kind: model.KindShared}, // no authority
			{Path: newJob + "/chk-11/y", Bytes: 5, Kind: model.KindKeyed},
			{Path: newJob + "/taskowned/t1", Bytes: 3, Kind: model.KindKeyed},
			{Path: fm + "/p1", Bytes: 30, Kind: model.KindSegment, Segments: 3},
			{Path: newJob + "/taskowned/job_" + jobID + "_tm_localhost-1/p2", Bytes: 4, Kind: model.KindSegment, Segments: 1},
			{Path: "hdfs://nn:8020/flink/changelog/" + jobID + "/dstl/c1", Bytes: 8, Kind: model.KindChangelog},
			{Path: "hdfs://nn:8020/flink/sp/savepoint-0a1b2c-0123456789ab/z", Bytes: 9, Kind: model.KindKeyed},
			{Path: "hdfs://nn:8020/elsewhere/q", Bytes: 1, Kind: model.KindKeyed},
		}}
	r := Inspect(s, "")
	got := map[string]Role{}
	for _, d := range r.Dependencies {
		got[d.Dir] = d.Role
	}
	want := map[string]Role{
		newJob + "/chk-12":                      RoleExclusive,
		oldJob + "/shared":                      RoleOtherCheckpoint,
		oldJob + "/chk-7":                       RoleOtherCheckpoint,
		"hdfs:///flink/cp/" + jobID + "/shared": RoleShared,
		newJob + "/chk-11":                      RoleOtherCheckpoint,
		newJob + "/taskowned":                   RoleTaskOwned,
		fm:                                      RoleFileMerging,
		newJob + "/taskowned/job_" + jobID + "_tm_localhost-1":  RoleFileMerging,
		"hdfs://nn:8020/flink/changelog/" + jobID + "/dstl":     RoleChangelog,
		"hdfs://nn:8020/flink/sp/savepoint-0a1b2c-0123456789ab": RoleOtherCheckpoint,
		"hdfs://nn:8020/elsewhere":                              RoleExternal,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("roles:\n got %v\nwant %v", got, want)
	}
	for _, d := range r.Dependencies {
		if d.Dir == fm && (d.Segments != 3 || d.Bytes != 30) {
			t.Errorf("file merging dependency = %+v", d)
		}
		if d.Dir == oldJob+"/chk-7" && d.Checkpoint != "chk-7" {
			t.Errorf("other checkpoint not named: %+v", d)
		}
	}
	// Relative handles without a known folder stay relative.
	s.Source = "_metadata"
	r = Inspect(s, "")
	if d := depByRole(r.Dependencies, RoleRelative); len(d) != 1 || d[0].Dir != "." || d[0].Files != 1 {
		t.Errorf("relative dependency = %+v", d)
	}
}

func TestCompareChain(t *testing.T) {
	// chk-1 uploads 1,2; chk-2 uploads 3 and keeps 1,2; chk-3 compacts
	// 1,2 into 4 and keeps 3. Given out of order.
	c1 := incremental(1, []int{1, 2}, 2000)
	c2 := incremental(2, []int{1, 2, 3}, 1000)
	c3 := incremental(3, []int{3, 4}, 1000)
	r := Analyze([]Input{{Snapshot: c3}, {Snapshot: c1}, {Snapshot: c2}}, Options{})
	c := r.Comparison
	if !reflect.DeepEqual(c.Order, []int{1, 2, 0}) {
		t.Fatalf("order = %v", c.Order)
	}
	first := map[string]int{}
	for _, f := range c.Files {
		if f.Kind == model.KindShared {
			first[f.Path] = f.FirstIn
			if f.UploadedBefore {
				t.Errorf("%s: uploaded before chk-1, which is a full checkpoint", f.Path)
			}
		}
	}
	want := map[string]int{sst(1): 1, sst(2): 1, sst(3): 2, sst(4): 0}
	if !reflect.DeepEqual(first, want) {
		t.Errorf("first uploaded by = %v, want %v", first, want)
	}
	s3 := c.Snapshots[0]
	if s3.Label != "5c3e0f8d/chk-3" || s3.NewFiles != 1+2 || s3.NewBytes != 1000+70 || s3.DroppedFiles != 2+2 || s3.DroppedBytes != 2000+70 || s3.SharedFiles != 1 || s3.Previous != 2 {
		t.Errorf("chk-3 = %+v", s3)
	}
	if c.SharedFiles != 3 || c.SharedBytes != 3000 {
		t.Errorf("shared = %d files %d bytes", c.SharedFiles, c.SharedBytes)
	}
	// Without chk-1, chk-2's inherited files may come from before it.
	r = Analyze([]Input{{Snapshot: c2}, {Snapshot: c3}}, Options{})
	for _, f := range r.Comparison.Files {
		if (f.Kind == model.KindShared && f.Path != sst(4)) != f.UploadedBefore {
			t.Errorf("%s: uploadedBefore = %v", f.Path, f.UploadedBefore)
		}
	}
}

func findListing(t *testing.T, lines ...string) *listing.Listing {
	t.Helper()
	l, err := listing.Parse(strings.NewReader(strings.Join(lines, "\n") + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestOrphans(t *testing.T) {
	local := "/tmp/ckptlens-oracle/1.20/incremental/" + jobID
	oldLocal := "/tmp/ckptlens-oracle/1.20/incremental/" + oldJobID
	c2 := incremental(2, []int{1, 2, 3}, 1000)
	c3 := incremental(3, []int{3, 4}, 1000)
	l := orphansListing(t, local, oldLocal)
	// The listing has no times: only a job stated stopped has its shared/
	// garbage planned.
	r := Analyze([]Input{{Snapshot: c2}, {Snapshot: c3}}, Options{Listing: l, Stopped: true})
	wantDel := []string{
		local + "/chk-1 true 2 950",
		local + "/shared/00000005-0000-4000-8000-000000000000 false 1 1000",
	}
	checkStoppedPlan(t, r, wantDel, oldLocal)
	// Not stated stopped, a listing without times keeps shared/ garbage.
	p := Analyze([]Input{{Snapshot: c2}, {Snapshot: c3}}, Options{Listing: l}).Orphans
	if got := orphanItems(p.Deletable); !reflect.DeepEqual(got, wantDel[:1]) || !strings.Contains(p.Unsure[len(p.Unsure)-1].Reason, "no modification times") {
		t.Errorf("not stopped: deletable %v, unsure %+v", got, p.Unsure)
	}
	checkCheckpointsInProgress(t, l, []Input{{Snapshot: c2}, {Snapshot: c3}}, local, wantDel[:1])
	checkReferencedFileNotListed(t, c3, local)
}

// orphansListing is a find listing of two jobs' checkpoint folders: local
// holds chk-1 to chk-3 and one shared file no checkpoint references;
// oldLocal is another job's.
func orphansListing(t *testing.T, local, oldLocal string) *listing.Listing {
	t.Helper()
	return findListing(t,
		"4096 "+local,
		"4096 "+local+"/shared",
		"1000 "+local+"/shared/00000001-0000-4000-8000-000000000000",
		"1000 "+local+"/shared/00000002-0000-4000-8000-000000000000",
		"1000 "+local+"/shared/00000003-0000-4000-8000-000000000000",
		"1000 "+local+"/shared/00000004-0000-4000-8000-000000000000",
		"1000 "+local+"/shared/00000005-0000-4000-8000-000000000000", // garbage
		"4096 "+local+"/taskowned",
		"4096 "+local+"/chk-1",
		"900 "+local+"/chk-1/_metadata",
		"50 "+local+"/chk-1/1-private-manifest",
		"4096 "+local+"/chk-2",
		"900 "+local+"/chk-2/_metadata",
		"50 "+local+"/chk-2/2-private-manifest",
		"20 "+local+"/chk-2/2-operator-state",
		"4096 "+local+"/chk-3",
		"900 "+local+"/chk-3/_metadata",
		"50 "+local+"/chk-3/3-private-manifest",
		"20 "+local+"/chk-3/3-operator-state",
		"4096 "+oldLocal,
		"4096 "+oldLocal+"/chk-7",
		"800 "+oldLocal+"/chk-7/_metadata",
		"4096 "+oldLocal+"/shared",
		"77 "+oldLocal+"/shared/s",
	)
}

// orphanItems prints each item as "path dir files bytes".
func orphanItems(list []OrphanItem) []string {
	var out []string
	for _, it := range list {
		out = append(out, fmt.Sprintf("%s %v %d %d", it.Path, it.Dir, it.Files, it.Bytes))
	}
	return out
}

// checkStoppedPlan checks TestOrphans's plan for a job stated stopped.
func checkStoppedPlan(t *testing.T, r *Report, wantDel []string, oldLocal string) {
	t.Helper()
	p := r.Orphans
	if got := orphanItems(p.Deletable); !reflect.DeepEqual(got, wantDel) || len(p.Refusals) != 0 {
		t.Errorf("deletable =\n%s\nwant\n%s\nrefusals %+v", strings.Join(got, "\n"), strings.Join(wantDel, "\n"), p.Refusals)
	}
	// The old job has no given snapshot: it is kept whole, never planned.
	wantKept := []string{oldLocal + "/chk-7/_metadata false 1 800", oldLocal + "/shared/s false 1 77"}
	if got := orphanItems(p.Unsure); !reflect.DeepEqual(got, wantKept) || !strings.Contains(p.Unsure[0].Reason, "holds none of the given snapshots") {
		t.Errorf("unsure =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(wantKept, "\n"))
	}
	if p.DeletableFiles != 3 || p.DeletableBytes != 950+1000 {
		t.Errorf("deletable totals = %d files %d bytes", p.DeletableFiles, p.DeletableBytes)
	}
	if p.ReferencedFiles != 4+2*3 || len(p.Missing) != 0 {
		t.Errorf("referenced %d, missing %+v", p.ReferencedFiles, p.Missing)
	}
	// Everything listed is accounted for exactly once.
	if p.ReferencedFiles+p.DeletableFiles+p.UnsureFiles != p.Listing.Files {
		t.Errorf("%d+%d+%d != %d listed", p.ReferencedFiles, p.DeletableFiles, p.UnsureFiles, p.Listing.Files)
	}
	if p.Listing.Root != "/tmp/ckptlens-oracle/1.20/incremental" {
		t.Errorf("root = %q", p.Listing.Root)
	}
	// The file-merging-style physical sizes come from the listing.
	if d := depByRole(r.Snapshots[1].Dependencies, RoleShared)[0]; d.ListedFiles != 2 || d.PhysicalBytes != 2000 {
		t.Errorf("listed sizes = %+v", d)
	}
}

// checkCheckpointsInProgress adds to l a checkpoint being written and an
// empty one just started, and checks both hold their files back.
func checkCheckpointsInProgress(t *testing.T, l *listing.Listing, inputs []Input, local string, wantDel []string) {
	t.Helper()
	// A checkpoint in progress (chk-4, no _metadata yet) keeps its folder
	// and the job's unreferenced shared files out of the plan.
	l.Entries = append(l.Entries, listing.Entry{Path: local + "/chk-4", Dir: true}, listing.Entry{Path: local + "/chk-4/partial", Bytes: 33})
	p := Analyze(inputs, Options{Listing: l, Stopped: true}).Orphans
	if got := orphanItems(p.Deletable); !reflect.DeepEqual(got, wantDel) || !slices.ContainsFunc(p.Unsure, func(it OrphanItem) bool {
		return it.Path == local+"/chk-4/partial" && strings.Contains(it.Reason, "in progress")
	}) || !slices.ContainsFunc(p.Unsure, func(it OrphanItem) bool {
		return it.Path == local+"/shared/00000005-0000-4000-8000-000000000000" && strings.Contains(it.Reason, "in progress")
	}) {
		t.Errorf("with chk-4 in progress: deletable %+v\nunsure %+v", p.Deletable, p.Unsure)
	}

	// An empty chk-5 folder (a checkpoint just started) is kept too.
	l.Entries = append(l.Entries, listing.Entry{Path: local + "/chk-5", Dir: true})
	p = Analyze(inputs, Options{Listing: l, Stopped: true}).Orphans
	if !slices.ContainsFunc(p.Unsure, func(it OrphanItem) bool { return it.Path == local+"/chk-5" && it.Dir && it.Files == 0 }) {
		t.Errorf("empty chk-5 in progress: unsure %+v", p.Unsure)
	}
}

// checkReferencedFileNotListed: a referenced shared file the listing lacks
// refuses the plan.
func checkReferencedFileNotListed(t *testing.T, c3 *model.Snapshot, local string) {
	t.Helper()
	l2 := findListing(t, "900 "+local+"/chk-3/_metadata", "50 "+local+"/chk-3/3-private-manifest", "20 "+local+"/chk-3/3-operator-state",
		"1000 "+local+"/shared/00000003-0000-4000-8000-000000000000", "1000 "+local+"/shared/00000009-0000-4000-8000-000000000000",
		"5 "+local+"/chk-2/x")
	p := Analyze([]Input{{Snapshot: c3}}, Options{Listing: l2, Stopped: true}).Orphans
	if len(p.Missing) != 1 || p.Missing[0].Path != sst(4) || !reflect.DeepEqual(p.Missing[0].Snapshots, []int{0}) {
		t.Errorf("missing = %+v", p.Missing)
	}
	if len(p.Deletable) != 0 || len(p.Refusals) != 1 || p.Refusals[0].Code != "files-not-listed" || p.DeletableList() != "" {
		t.Errorf("missing file: deletable %+v refusals %+v", p.Deletable, p.Refusals)
	}
}

func TestOrphansRelativeListing(t *testing.T) {
	// aws s3 ls prints keys without the bucket; the prefix is inferred from
	// the snapshot's absolute paths, and a savepoint's _metadata is kept.
	sp := &model.Snapshot{Source: "savepoint-5c3e0f-0123456789ab/_metadata", Format: model.FormatFlink, CheckpointID: 4, SnapshotKind: model.KindSavepoint,
		Files: []model.File{{Path: "f1", Relative: true, Bytes: 10}, {Path: "f2", Relative: true, Bytes: 20}}}
	chk := &model.Snapshot{Format: model.FormatFlink, CheckpointID: 9, Files: []model.File{{Path: "s3a://bkt/cp/" + jobID + "/shared/s1", Bytes: 5, Kind: model.KindShared}}}
	l := findListing(t,
		"2024-05-01 10:00:00        100 sp/savepoint-5c3e0f-0123456789ab/_metadata",
		"2024-05-01 10:00:00         10 sp/savepoint-5c3e0f-0123456789ab/f1",
		"2024-05-01 10:00:00         20 sp/savepoint-5c3e0f-0123456789ab/f2",
		"2024-05-01 10:00:00         30 sp/savepoint-5c3e0f-0123456789ab/f3",
		"2024-05-01 10:00:00          5 cp/"+jobID+"/shared/s1",
		"2024-05-01 09:00:00          6 cp/"+jobID+"/shared/s2",
		"2024-05-01 10:00:00          6 cp/"+jobID+"/shared/s3",
		"2024-05-01 10:00:00         60 cp/"+jobID+"/chk-9/_metadata",
	)
	chkBase := "s3://bkt/cp/" + jobID + "/chk-9"
	r := Analyze([]Input{{Snapshot: sp, Base: "s3://bkt/sp/savepoint-5c3e0f-0123456789ab"}, {Snapshot: chk, Base: chkBase}}, Options{Listing: l})
	p := r.Orphans
	if p.Listing.Prefix != "s3://bkt/" || !p.Listing.HasTimes {
		t.Errorf("prefix = %q, times %v", p.Listing.Prefix, p.Listing.HasTimes)
	}
	var del []string
	for _, it := range p.Deletable {
		del = append(del, it.Path)
	}
	// s3 was written with chk-9's _metadata: a running job may need it.
	want := []string{"s3://bkt/cp/" + jobID + "/shared/s2", "s3://bkt/sp/savepoint-5c3e0f-0123456789ab/f3"}
	if !reflect.DeepEqual(del, want) || p.ReferencedFiles != 5 || len(p.Refusals) != 0 {
		t.Errorf("deletable = %v (want %v), referenced %d, refusals %+v", del, want, p.ReferencedFiles, p.Refusals)
	}
	if !slices.ContainsFunc(p.Unsure, func(it OrphanItem) bool {
		return strings.HasSuffix(it.Path, "/s3") && strings.Contains(it.Reason, "margin")
	}) {
		t.Errorf("s3, written with the newest checkpoint, is not kept: %+v", p.Unsure)
	}
	// Without the savepoint's base its relative files cannot be placed:
	// the plan is refused.
	r = Analyze([]Input{{Snapshot: sp}, {Snapshot: chk, Base: chkBase}}, Options{Listing: l})
	if len(r.Orphans.Deletable) != 0 || len(r.Orphans.Refusals) == 0 {
		t.Errorf("without a location: deletable %+v, refusals %+v", r.Orphans.Deletable, r.Orphans.Refusals)
	}
}

func TestReportJSON(t *testing.T) {
	r := Analyze([]Input{{Snapshot: incremental(1, []int{1}, 1000)}, {Snapshot: incremental(2, []int{1, 2}, 1000)}}, Options{})
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	b2, _ := json.Marshal(&back)
	if string(b) != string(b2) {
		t.Errorf("JSON does not round-trip:\n%s\n%s", b, b2)
	}
	// inspect --json keeps every model field and adds the analysis.
	one, _ := json.Marshal(r.Snapshots[0])
	var m map[string]any
	json.Unmarshal(one, &m)
	for _, k := range []string{"source", "format", "formatVersion", "checkpointId", "operators", "files", "inlineBytes", "dependencies", "sizes", "location"} {
		if _, ok := m[k]; !ok {
			t.Errorf("inspect JSON lacks %q", k)
		}
	}
	dep := m["dependencies"].([]any)[0].(map[string]any)
	for _, k := range []string{"dir", "role", "files", "bytes"} {
		if _, ok := dep[k]; !ok {
			t.Errorf("dependency JSON lacks %q", k)
		}
	}
	// A file ref carries its path only where it differs from the file's
	// (a relative file resolved), and reads back with every path.
	s := back.Snapshots[0]
	resolved := 0
	for i, ref := range m["fileRefs"].([]any) {
		_, has := ref.(map[string]any)["path"]
		if differs := r.Snapshots[0].FileRefs[i].Path != s.Files[i].Path; has != differs {
			t.Errorf("file ref %d: path written %v, differs from the file's %v", i, has, differs)
		}
		if has {
			resolved++
		}
		if got, want := s.FileRefs[i].Path, r.Snapshots[0].FileRefs[i].Path; got != want {
			t.Errorf("file ref %d read back as %q, want %q", i, got, want)
		}
	}
	if resolved == 0 || resolved == len(s.Files) {
		t.Errorf("%d of %d refs resolved: the test needs both kinds", resolved, len(s.Files))
	}
	// Reports written before kept every path: they read the same.
	old := strings.ReplaceAll(string(one), `"fileRefs":[{"dependency"`, `"fileRefs":[{"path":`+strconv.Quote(s.Files[0].Path)+`,"dependency"`)
	if old == string(one) {
		t.Fatal("the first file ref carries a path: no older report to make")
	}
	var fromOld SnapshotReport
	if err := json.Unmarshal([]byte(old), &fromOld); err != nil || fromOld.FileRefs[0].Path != s.FileRefs[0].Path {
		t.Errorf("an older report reads %+v (%v)", fromOld.FileRefs, err)
	}
}

func TestOrphansNeedCompleteSnapshots(t *testing.T) {
	local := "/tmp/ckptlens-oracle/1.20/incremental/" + jobID
	l := findListing(t, "900 "+local+"/chk-3/_metadata", "50 "+local+"/chk-3/3-private-manifest", "20 "+local+"/chk-3/3-operator-state", "1000 "+local+"/shared/garbage")
	c3 := incremental(3, nil, 0)
	if p := Analyze([]Input{{Snapshot: c3}}, Options{Listing: l, Stopped: true}).Orphans; p.DeletableFiles != 1 || p.Refused() {
		t.Fatalf("complete snapshot: %+v", p)
	}
	c3.Error = &model.ErrorInfo{Offset: 10, Message: "truncated"}
	p := Analyze([]Input{{Snapshot: c3}}, Options{Listing: l, Stopped: true}).Orphans
	if p.DeletableFiles != 0 || len(p.Deletable) != 0 || p.UnsureFiles != 1 || len(p.Refusals) != 1 || p.Refusals[0].Code != "snapshot-partial" {
		t.Errorf("partial snapshot: %+v", p)
	}
	if r := Analyze(nil, Options{Listing: l}); r.Orphans != nil {
		t.Errorf("a plan without snapshots: %+v", r.Orphans)
	}
}

func TestRelocateByListing(t *testing.T) {
	real := "/data/cp/" + jobID + "/chk-7"
	snap := &model.Snapshot{Source: "/home/me/Downloads/_metadata", Format: model.FormatFlink, CheckpointID: 7, Size: 900,
		Files: []model.File{{Path: "a1", Relative: true, Bytes: 5}, {Path: "a2", Relative: true, Bytes: 6}}}
	l := findListing(t, "900 "+real+"/_metadata", "5 "+real+"/a1", "6 "+real+"/a2", "3 "+real+"/stray",
		"900 /data/cp/"+jobID+"/chk-6/_metadata", "5 /data/cp/"+jobID+"/chk-6/a1") // same size, lacks a2
	r := Analyze([]Input{{Snapshot: snap}}, Options{Listing: l})
	s, p := r.Snapshots[0], r.Orphans
	if s.Location.Dir != real || s.Location.From != "listing" || s.Location.ReadFrom != "/home/me/Downloads" {
		t.Fatalf("location = %+v", s.Location)
	}
	if p.ReferencedFiles != 3 || p.DeletableFiles != 3 { // stray, and the older chk-6
		t.Errorf("plan: %d referenced, %d deletable: %+v", p.ReferencedFiles, p.DeletableFiles, p.Deletable)
	}
	// Two equally good folders: no guess; the files stay unsure.
	l.Entries = append(l.Entries, listing.Entry{Path: "/data/copy/chk-7/_metadata", Bytes: 900},
		listing.Entry{Path: "/data/copy/chk-7/a1", Bytes: 5}, listing.Entry{Path: "/data/copy/chk-7/a2", Bytes: 6})
	r = Analyze([]Input{{Snapshot: snap}}, Options{Listing: l})
	if r.Snapshots[0].Location.From == "listing" {
		t.Errorf("ambiguous match taken: %+v", r.Snapshots[0].Location)
	}
	for _, it := range r.Orphans.Deletable {
		for _, keep := range []string{real + "/a1", real + "/a2", real + "/_metadata", "/data/copy/chk-7/a1"} {
			if paths.Under(keep, paths.Key(it.Path)) {
				t.Errorf("%s deletable while the snapshot's folder is unknown: %+v", keep, it)
			}
		}
	}
}

func TestCompareRestoredFiles(t *testing.T) {
	// The restored job's chk-5 still uses the old job's SST: uploaded by a
	// checkpoint of the old job, never by chk-5.
	old := "file:/cp/" + oldJobID + "/shared/s1"
	mk := func(id int64, files ...string) *model.Snapshot {
		s := &model.Snapshot{Source: fmt.Sprintf("/cp/%s/chk-%d/_metadata", jobID, id), Format: model.FormatFlink, CheckpointID: id}
		for _, f := range files {
			s.Files = append(s.Files, model.File{Path: f, Bytes: 10, Kind: model.KindShared})
		}
		s.Operators = []model.Operator{{ID: opA, StateBytes: 10 * int64(len(files)), CheckpointedBytes: 10}}
		return s
	}
	own := "file:/cp/" + jobID + "/shared/s2"
	r := Analyze([]Input{{Snapshot: mk(5, old, own)}, {Snapshot: mk(6, old, own)}}, Options{})
	for _, f := range r.Comparison.Files {
		if f.Path == old && (!f.UploadedElsewhere || f.UploadedBefore || f.Role != RoleOtherCheckpoint) {
			t.Errorf("old job's file: %+v", f)
		}
		if f.Path == own && (f.UploadedElsewhere || !f.UploadedBefore) {
			t.Errorf("own shared file of the oldest (not full) checkpoint: %+v", f)
		}
	}
}

func TestLocation(t *testing.T) {
	snap := incremental(3, []int{1}, 0)
	tests := []struct {
		name   string
		source string
		base   string
		want   Location
	}{
		{"base wins", snap.Source, "s3://b/cp/" + jobID + "/chk-3/", Location{Dir: "s3://b/cp/" + jobID + "/chk-3", From: "base", Kind: "checkpoint", JobDir: "s3://b/cp/" + jobID}},
		{"base _metadata", "", "s3://b/sp/savepoint-5c3e0f-0123456789ab/_metadata", Location{Dir: "s3://b/sp/savepoint-5c3e0f-0123456789ab", From: "base", Kind: "savepoint"}},
		{"read from a copy of the job folder", "testdata/flink/1.20/incremental/" + jobID + "/chk-3/_metadata", "",
			Location{Dir: jobDir + "/chk-3", From: "absolute-paths", Kind: "checkpoint", JobDir: jobDir, ReadFrom: "testdata/flink/1.20/incremental/" + jobID + "/chk-3"}},
		{"downloaded: folder not a checkpoint's", "/home/me/Downloads/_metadata", "", Location{Dir: "/home/me/Downloads", From: "read-path", Kind: "folder", JobDir: jobDir}},
		{"dropped on the page: no folder", "_metadata", "", Location{JobDir: jobDir}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := *snap
			s.Source = tc.source
			if got := Inspect(&s, tc.base).Location; got != tc.want {
				t.Errorf("locate = %+v\nwant %+v", got, tc.want)
			}
		})
	}
	// With entropy injection even exclusive files are absolute: the most
	// common chk-N of the absolute paths is the location.
	s := &model.Snapshot{Source: "_metadata", Format: model.FormatFlink, CheckpointID: 9, Files: []model.File{
		{Path: "s3://b/cp/" + jobID + "/chk-9/aa", Bytes: 1},
		{Path: "s3://b/cp/" + jobID + "/chk-9/bb", Bytes: 1},
		{Path: "s3://b/cp/" + jobID + "/chk-8/cc", Bytes: 1},
		{Path: "s3://b/cp/" + jobID + "/shared/dd", Bytes: 1, Kind: model.KindShared},
	}}
	r := Inspect(s, "")
	if r.Location.Dir != "s3://b/cp/"+jobID+"/chk-9" || r.Location.From != "absolute-paths" {
		t.Errorf("location = %+v", r.Location)
	}
	roles := map[string]Role{}
	for _, d := range r.Dependencies {
		roles[d.Dir] = d.Role
	}
	want := map[string]Role{"s3://b/cp/" + jobID + "/chk-9": RoleExclusive, "s3://b/cp/" + jobID + "/chk-8": RoleOtherCheckpoint, "s3://b/cp/" + jobID + "/shared": RoleShared}
	if !reflect.DeepEqual(roles, want) {
		t.Errorf("roles = %v, want %v", roles, want)
	}
}
