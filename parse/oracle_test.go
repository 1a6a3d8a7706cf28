package parse

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/ckptlens/ckptlens/internal/fixtures"
	"github.com/ckptlens/ckptlens/parse/listing"
	"github.com/ckptlens/ckptlens/parse/model"
	"github.com/ckptlens/ckptlens/parse/paths"
)

// The analysis checked against real checkpoints: testdata/flink/generated
// holds, per Flink release and scenario, the _metadata files real
// MiniCluster jobs wrote, Flink's own reading of each (truth.json, from
// Checkpoints.loadCheckpointMetadata) and the scenario's real listing.

type truthFile struct {
	Path         string `json:"path"`
	Relative     bool   `json:"relative"`
	ResolvedPath string `json:"resolvedPath"`
	Bytes        int64  `json:"bytes"`
	Handle       string `json:"handle"`
	Role         string `json:"role"`
}

type truthDoc struct {
	FlinkVersion string `json:"flinkVersion"`
	Metadata     string `json:"metadata"`
	CheckpointID int64  `json:"checkpointId"`
	SnapshotKind string `json:"snapshotKind"`
	Totals       struct {
		StateSize        int64 `json:"stateSize"`
		CheckpointedSize int64 `json:"checkpointedSize"`
	} `json:"totals"`
	InlineBytes int64       `json:"inlineBytes"`
	Files       []truthFile `json:"files"`
	FileSummary []struct {
		Path     string `json:"path"`
		Bytes    int64  `json:"bytes"`
		Kind     string `json:"kind"`
		Segments int    `json:"segments"`
	} `json:"fileSummary"`
}

// onDisk tells handles that name a file: the empty file-merging segment
// (EmptySegmentFileStateHandle, path "empty") names none.
func (f truthFile) onDisk() bool { return f.Handle != "EmptySegmentFileStateHandle" }

// resolved is where Flink says the file is.
func (f truthFile) resolved() string {
	if f.Relative {
		return f.ResolvedPath
	}
	return f.Path
}

type oracleSnapshot struct {
	copyPath string // the _metadata in testdata
	truth    truthDoc
	snap     *model.Snapshot
}

// base is the folder the snapshot was written to.
func (o oracleSnapshot) base() string { return filepath.Dir(o.truth.Metadata) }

type oracleScenario struct {
	release, name string
	root          string // where the scenario ran, e.g. /tmp/ckptlens-oracle/1.20/incremental
	listing       *listing.Listing
	snaps         []oracleSnapshot // by checkpoint id
}

func loadOracle(t *testing.T) []oracleScenario {
	t.Helper()
	repo, err := fixtures.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	gen := filepath.Join(repo, "testdata", "flink", "generated")
	listings, _ := filepath.Glob(filepath.Join(gen, "*", "*", "listing.txt"))
	if len(listings) == 0 {
		t.Skipf("skipping: no oracle scenarios under %s (testdata/flink/regenerate.sh writes them)", gen)
	}
	var out []oracleScenario
	for _, lp := range listings {
		dir := filepath.Dir(lp)
		sc := oracleScenario{release: filepath.Base(filepath.Dir(dir)), name: filepath.Base(dir)}
		f, err := os.Open(lp)
		if err != nil {
			t.Fatal(err)
		}
		sc.listing, err = listing.Parse(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", lp, err)
		}
		err = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.Name() != "truth.json" {
				return err
			}
			var o oracleSnapshot
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if err := json.Unmarshal(b, &o.truth); err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			o.copyPath = filepath.Join(filepath.Dir(p), paths.MetadataName)
			o.snap, err = DecodeFile(o.copyPath)
			if err != nil {
				t.Errorf("%s: %v", o.copyPath, err)
				return nil
			}
			sc.snaps = append(sc.snaps, o)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(sc.snaps) == 0 {
			continue
		}
		m := sc.snaps[0].truth.Metadata
		i := strings.Index(m, "/"+sc.release+"/"+sc.name+"/")
		if i < 0 {
			t.Fatalf("%s: metadata %s is not under its scenario", dir, m)
		}
		sc.root = m[:i+len(sc.release)+len(sc.name)+2]
		sort.SliceStable(sc.snaps, func(a, b int) bool { return sc.snaps[a].truth.CheckpointID < sc.snaps[b].truth.CheckpointID })
		out = append(out, sc)
	}
	return out
}

