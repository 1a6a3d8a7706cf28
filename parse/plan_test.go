package parse

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ckptlens/ckptlens/parse/listing"
	"github.com/ckptlens/ckptlens/parse/model"
	"github.com/ckptlens/ckptlens/parse/paths"
	"github.com/ckptlens/ckptlens/parse/report"
)

// The deletion plan on the oracle's real runs, one test per way a careful
// operator's storage made the old planner list needed state (issue 14):
// each input here is an oracle scenario as storage would really show it.

func oracleNamed(t *testing.T, release, name string) oracleScenario {
	t.Helper()
	for _, sc := range loadOracle(t) {
		if sc.release == release && sc.name == name {
			return sc
		}
	}
	t.Skipf("skipping: no oracle scenario %s/%s", release, name)
	return oracleScenario{}
}

// clone copies a decoded snapshot so a test can respell its paths.
func clone(s *model.Snapshot) *model.Snapshot {
	c := *s
	c.Files = append([]model.File(nil), s.Files...)
	return &c
}

// planOf plans a listing's text against the given snapshots, each at base.
func planOf(t *testing.T, text string, opts Options, snaps []*model.Snapshot, bases []string) *OrphanPlan {
	t.Helper()
	l, err := listing.Parse(strings.NewReader(text))
	if l == nil || l.Format == "" {
		t.Fatalf("listing: %v", err)
	}
	opts.Listing, opts.ListingError = l, err
	var inputs []Input
	for i, s := range snaps {
		inputs = append(inputs, Input{Snapshot: s, Base: bases[i]})
	}
	return Analyze(inputs, opts).Orphans
}

// neverDeletes fails when a deletable path is, or holds, a file a given
// snapshot references.
func neverDeletes(t *testing.T, what string, p *OrphanPlan, snaps []*model.Snapshot, bases []string) {
	t.Helper()
	for i, s := range snaps {
		for _, ref := range Inspect(s, bases[i]).FileRefs {
			k := paths.Key(ref.Path)
			for _, it := range p.Deletable {
				if dk := paths.Key(it.Path); k == dk || it.Dir && paths.Under(k, dk) {
					t.Errorf("%s: deletable %s holds %s, which %s references", what, it.Path, ref.Path, report.FolderLabel(Inspect(s, bases[i])))
				}
			}
		}
	}
}

// onlyClosedFolders fails when the plan deletes a folder whole that is not a
// chk-N folder or inside one: an entropy segment, shared/ or a job folder
// takes new files after the listing, which a recursive delete would take.
func onlyClosedFolders(t *testing.T, what string, p *OrphanPlan) {
	t.Helper()
	if p.Refused() {
		t.Fatalf("%s: refused: %+v", what, p.Refusals)
	}
	for _, it := range p.Deletable {
		if !it.Dir {
			continue
		}
		closed := false
		for d := paths.Key(it.Path); d != "/" && d != "." && !closed; d = paths.KeyDir(d) {
			closed = paths.IsChkDir(paths.Base(d))
		}
		if !closed {
			t.Errorf("%s: %s is deleted whole, but files may still be written into it", what, it.Path)
		}
	}
}

// withTimes writes the scenario's listing in find -printf '%T@ %s %p'
// form: every file written at 10:00 except each _metadata, at 10:00 plus
// its checkpoint id in minutes, as a run writes them.
func withTimes(sc oracleScenario, extra ...string) string {
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	var b strings.Builder
	for _, e := range sc.listing.Entries {
		at := t0
		if paths.Base(e.Path) == paths.MetadataName {
			at = at.Add(time.Duration(paths.CheckpointNumber(paths.Base(paths.Parent(e.Path)))) * time.Hour)
		}
		fmt.Fprintf(&b, "%d.000000000 %d %s\n", at.Unix(), e.Bytes, e.Path)
	}
	for _, x := range extra {
		b.WriteString(x + "\n")
	}
	return b.String()
}

func plainListing(sc oracleScenario) string {
	var b strings.Builder
	for _, e := range sc.listing.Entries {
		fmt.Fprintf(&b, "%d %s\n", e.Bytes, e.Path)
	}
	return b.String()
}

