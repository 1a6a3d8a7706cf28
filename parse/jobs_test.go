package parse

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ckptlens/ckptlens/parse/jobs"
)

// dropped analyses snapshots as the page gets them: decoded from their
// copies in testdata, with no base location.
func dropped(snaps ...[]oracleSnapshot) (*Report, []oracleSnapshot) {
	var all []oracleSnapshot
	var inputs []Input
	for _, list := range snaps {
		for _, o := range list {
			all = append(all, o)
			inputs = append(inputs, Input{Snapshot: o.snap})
		}
	}
	return Analyze(inputs, Options{}), all
}

// truthJob is the job folder Flink wrote a checkpoint into ("" for a
// savepoint).
func truthJob(o oracleSnapshot) string {
	if !strings.HasPrefix(filepath.Base(o.base()), "chk-") {
		return ""
	}
	return filepath.Dir(o.base())
}

// wantLabel is the label of an oracle snapshot: the first 8 characters of
// its job id and its chk-N folder, or its savepoint folder.
func wantLabel(o oracleSnapshot) string {
	if job := truthJob(o); job != "" {
		return filepath.Base(job)[:8] + "/" + filepath.Base(o.base())
	}
	return filepath.Base(o.base())
}

// TestOracleJobs: in every scenario, the snapshots group into the jobs Flink
// wrote them for, labelled by job, and a CLAIM or LEGACY restore names the
// job it was restored from as its parent.
func TestOracleJobs(t *testing.T) {
	for _, sc := range loadOracle(t) {
		r, snaps := dropped(sc.snaps)
		g := r.Jobs
		jobOf := map[string]int{}
		for i, o := range snaps {
			if g.Labels[i] != wantLabel(o) {
				t.Errorf("%s: label %q, want %q", sc, g.Labels[i], wantLabel(o))
			}
			job := truthJob(o)
			if job == "" {
				continue
			}
			if j, ok := jobOf[job]; ok && j != g.JobOf[i] {
				t.Errorf("%s: %s in job %d and %d", sc, job, j, g.JobOf[i])
			}
			jobOf[job] = g.JobOf[i]
			// Read from its copy, a job whose paths are all relative is
			// placed in the copy's folder, of the same name.
			if d := g.Jobs[g.JobOf[i]].Dir; filepath.Base(d) != filepath.Base(job) {
				t.Errorf("%s: job folder %q, Flink wrote %q", sc, d, job)
			}
		}
		checkRestoreLink(t, sc.String(), sc.name, snaps, g.Jobs, jobOf)
	}
}

// checkRestoreLink: the job of the newest checkpoint was restored from the
// other job after CLAIM and LEGACY restores (it reads its files), and no
// job has a given parent otherwise.
func checkRestoreLink(t *testing.T, name, scenario string, snaps []oracleSnapshot, js []jobs.Job, jobOf map[string]int) {
	t.Helper()
	linked := 0
	for j, job := range js {
		if job.Parent >= 0 {
			linked++
			if r := job.FromParent(); r.Job != job.Parent || r.Bytes < 0 || r.Files < 0 {
				t.Errorf("%s: job %d's parent %d: reads %+v", name, j, job.Parent, r)
			}
		}
	}
	if scenario != "restore-claim" && scenario != "restore-legacy" {
		if linked != 0 {
			t.Errorf("%s: %d jobs linked to a parent, want none", name, linked)
		}
		return
	}
	newest, oldest := truthJob(snaps[len(snaps)-1]), truthJob(snaps[0])
	child, parent := jobOf[newest], jobOf[oldest]
	if js[child].Parent != parent || linked != 1 {
		t.Errorf("%s: job of %s has parent %d, want %d (job of %s); %d linked", name, newest, js[child].Parent, parent, oldest, linked)
	}
}