func (sc oracleScenario) String() string { return sc.release + "/" + sc.name }

// TestOracleSizes: full and checkpointed sizes equal Flink's.
func TestOracleSizes(t *testing.T) {
	for _, sc := range loadOracle(t) {
		for _, o := range sc.snaps {
			s := Inspect(o.snap, "")
			if s.Sizes.Full != o.truth.Totals.StateSize || s.Sizes.Checkpointed != o.truth.Totals.CheckpointedSize {
				t.Errorf("%s %s: full %d checkpointed %d, Flink says %d and %d", sc, o.copyPath,
					s.Sizes.Full, s.Sizes.Checkpointed, o.truth.Totals.StateSize, o.truth.Totals.CheckpointedSize)
			}
			var deps int64
			for _, d := range s.Dependencies {
				deps += d.Bytes
			}
			var files int64
			for _, f := range o.truth.FileSummary {
				files += f.Bytes
			}
			if deps != files+o.truth.InlineBytes {
				t.Errorf("%s %s: dependencies hold %d bytes, Flink's files and inline state %d", sc, o.copyPath, deps, files+o.truth.InlineBytes)
			}
		}
	}
}

// expectedRole places a file by where Flink resolved it, relative to the
// scenario's checkpoint root: <job>/chk-N, <job>/shared, <job>/taskowned,
// savepoints/savepoint-…, dstl/….
func expectedRole(sc oracleScenario, o oracleSnapshot, f truthFile) Role {
	own := strings.Split(strings.TrimPrefix(o.base(), sc.root+"/"), "/") // [job, chk-N] or [savepoints, savepoint-…]
	p := strings.Split(strings.TrimPrefix(paths.Key(f.resolved()), paths.Key(sc.root)+"/"), "/")
	switch {
	case len(p) == 3 && p[0] == own[0] && p[1] == own[1]:
		return RoleExclusive
	case p[0] == "dstl":
		return RoleChangelog
	case p[0] != own[0] || own[0] == "savepoints":
		return RoleOtherCheckpoint
	case strings.HasPrefix(p[1], "chk-"):
		return RoleOtherCheckpoint
	case f.Handle == "SegmentFileStateHandle":
		return RoleFileMerging
	case p[1] == paths.SharedDir:
		return RoleShared
	case p[1] == paths.TaskOwnedDir:
		return RoleTaskOwned
	}
	return RoleExternal
}

// TestOracleDependencies: every file is placed where Flink resolves it, with
// the role its folder has, whether the location is given, taken from the
// copy's absolute paths, or (for self-contained snapshots) the copy itself.
func TestOracleDependencies(t *testing.T) {
	for _, sc := range loadOracle(t) {
		for _, o := range sc.snaps {
			withBase := Inspect(o.snap, o.base())
			fromCopy := Inspect(o.snap, "")
			byPath := map[string]int{}
			for i, f := range o.snap.Files {
				byPath[f.Path] = i
			}
			for _, f := range o.truth.Files {
				if !f.onDisk() {
					continue
				}
				i, ok := byPath[f.Path]
				if !ok {
					t.Errorf("%s %s: Flink's file %s is not in the snapshot", sc, o.copyPath, f.Path)
					continue
				}
				want := expectedRole(sc, o, f)
				if ref := withBase.FileRefs[i]; paths.Key(ref.Path) != paths.Key(f.resolved()) || ref.Role != want {
					t.Errorf("%s %s: %s placed at %s as %s; Flink resolves %s, role %s", sc, o.copyPath, f.Path, ref.Path, ref.Role, f.resolved(), want)
				}
				if ref := fromCopy.FileRefs[i]; ref.Role != want {
					t.Errorf("%s %s (location %+v): %s is %s, want %s", sc, o.copyPath, fromCopy.Location, f.Path, ref.Role, want)
				}
			}
			// The dependency table agrees with the files it groups.
			for _, s := range []*SnapshotReport{withBase, fromCopy} {
				files := make([]int, len(s.Dependencies))
				for _, ref := range s.FileRefs {
					files[ref.Dependency]++
					if s.Dependencies[ref.Dependency].Role != ref.Role || paths.Parent(ref.Path) != s.Dependencies[ref.Dependency].Dir {
						t.Errorf("%s %s: %s grouped into %+v", sc, o.copyPath, ref.Path, s.Dependencies[ref.Dependency])
					}
				}
				for i, d := range s.Dependencies {
					if d.Role != RoleInline && d.Files != files[i] {
						t.Errorf("%s %s: %s counts %d files, holds %d", sc, o.copyPath, d.Dir, d.Files, files[i])
					}
				}
			}
		}
	}
}