// Entropy injection: data files sit under a random prefix of their own, the
// _metadata under the plain path. Given the older checkpoint, the newer
// completed one must keep every file, and the job's shared/ is one folder.
func TestPlanEntropyInjection(t *testing.T) {
	sc := oracleNamed(t, "2.0", "incremental")
	entropy := func(p string, i int) string {
		rest := strings.TrimPrefix(p, "file:")
		return "file:" + strings.Replace(rest, "/2.0/incremental/", fmt.Sprintf("/2.0/e%03x/incremental/", i), 1)
	}
	var snaps []*model.Snapshot
	var bases []string
	moved := map[string]string{} // plain path → entropy path
	n := 0
	for _, o := range sc.snaps {
		s := clone(o.snap)
		for i := range s.Files {
			f := &s.Files[i]
			plain := f.Path
			if f.Relative {
				plain = o.base() + "/" + f.Path // exclusive files are absolute with entropy
			}
			if moved[paths.Key(plain)] == "" {
				moved[paths.Key(plain)] = entropy(plain, n)
				n++
			}
			f.Path, f.Relative = moved[paths.Key(plain)], false
		}
		snaps, bases = append(snaps, s), append(bases, o.base())
	}
	var text strings.Builder
	for _, e := range sc.listing.Entries {
		p := e.Path
		if m := moved[paths.Key(p)]; m != "" {
			p = strings.TrimPrefix(m, "file:")
		}
		fmt.Fprintf(&text, "%d %s\n", e.Bytes, p)
	}
	last := len(snaps) - 1
	older := snaps[last-1 : last]
	p := planOf(t, text.String(), Options{Stopped: true}, older, bases[last-1:last])
	if p.Refused() {
		t.Fatalf("refused: %+v", p.Refusals)
	}
	neverDeletes(t, "older given", p, snaps[last:], bases[last:])
	neverDeletes(t, "older given", p, older, bases[last-1:last])
	if p.DeletableFiles == 0 {
		t.Errorf("nothing deletable: the checkpoints before the given one are garbage: %+v", p.Unsure)
	}
	onlyClosedFolders(t, "older given", p)
	// The newest alone: its files stay, every older checkpoint goes.
	p = planOf(t, text.String(), Options{Stopped: true}, snaps[last:], bases[last:])
	neverDeletes(t, "newest given", p, snaps[last:], bases[last:])
	onlyClosedFolders(t, "newest given", p)
	for _, u := range p.Unsure {
		if strings.Contains(u.Reason, "holds none") || strings.Contains(u.Reason, "outside") {
			t.Errorf("an entropy prefix was taken for another job: %+v", u)
		}
	}
	// inspect calls the job's entropy-prefixed shared files the job's own.
	s := Inspect(snaps[last], bases[last])
	for _, d := range s.Dependencies {
		if d.Role == RoleOtherCheckpoint || d.Role == RoleExternal {
			t.Errorf("inspect: %s is %s", d.Dir, d.Role)
		}
	}
}

// A listing cut short (the last line cut right after …/<job>/shared, no
// newline) is refused; it used to plan the job's whole shared/ folder.
func TestPlanRefusesCutListing(t *testing.T) {
	sc := oracleNamed(t, "2.0", "incremental")
	o := sc.snaps[len(sc.snaps)-1]
	job := paths.Parent(o.base())
	var b strings.Builder
	dirs := map[string]bool{}
	for _, e := range sc.listing.Entries {
		for d := paths.Parent(e.Path); paths.Under(paths.Key(d), paths.Key(sc.root)) && !dirs[d]; d = paths.Parent(d) {
			dirs[d] = true
			fmt.Fprintf(&b, "drwxr-xr-x   - flink flink          0 2026-12-01 10:00 %s\n", d)
		}
		fmt.Fprintf(&b, "-rw-r--r--   3 flink flink %10d 2026-12-01 10:00 %s\n", e.Bytes, e.Path)
	}
	cut := b.String() + "-rw-r--r--   3 flink flink       5120 2026-12-01 10:00 " + strings.TrimPrefix(job, "file:") + "/shared"
	p := planOf(t, cut, Options{}, []*model.Snapshot{o.snap}, []string{o.base()})
	if !p.Refused() || p.DeletableList() != "" || !hasRefusal(p, "listing-cut") || !hasRefusal(p, "file-and-folder") {
		t.Errorf("cut listing: refusals %+v, deletable %v", p.Refusals, p.Deletable)
	}
	if p = planOf(t, b.String(), Options{}, []*model.Snapshot{o.snap}, []string{o.base()}); p.Refused() {
		t.Errorf("the whole listing is refused: %+v", p.Refusals)
	}
	// A line it cannot read refuses too.
	bad := b.String() + "garbage that is no listing line\n"
	if p = planOf(t, bad, Options{}, []*model.Snapshot{o.snap}, []string{o.base()}); !hasRefusal(p, "listing-unreadable") || p.DeletableList() != "" {
		t.Errorf("unreadable line: %+v", p.Refusals)
	}
}