// TestOracleJobsMixed: 10 snapshots of 3 jobs dropped together (a CLAIM
// pair and an unrelated job) get distinct labels, and each is compared
// within its own chain exactly as when its scenario is dropped alone.
func TestOracleJobsMixed(t *testing.T) {
	byName := map[string]oracleScenario{}
	for _, sc := range loadOracle(t) {
		if sc.release == "1.20" {
			byName[sc.name] = sc
		}
	}
	claim, incr, hashmap := byName["restore-claim"], byName["incremental"], byName["hashmap"]
	if len(claim.snaps)+len(incr.snaps)+len(hashmap.snaps) != 10 {
		t.Skipf("skipping: the 1.20 oracle runs have %d+%d+%d snapshots, not 10", len(claim.snaps), len(incr.snaps), len(hashmap.snaps))
	}
	r, snaps := dropped(hashmap.snaps, claim.snaps, incr.snaps)
	if len(r.Jobs.Jobs) != 4 {
		t.Errorf("%d jobs, want 4 (the CLAIM pair, incremental, hashmap)", len(r.Jobs.Jobs))
	}
	seen := map[string]bool{}
	for i, l := range r.Jobs.Labels {
		if seen[l] {
			t.Errorf("label %q twice", l)
		}
		seen[l] = true
		if r.Comparison.Snapshots[i].Label != l {
			t.Errorf("comparison label %q, grouping %q", r.Comparison.Snapshots[i].Label, l)
		}
	}
	claimChild, claimParent := r.Jobs.JobOf[len(hashmap.snaps)+len(claim.snaps)-1], r.Jobs.JobOf[len(hashmap.snaps)]
	if job := r.Jobs.Jobs[claimChild]; job.Parent != claimParent || job.Restored.Bytes <= 0 {
		t.Errorf("CLAIM restore: job %+v, want parent %d read from", job, claimParent)
	}
	offset := 0
	for _, sc := range []oracleScenario{hashmap, claim, incr} {
		alone, _ := dropped(sc.snaps)
		for i := range sc.snaps {
			got, want := r.Comparison.Snapshots[offset+i], alone.Comparison.Snapshots[i]
			// Only what relates it to others may differ: the indices and
			// the files shared with any other given snapshot.
			if got.Previous >= 0 {
				got.Previous -= offset
			}
			got.Job, want.Job = 0, 0
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s %s mixed:\n %+v\nalone:\n %+v", sc, wantLabel(snaps[offset+i]), got, want)
			}
		}
		offset += len(sc.snaps)
	}
}

// TestOracleJobsBareFiles: the same 10 snapshots dropped as bare _metadata
// files (no folder names at all, as a browser gives files picked one by
// one): the jobs come from the snapshots' own absolute paths, labels stay
// distinct, and the CLAIM restore is still found.
func TestOracleJobsBareFiles(t *testing.T) {
	byName := map[string]oracleScenario{}
	for _, sc := range loadOracle(t) {
		if sc.release == "1.20" {
			byName[sc.name] = sc
		}
	}
	var inputs []Input
	var claimChild, claimParent int
	for _, name := range []string{"hashmap", "restore-claim", "incremental"} {
		for i, o := range byName[name].snaps {
			if name == "restore-claim" && i == 0 {
				claimParent = len(inputs)
			}
			if name == "restore-claim" {
				claimChild = len(inputs)
			}
			bare := *o.snap
			bare.Source = "_metadata"
			inputs = append(inputs, Input{Snapshot: &bare})
		}
	}
	if len(inputs) != 10 {
		t.Skipf("skipping: %d snapshots in the 1.20 runs, not 10", len(inputs))
	}
	r := Analyze(inputs, Options{})
	seen := map[string]bool{}
	for _, l := range r.Jobs.Labels {
		if seen[l] {
			t.Errorf("label %q twice in %q", l, r.Jobs.Labels)
		}
		seen[l] = true
	}
	child := r.Jobs.Jobs[r.Jobs.JobOf[claimChild]]
	if child.Parent < 0 || child.Parent != r.Jobs.JobOf[claimParent] {
		t.Errorf("the CLAIM restore is lost: %+v", child)
	}
}