// TestOracleScenarios: what each scenario is about shows in the report.
func TestOracleScenarios(t *testing.T) {
	restores, restoredFiles := 0, 0
	defer func() {
		if restores > 0 && restoredFiles == 0 {
			t.Errorf("no CLAIM or LEGACY restore scenario references the restored job's files: the oracle data does not exercise other-checkpoint dependencies")
		}
	}()
	for _, sc := range loadOracle(t) {
		roles := map[Role]int{}
		for _, o := range sc.snaps {
			for _, d := range Inspect(o.snap, "").Dependencies {
				roles[d.Role] += d.Files
			}
		}
		var want []Role
		switch sc.name {
		case "incremental":
			want = []Role{RoleExclusive, RoleShared}
		case "restore-claim", "restore-legacy":
			restores++
			restoredFiles += checkRestoredJobFiles(t, sc, roles)
		case "restore-no-claim":
			checkNoClaim(t, sc)
		case "file-merging":
			want = []Role{RoleFileMerging}
			checkSegmentsFitPhysicalFiles(t, sc)
		case "changelog":
			want = []Role{RoleChangelog}
		case "unaligned":
			checkChannelStateExclusive(t, sc)
		}
		for _, r := range want {
			if roles[r] == 0 {
				t.Errorf("%s: no %s dependency in any snapshot (%v)", sc, r, roles)
			}
		}
	}
}

// checkRestoredJobFiles returns how many of the restored job's files the
// restore scenario's snapshots still use. The restored job may keep using
// them (when RocksDB has not compacted them away before its first
// checkpoint). Every such file is other-checkpoint (checked file by file in
// TestOracleDependencies); the scenarios together must show some.
func checkRestoredJobFiles(t *testing.T, sc oracleScenario, roles map[Role]int) int {
	outside := 0
	for _, o := range sc.snaps {
		for _, f := range o.truth.Files {
			if f.onDisk() && expectedRole(sc, o, f) == RoleOtherCheckpoint {
				outside++
			}
		}
	}
	if outside > 0 && roles[RoleOtherCheckpoint] == 0 {
		t.Errorf("%s: Flink references %d files of the restored job; no other-checkpoint dependency", sc, outside)
	}
	t.Logf("%s: %d files of the restored job still referenced (Flink: %d)", sc, roles[RoleOtherCheckpoint], outside)
	return roles[RoleOtherCheckpoint]
}

// checkSegmentsFitPhysicalFiles: segments are attributed to their physical
// files, and the bytes they use fit in the files' real sizes from the
// listing.
func checkSegmentsFitPhysicalFiles(t *testing.T, sc oracleScenario) {
	var inputs []Input
	for _, o := range sc.snaps {
		inputs = append(inputs, Input{Snapshot: o.snap, Base: o.base()})
	}
	for _, s := range Analyze(inputs, Options{Listing: sc.listing}).Snapshots {
		for _, d := range s.Dependencies {
			if d.Role != RoleFileMerging {
				continue
			}
			if d.Segments < d.Files || d.ListedFiles != d.Files || d.Bytes > d.PhysicalBytes || d.Bytes <= 0 {
				t.Errorf("%s %s: %s: %d files, %d segments use %d bytes; listing has %d files, %d bytes", sc, s.Source, d.Dir,
					d.Files, d.Segments, d.Bytes, d.ListedFiles, d.PhysicalBytes)
			}
		}
	}
}

