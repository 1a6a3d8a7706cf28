package app

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ckptlens/ckptlens/internal/fixtures"
	"github.com/ckptlens/ckptlens/parse"
	"github.com/ckptlens/ckptlens/parse/model"
)

// A SlateDB database dropped as a folder is read as its newest manifest and
// the ones its checkpoints pin; the older ones are one line saying why they
// were not read. The same manifests dropped as files are all read.
func TestFolderDropReadsLiveManifests(t *testing.T) {
	repo, err := fixtures.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(repo, "testdata", "slatedb", "store", "prod", "clone", "manifest", "*.manifest"))
	if len(files) != 7 {
		t.Fatalf("%d manifests in the committed clone database, want 7", len(files))
	}
	drop := func(inFolder bool) *Root {
		var inputs []Input
		var loads []*fileLoad
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			name := filepath.Base(f)
			if inFolder {
				name = "clone/manifest/" + name
			}
			inputs = append(inputs, Input{Name: name, Size: int64(len(data)), ReaderAt: bytes.NewReader(data)})
			loads = append(loads, &fileLoad{Name: name, Size: int64(len(data))})
		}
		r := &Root{Env: &countingEnv{}, Platform: &fakeBrowser{}, Loads: loads, inputs: inputs} // as Load leaves them
		r.analyse(r.loadSeq.Load(), inputs, loads, placement{})
		return r
	}
	r := drop(true)
	var names []string
	for _, l := range r.Loads {
		names = append(names, l.Name)
	}
	want := []string{"clone/manifest/00000000000000000006.manifest", "clone/manifest/00000000000000000007.manifest", "clone/manifest/"}
	if !slices.Equal(names, want) || r.Report == nil || len(r.Report.Snapshots) != 2 || len(r.inputs) != 2 {
		t.Fatalf("loads %q, report %v", names, r.Report)
	}
	if left := r.Loads[2]; !left.Done || !strings.HasPrefix(left.Note, "5 older manifests, not read") || left.Problem != "" {
		t.Errorf("the line for the manifests left out: %+v", left)
	}
	// Analysed again (a new base location), the line stays.
	env := &syncEnv{}
	r.Env = env
	r.SetBase("s3://bucket/prod/clone")
	waitFor(t, func() bool { env.Lock(); defer env.Unlock(); return r.Completed == 2 })
	env.Lock()
	if len(r.Loads) != 3 || r.Loads[2].Name != "clone/manifest/" || r.Report.Snapshots[0].Location.Dir != "s3://bucket/prod/clone" {
		t.Errorf("after a new base location: %d loads, located at %s", len(r.Loads), r.Report.Snapshots[0].Location.Dir)
	}
	env.Unlock()
	if r := drop(false); len(r.Loads) != 7 || len(r.Report.Snapshots) != 7 {
		t.Errorf("manifests dropped as files: %d loads, %d snapshots", len(r.Loads), len(r.Report.Snapshots))
	}
}

// The roles are Flink's; for a SlateDB manifest they are told in SlateDB's
// words.
func TestRoleHelpSpeaksTheSnapshotsFormat(t *testing.T) {
	flink := &Dependencies{Snap: &SnapshotReport{Snapshot: &model.Snapshot{}}}
	slate := &Dependencies{Snap: &SnapshotReport{Snapshot: &model.Snapshot{SlateDB: &model.SlateDBDetails{}}}}
	if h := flink.roleHelp(string(parse.RoleOtherCheckpoint)); !strings.Contains(h, "CLAIM or LEGACY") || strings.Contains(h, "NO_CLAIM") {
		t.Errorf("Flink: %q", h)
	}
	for role, want := range map[parse.Role]string{parse.RoleOtherCheckpoint: "parent database", parse.RoleExclusive: "manifest/", parse.RoleShared: "compacted/"} {
		if h := slate.roleHelp(string(role)); !strings.Contains(h, want) || strings.Contains(h, "chk-N") {
			t.Errorf("SlateDB %s: %q", role, h)
		}
	}
	if slate.roleHelp(string(parse.RoleInline)) != flink.roleHelp(string(parse.RoleInline)) {
		t.Error("a role SlateDB has no words of its own for")
	}
}