func hasRefusal(p *OrphanPlan, code string) bool {
	for _, r := range p.Refusals {
		if r.Code == code {
			return true
		}
	}
	return false
}

// The listing names the storage differently from the snapshots: nothing
// matches, so the plan refuses instead of placing the snapshot by size.
func TestPlanRefusesOtherSpellings(t *testing.T) {
	sc := oracleNamed(t, "2.0", "incremental")
	o := sc.snaps[len(sc.snaps)-1]
	// rclone lsl of the root, with the prefix in rclone's remote spelling.
	var rc strings.Builder
	for _, e := range sc.listing.Entries {
		fmt.Fprintf(&rc, "%9d 2026-12-01 10:00:00.000000000 %s\n", e.Bytes, strings.TrimPrefix(e.Path, sc.root+"/"))
	}
	p := planOf(t, rc.String(), Options{ListingPrefix: "remote:ckpt/"}, []*model.Snapshot{o.snap}, []string{""})
	if !p.Refused() || p.DeletableList() != "" {
		t.Errorf("rclone remote prefix: refusals %+v, deletable %d", p.Refusals, len(p.Deletable))
	}
	// Snapshots on Azure's Data Lake endpoint, a listing of the Blob one:
	// the same objects.
	abfss := func(p string) string {
		return "abfss://ckpt@acct.dfs.core.windows.net" + strings.TrimPrefix(p, "file:")
	}
	s := clone(o.snap)
	for i := range s.Files {
		if !s.Files[i].Relative {
			s.Files[i].Path = abfss(s.Files[i].Path)
		}
	}
	var wasbs strings.Builder
	for _, e := range sc.listing.Entries {
		fmt.Fprintf(&wasbs, "%d %s\n", e.Bytes, "wasbs://ckpt@acct.blob.core.windows.net"+e.Path)
	}
	p = planOf(t, wasbs.String(), Options{Stopped: true}, []*model.Snapshot{s}, []string{abfss(o.base())})
	if p.Refused() || p.ReferencedFiles == 0 {
		t.Errorf("blob and dfs endpoints of one account: refused %+v, %d referenced", p.Refusals, p.ReferencedFiles)
	}
	// Another account is other storage.
	other := strings.ReplaceAll(wasbs.String(), "@acct.", "@other.")
	if p = planOf(t, other, Options{Stopped: true}, []*model.Snapshot{s}, []string{abfss(o.base())}); !hasRefusal(p, "metadata-not-listed") {
		t.Errorf("another account: %+v", p.Refusals)
	}
}

// --base naming another checkpoint than the file's own is refused.
func TestPlanRefusesContradictingBase(t *testing.T) {
	sc := oracleNamed(t, "2.0", "incremental")
	o, newer := sc.snaps[len(sc.snaps)-2], sc.snaps[len(sc.snaps)-1]
	p := planOf(t, plainListing(sc), Options{Stopped: true}, []*model.Snapshot{o.snap}, []string{newer.base()})
	if !hasRefusal(p, "base-contradicts") || p.DeletableList() != "" {
		t.Errorf("chk-%d given for chk-%d: %+v", newer.truth.CheckpointID, o.truth.CheckpointID, p.Refusals)
	}
	// A base in another job folder than its own absolute paths.
	wrongJob := filepath.Join(filepath.Dir(filepath.Dir(newer.base())), "0000000000000000000000000000abcd", filepath.Base(newer.base()))
	text := plainListing(sc) + "100 " + wrongJob + "/_metadata\n"
	if p = planOf(t, text, Options{Stopped: true}, []*model.Snapshot{newer.snap}, []string{wrongJob}); !hasRefusal(p, "base-contradicts") {
		t.Errorf("another job's folder as base: %+v", p.Refusals)
	}
}

// A listing of another root holds none of the snapshot: refused.
func TestPlanRefusesAnotherRoot(t *testing.T) {
	sc := oracleNamed(t, "2.0", "incremental")
	other := oracleNamed(t, "2.0", "hashmap")
	o := sc.snaps[len(sc.snaps)-1]
	p := planOf(t, plainListing(other), Options{Stopped: true}, []*model.Snapshot{o.snap}, []string{o.base()})
	if !hasRefusal(p, "metadata-not-listed") || p.DeletableList() != "" {
		t.Errorf("listing of another root: %+v, %d deletable", p.Refusals, len(p.Deletable))
	}
}