// checkChannelStateExclusive: in-flight data is checkpoint-exclusive state,
// in chk-N.
func checkChannelStateExclusive(t *testing.T, sc oracleScenario) {
	channel := false
	for _, o := range sc.snaps {
		for _, d := range Inspect(o.snap, "").Dependencies {
			for _, k := range d.Kinds {
				channel = channel || k == model.KindChannel && d.Role == RoleExclusive
			}
		}
	}
	if !channel {
		t.Errorf("%s: no channel state in a checkpoint's own folder", sc)
	}
}

// listedKeys are the listing's files by key.
func listedKeys(l *listing.Listing) map[string]int64 {
	m := map[string]int64{}
	for _, e := range l.Entries {
		if !e.Dir {
			m[paths.Key(e.Path)] = e.Bytes
		}
	}
	return m
}

// planFiles expands the plan's folders into the listed files under them.
func planFiles(items []OrphanItem, listed map[string]int64) map[string]bool {
	out := map[string]bool{}
	for _, it := range items {
		k := paths.Key(it.Path)
		if !it.Dir {
			out[k] = true
			continue
		}
		for lk := range listed {
			if paths.Under(lk, k) {
				out[lk] = true
			}
		}
	}
	return out
}

// TestOracleOrphans: with the retained checkpoints given, the plan is the
// real listing minus everything Flink says they reference.
func TestOracleOrphans(t *testing.T) {
	for _, sc := range loadOracle(t) {
		check := func(what string, given []oracleSnapshot, withBase bool, l *listing.Listing) {
			checkOraclePlan(t, sc.String()+" "+what, given, withBase, l, listedKeys(sc.listing))
		}
		check("all retained", sc.snaps, true, sc.listing)
		check("newest only", sc.snaps[len(sc.snaps)-1:], true, sc.listing)
		// Read from the copies in testdata, with no location given: each
		// is placed from its absolute paths or found in the listing.
		check("all retained, read from copies", sc.snaps, false, sc.listing)
		// The same storage listed by `rclone lsl` of its root: paths
		// relative to a root the plan infers from the snapshots.
		check("all retained, rclone lsl", sc.snaps, true, rcloneListing(t, sc.listing))
	}
}

// checkOraclePlan plans the given snapshots against l and checks the plan
// against Flink's truth: listed is the scenario's real listing by key.
func checkOraclePlan(t *testing.T, label string, given []oracleSnapshot, withBase bool, l *listing.Listing, listed map[string]int64) {
	var inputs []Input
	referenced := map[string]bool{}
	for _, o := range given {
		in := Input{Snapshot: o.snap}
		if withBase {
			in.Base = o.base()
		}
		inputs = append(inputs, in)
		referenced[paths.Key(o.truth.Metadata)] = true
		for _, f := range o.truth.Files {
			if f.onDisk() {
				referenced[paths.Key(f.resolved())] = true
			}
		}
	}
	// The oracle's jobs have finished: stated stopped, a listing
	// without times plans their shared/ files too.
	p := Analyze(inputs, Options{Listing: l, Stopped: true}).Orphans
	// Referenced files the listing lacks are exactly those Flink's truth
	// names and storage no longer holds (after a CLAIM restore the new job
	// deletes the old checkpoints' shared files); they refuse the plan.
	wantMissing := map[string]bool{}
	for k := range referenced {
		if _, ok := listed[k]; !ok {
			wantMissing[k] = true
		}
	}
	brokenSnapshot := len(wantMissing) > 0
	if refused := p.Refused(); refused != brokenSnapshot || refused && p.Refusals[0].Code != "files-not-listed" || len(p.DeletableList()) > 0 && refused {
		t.Errorf("%s: refused %+v, want refused %v", label, p.Refusals, brokenSnapshot)
	}
	checkPlanPartitionsListing(t, label, p, listed, referenced)
	gotMissing := map[string]bool{}
	for _, m := range p.Missing {
		gotMissing[paths.Key(m.Path)] = true
	}
	if !reflect.DeepEqual(gotMissing, wantMissing) {
		t.Errorf("%s: missing %v, want %v", label, gotMissing, wantMissing)
	}
	t.Logf("%s: %d listed, %d referenced, %d deletable (%d bytes), %d unsure", label,
		p.Listing.Files, p.ReferencedFiles, p.DeletableFiles, p.DeletableBytes, p.UnsureFiles)
}