// A database folder dropped with its compactions/ folder: of those files
// only the newest, the compactor's state, is read; the older ones are one
// line saying why.
func TestFolderDropReadsNewestCompactions(t *testing.T) {
	repo, err := fixtures.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(repo, "testdata", "slatedb", "proof", "proof", "main")
	files, _ := filepath.Glob(filepath.Join(db, "compactions", "*.compactions"))
	manifests, _ := filepath.Glob(filepath.Join(db, "manifest", "*.manifest"))
	if len(files) < 2 || len(manifests) == 0 {
		t.Fatalf("%d compactions files, %d manifests in the proof store", len(files), len(manifests))
	}
	var inputs []Input
	var loads []*fileLoad
	for _, f := range append(files, manifests[len(manifests)-1]) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(filepath.Dir(db), f)
		inputs = append(inputs, Input{Name: filepath.ToSlash(rel), Size: int64(len(data)), ReaderAt: bytes.NewReader(data)})
		loads = append(loads, &fileLoad{Name: filepath.ToSlash(rel), Size: int64(len(data))})
	}
	r := &Root{Env: &countingEnv{}, Platform: &fakeBrowser{}, Loads: loads, inputs: inputs}
	r.analyse(r.loadSeq.Load(), inputs, loads, placement{})
	kept, keptLoads := r.inputs, r.Loads
	var names []string
	for _, in := range kept {
		names = append(names, in.Name)
	}
	newest, _ := filepath.Rel(filepath.Dir(db), files[len(files)-1])
	if !slices.Contains(names, filepath.ToSlash(newest)) || len(kept) != 2 {
		t.Fatalf("read %q, want the newest compactions file and the manifest", names)
	}
	last := keptLoads[len(keptLoads)-1]
	if last.Name != "main/compactions/" || !strings.HasPrefix(last.Note, Count(len(files)-1)+" older compactions files, not read") {
		t.Errorf("the line for the files left out: %+v", last)
	}
}

// supersedingReader counts the reads of one file; its first read stands for
// a newer drop arriving meanwhile.
type supersedingReader struct {
	data  []byte
	reads *int
	newer func()
}

func (s supersedingReader) ReadAt(p []byte, off int64) (int, error) {
	*s.reads++
	if *s.reads == 1 && s.newer != nil {
		s.newer()
	}
	return bytes.NewReader(s.data).ReadAt(p, off)
}

// A drop superseded while its files are read reads none of the files after
// the one under way (parse.Load asks Stop between files), and shows nothing.
func TestSupersededDropStopsReading(t *testing.T) {
	repo, err := fixtures.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	metas, _ := filepath.Glob(filepath.Join(repo, "testdata", "flink", "generated", "1.20", "restore-claim", "*", "chk-*", "_metadata"))
	if len(metas) < 2 {
		t.Fatalf("%d _metadata files", len(metas))
	}
	r := &Root{Env: &countingEnv{}, Platform: &fakeBrowser{}}
	reads := make([]int, len(metas))
	var inputs []Input
	var loads []*fileLoad
	for i, m := range metas {
		data, err := os.ReadFile(m)
		if err != nil {
			t.Fatal(err)
		}
		sr := supersedingReader{data: data, reads: &reads[i]}
		if i == 0 {
			sr.newer = func() { r.loadSeq.Add(1) }
		}
		inputs = append(inputs, Input{Name: m, Size: int64(len(data)), ReaderAt: sr})
		loads = append(loads, &fileLoad{Name: m, Size: int64(len(data))})
	}
	r.analyse(r.loadSeq.Load(), inputs, loads, placement{})
	if reads[0] != 1 || slices.ContainsFunc(reads[1:], func(n int) bool { return n > 0 }) || r.Report != nil || r.Completed != 0 {
		t.Errorf("reads %v, report %v, %d completed", reads, r.Report != nil, r.Completed)
	}
}