// A running job writes files no completed checkpoint names yet: the live
// ForSt database, uploads of a checkpoint in progress. With times they are
// kept when written after the newest given _metadata less the margin;
// without times everything in shared/ is kept until --stopped.
func TestPlanRunningJob(t *testing.T) {
	sc := oracleNamed(t, "2.0", "incremental")
	o := sc.snaps[len(sc.snaps)-1]
	job := strings.TrimPrefix(paths.Parent(o.base()), "file:")
	metaAt := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC).Add(time.Duration(o.truth.CheckpointID) * time.Hour)
	live := []string{
		fmt.Sprintf("%d.5 4096 %s/shared/op_StreamMap_1c32c8__1_4__attempt_1/db/000042.sst", metaAt.Add(-time.Minute).Unix(), job),
		fmt.Sprintf("%d.5 4096 %s/shared/3b0e0c2a-upload-in-progress", metaAt.Add(5*time.Minute).Unix(), job),
	}
	old := fmt.Sprintf("%d.5 4096 %s/shared/op_StreamMap_1c32c8__1_4__attempt_1/db/000007.sst", metaAt.Add(-3*time.Hour).Unix(), job)
	given := []*model.Snapshot{o.snap}
	bases := []string{o.base()}
	p := planOf(t, withTimes(sc, append(live, old)...), Options{}, given, bases)
	neverDeletes(t, "with times", p, given, bases)
	if p.Refused() {
		t.Fatalf("refused: %+v", p.Refusals)
	}
	deleted := p.DeletableList()
	for _, l := range live {
		if path := l[strings.LastIndex(l, " ")+1:]; strings.Contains(deleted, path) {
			t.Errorf("with times: the running job's %s is planned", path)
		}
	}
	if !strings.Contains(deleted, "/db/000007.sst") && !strings.Contains(deleted, "attempt_1/") {
		t.Errorf("with times: an old ForSt file is kept: %s", deleted)
	}
	// Without times: nothing in shared/ unless the job is stated stopped.
	text := plainListing(sc) + "4096 " + job + "/shared/op_StreamMap_1c32c8__1_4__attempt_1/db/000042.sst\n"
	p = planOf(t, text, Options{}, given, bases)
	if strings.Contains(p.DeletableList(), "/shared/") {
		t.Errorf("without times: shared files planned: %s", p.DeletableList())
	}
	p = planOf(t, text, Options{Stopped: true}, given, bases)
	if !strings.Contains(p.DeletableList(), "attempt_1") {
		t.Errorf("stopped: the ForSt working folder is kept: %s", p.DeletableList())
	}
	for _, it := range p.Deletable {
		if strings.Contains(it.Path, "attempt_1") && !strings.Contains(it.Reason, "ForSt") {
			t.Errorf("ForSt folder's reason: %q", it.Reason)
		}
	}
}

// ForSt's working folder is a role of its own in inspect, not "external".
func TestForStWorkingFolderRole(t *testing.T) {
	s := incremental(3, []int{1}, 0)
	s.Files = append(s.Files, model.File{Path: jobDir + "/shared/op_StreamMap_1c32c8__1_4__attempt_1/db/000042.sst", Bytes: 99, Kind: model.KindShared})
	r := Inspect(s, "")
	if d := depByRole(r.Dependencies, RoleForSt); len(d) != 1 || d[0].Files != 1 || !strings.HasSuffix(d[0].Dir, "attempt_1/db") {
		t.Errorf("ForSt dependency: %+v", r.Dependencies)
	}
}

// A listing without folder lines (aws s3 ls, hdfs dfs -ls -R | grep -v
// ^d) cut right after a folder's name lists that folder as a file: refused.
func TestPlanRefusesFileThatIsAFolder(t *testing.T) {
	sc := oracleNamed(t, "2.0", "incremental")
	o := sc.snaps[len(sc.snaps)-1]
	var b strings.Builder
	for _, e := range sc.listing.Entries {
		fmt.Fprintf(&b, "-rw-r--r--   3 flink flink %10d 2026-12-01 10:00 %s\n", e.Bytes, e.Path)
	}
	text := b.String() + "-rw-r--r--   3 flink flink       5120 2026-12-01 10:00 " + strings.TrimPrefix(paths.Parent(o.base()), "file:") + "/shared\n"
	p := planOf(t, text, Options{Stopped: true}, []*model.Snapshot{o.snap}, []string{o.base()})
	if !hasRefusal(p, "file-and-folder") || p.DeletableList() != "" {
		t.Errorf("shared/ listed as a file: %+v", p.Refusals)
	}
}