// checkPlanPartitionsListing: every listed file is referenced, deletable or
// unsure, exactly one of them; the totals add up; and each unsure item says
// why.
func checkPlanPartitionsListing(t *testing.T, label string, p *OrphanPlan, listed map[string]int64, referenced map[string]bool) {
	deletable := planFiles(p.Deletable, listed)
	// A kept folder keeps everything in it; its unreferenced files
	// are the ones it is listed for.
	unsure := planFiles(p.Unsure, listed)
	for k := range unsure {
		if referenced[k] {
			delete(unsure, k)
		}
	}
	for k := range listed {
		switch {
		case referenced[k] && (deletable[k] || unsure[k]):
			t.Errorf("%s: referenced %s is in the plan", label, k)
		case !referenced[k] && !deletable[k] && !unsure[k]:
			t.Errorf("%s: unreferenced %s is not in the plan", label, k)
		case deletable[k] && unsure[k]:
			t.Errorf("%s: %s both deletable and unsure", label, k)
		}
	}
	var size int64
	for k := range deletable {
		size += listed[k]
	}
	if len(deletable) != p.DeletableFiles || size != p.DeletableBytes {
		t.Errorf("%s: plan totals %d files %d bytes, its items %d files %d bytes", label, p.DeletableFiles, p.DeletableBytes, len(deletable), size)
	}
	for _, u := range p.Unsure {
		if !strings.Contains(u.Reason, "in progress") && !strings.Contains(u.Reason, "newer") &&
			!strings.Contains(u.Reason, "holds none of the given snapshots") && !strings.Contains(u.Reason, "which was not given: savepoints") &&
			!strings.Contains(u.Reason, "changelog storage may still need it") {
			t.Errorf("%s: unsure without cause: %+v", label, u)
		}
	}
}

// rcloneListing is l as `rclone lsl` of the folder holding it prints it.
func rcloneListing(t *testing.T, l *listing.Listing) *listing.Listing {
	t.Helper()
	root := ""
	for _, e := range l.Entries {
		if root == "" {
			root = paths.Parent(e.Path)
		}
		for !paths.Under(paths.Key(e.Path), paths.Key(root)) {
			root = paths.Parent(root)
		}
	}
	// Times are made up: each _metadata written an hour after the files
	// its checkpoint uploaded, as after a run of the job.
	var text strings.Builder
	for _, e := range l.Entries {
		if !e.Dir {
			clock := "04:30:00.123456789"
			if paths.Base(e.Path) == paths.MetadataName {
				clock = "05:30:00.123456789"
			}
			fmt.Fprintf(&text, "%9d 2026-11-22 %s %s\n", e.Bytes, clock, strings.TrimPrefix(e.Path, strings.TrimSuffix(root, "/")+"/"))
		}
	}
	out, err := listing.Parse(strings.NewReader(text.String()))
	if err != nil || out.Format != listing.FormatRclone || !out.Entries[0].Relative {
		t.Fatalf("rclone lsl listing: %v, format %q", err, out.Format)
	}
	return out
}

