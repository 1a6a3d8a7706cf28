package analysis

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/ckptlens/ckptlens/parse/listing"
	"github.com/ckptlens/ckptlens/parse/model"
	"github.com/ckptlens/ckptlens/parse/paths"
)

// FuzzAnalyze feeds arbitrary paths, sources and listings through the whole
// analysis: it must never panic, must account for every listed file exactly
// once, and must never plan to delete a file a snapshot references.
func FuzzAnalyze(f *testing.F) {
	f.Add("/tmp/cp/"+jobID+"/chk-3/_metadata", "", "a\nfile:/tmp/cp/"+jobID+"/shared/s1\n/tmp/cp/"+jobID+"/chk-2/x",
		"5 /tmp/cp/"+jobID+"/shared/s1\n6 /tmp/cp/"+jobID+"/shared/s2\n7 /tmp/cp/"+jobID+"/chk-3/a\n1 /tmp/cp/"+jobID+"/chk-4/b")
	f.Add("_metadata", "s3://b/sp/savepoint-5c3e0f-0123456789ab", "f1\nf2", "2024-05-01 10:00:00 10 sp/savepoint-5c3e0f-0123456789ab/f1")
	f.Add("db/manifest/00000000000000000002.manifest", "", "compacted/01J.sst\nwal/1.sst", "gs://b/:\n 5  2024-05-01T10:00:00Z  gs://b/db/wal/1.sst")
	f.Add("hdfs:///a/chk-1", "hdfs://nn/a/chk-1/", "hdfs://nn/a/shared/job_x_op_y_0_1/p", "-rw-r--r--   3 u g 5 2024-05-01 10:00 /a/shared/job_x_op_y_0_1/p")
	f.Fuzz(func(t *testing.T, source, base, written, list string) {
		snap := &model.Snapshot{Source: source, Format: model.FormatFlink, CheckpointID: 3, Size: int64(len(written) % 7)}
		if strings.Contains(source, "manifest") {
			snap.Format = model.FormatSlateDB
		}
		for i, p := range strings.Split(written, "\n") {
			snap.Files = append(snap.Files, model.File{Path: p, Relative: i%2 == 0 && !strings.Contains(p, ":"), Bytes: int64(i) - 1, Kind: model.KindShared})
		}
		checkFileKeys(t, snap)
		l, _ := listing.Parse(strings.NewReader(list))
		r := Analyze([]Input{{Snapshot: snap, Base: base}, {Snapshot: &model.Snapshot{}}}, Options{Listing: l})
		if _, err := json.Marshal(r); err != nil {
			t.Fatal(err)
		}
		p := r.Orphans
		if p.ReferencedFiles+p.DeletableFiles+p.UnsureFiles != p.Listing.Files {
			t.Fatalf("%d referenced + %d deletable + %d unsure != %d listed", p.ReferencedFiles, p.DeletableFiles, p.UnsureFiles, p.Listing.Files)
		}
		refs := map[string]bool{}
		for _, ref := range r.Snapshots[0].FileRefs {
			if ref.Key != "" {
				refs[ref.Key] = true
			}
		}
		for _, it := range p.Deletable {
			if !it.Dir && refs[paths.Key(it.Path)] {
				t.Fatalf("referenced file planned for deletion: %+v", it)
			}
			for k := range refs {
				if it.Dir && paths.Under(k, paths.Key(it.Path)) {
					t.Fatalf("folder %q planned for deletion holds referenced %q", it.Path, k)
				}
			}
		}
		// Cut for a link, every list fits and every total stays.
		rows := 1 + len(source)%4
		cut := r.ForSharing(rows)
		if cut.LongestList() > rows || (cut.LeftOut != nil) != (r.LongestList() > rows) || cut.Orphans.DeletableBytes != p.DeletableBytes {
			t.Fatalf("cut to %d rows: longest list %d, left out %+v", rows, cut.LongestList(), cut.LeftOut)
		}
		for i, s := range cut.Snapshots {
			if len(s.FileRefs) != len(s.Files) || s.FilesLeftOut != len(r.Snapshots[i].Files)-len(s.Files) || s.Sizes.Files != r.Snapshots[i].Sizes.Files {
				t.Fatalf("snapshot %d cut to %d files, %d refs, %d left out", i, len(s.Files), len(s.FileRefs), s.FilesLeftOut)
			}
		}
	})
}

// checkFileKeys asserts that fileKeys, which reuses a folder's key for the
// paths after it, gives each path the key paths.Key gives it alone, and that
// files numbered in one run share their key's folder.
func checkFileKeys(t *testing.T, snap *model.Snapshot) {
	t.Helper()
	kf := fileKeys(snap)
	runDir := map[int32]string{}
	for i, f := range snap.Files {
		want := ""
		if paths.IsAbsolute(f.Path) {
			want = paths.Key(f.Path)
		}
		if kf.keys[i] != want {
			t.Fatalf("file %d %q: key %q, paths.Key %q", i, f.Path, kf.keys[i], want)
		}
		if want == "" {
			continue
		}
		if d, ok := runDir[kf.runs[i]]; ok && d != paths.KeyDir(want) {
			t.Fatalf("file %d %q in run %d: folder %q, the run's %q", i, f.Path, kf.runs[i], paths.KeyDir(want), d)
		}
		runDir[kf.runs[i]] = paths.KeyDir(want)
	}
}

// jobID is a Flink job id as its folders name it.
const jobID = "5c3e0f8d2a9b4c1e8f7a6b5c4d3e2f1a"