// TestOracleChain: in a chain of consecutive checkpoints, the files each
// one adds to the ones before it are what Flink counts as its checkpointed
// size (for incremental checkpoints: the shared files it uploaded plus its
// private and meta files), up to its inline state, which Flink counts only
// where it is new (small SSTs stored inline and re-referenced are not). So
//
//	new files <= checkpointed size <= new files + inline state
//
// and a shared file traced to the wrong checkpoint breaks one bound by its
// whole size. The chain runs across restores. It must reuse shared files,
// or nothing is traced.
func TestOracleChain(t *testing.T) {
	for _, sc := range loadOracle(t) {
		// One chain per scenario: a restored job continues the checkpoint
		// ids, and its first checkpoint reuses what the restored one
		// uploaded (CLAIM, LEGACY) or uploads everything (NO_CLAIM).
		if sc.name == "changelog" {
			// A changelog checkpoint's checkpointed size counts the state
			// changes uploaded for it, and one DSTL file can carry the
			// changes of several checkpoints: whole files do not bound it.
			continue
		}
		jobs := map[string][]oracleSnapshot{}
		for _, o := range sc.snaps {
			if o.truth.SnapshotKind == "checkpoint" {
				jobs[sc.root] = append(jobs[sc.root], o)
			}
		}
		for job, chain := range jobs {
			if len(chain) < 2 {
				continue
			}
			var inputs []Input
			for _, o := range chain {
				inputs = append(inputs, Input{Snapshot: o.snap, Base: o.base()})
			}
			r := Analyze(inputs, Options{})
			added := make([]int64, len(chain))
			for _, f := range r.Comparison.Files {
				added[f.FirstIn] += max(f.Bytes, 0)
			}
			traced := 0
			for i := 1; i < len(chain); i++ {
				if chain[i].truth.CheckpointID != chain[i-1].truth.CheckpointID+1 {
					continue // a gap: a checkpoint in between may have uploaded files
				}
				ckpt, inline := chain[i].truth.Totals.CheckpointedSize, chain[i].truth.InlineBytes
				if added[i] > ckpt || ckpt > added[i]+inline {
					t.Errorf("%s %s chk-%d: adds %d bytes in files (+%d inline), Flink's checkpointed size is %d", sc, filepath.Base(job),
						chain[i].truth.CheckpointID, added[i], inline, ckpt)
				}
				traced++
			}
			reused := 0
			for _, f := range r.Comparison.Files {
				if f.Role == RoleShared && len(f.Snapshots) > 1 {
					reused++
				}
			}
			if sc.name == "incremental" && reused == 0 {
				t.Errorf("%s %s: no shared file is used by two checkpoints: the chain exercises nothing", sc, filepath.Base(job))
			}
			t.Logf("%s %s: %d checkpoints, %d traced, %d shared files reused", sc, filepath.Base(job), len(chain), traced, reused)
		}
	}
}

// checkNoClaim: after a NO_CLAIM restore Flink's first checkpoint is a full
// one (checkpointed size = full size), so the new job's checkpoints need
// nothing of the old job's; given only them, the old job's folder is
// another job's checkpoint folder, planned for deletion as a whole.
func checkNoClaim(t *testing.T, sc oracleScenario) {
	newest := sc.snaps[len(sc.snaps)-1]
	newJob := filepath.Dir(newest.base())
	var given []Input
	oldJob := ""
	for _, o := range sc.snaps {
		if filepath.Dir(o.base()) != newJob {
			oldJob = filepath.Dir(o.base())
			continue
		}
		given = append(given, Input{Snapshot: o.snap, Base: o.base()})
		for _, d := range Inspect(o.snap, o.base()).Dependencies {
			if d.Role == RoleOtherCheckpoint {
				t.Errorf("%s: %s depends on %s after a NO_CLAIM restore", sc, o.copyPath, d.Dir)
			}
		}
	}
	if oldJob == "" || len(given) == 0 {
		t.Fatalf("%s: expected checkpoints of two jobs", sc)
	}
	first := given[0].Snapshot
	if s := Inspect(first, ""); s.Sizes.Full != s.Sizes.Checkpointed {
		t.Errorf("%s: first checkpoint after the restore is not full: %+v", sc, s.Sizes)
	}
	// The old job has no given snapshot: it may still run (NO_CLAIM
	// leaves it its files), so nothing of it is planned.
	p := Analyze(given, Options{Listing: sc.listing, Stopped: true}).Orphans
	for _, it := range p.Deletable {
		if paths.Under(paths.Key(it.Path), paths.Key(oldJob)) {
			t.Errorf("%s: the old job's %s is planned: %+v", sc, it.Path, it)
		}
	}
	kept := 0
	for _, it := range p.Unsure {
		if paths.Under(paths.Key(it.Path), paths.Key(oldJob)) && strings.Contains(it.Reason, "holds none of the given snapshots") {
			kept += it.Files
		}
	}
	if kept == 0 {
		t.Errorf("%s: the old job's folder %s is not kept as another job's: %+v", sc, oldJob, p.Unsure)
	}
}
