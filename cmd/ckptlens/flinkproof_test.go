package main

import (
	"encoding/json"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The proof by restore (testdata/flink/proof.sh) ran real Flink, deleted what
// `ckptlens orphans --paths` planned from real listings, and restored every
// kept snapshot. These tests check its committed record, and that today's
// planner, on the same listings and snapshots, plans nothing outside what was
// proven safe to delete: it may become more careful, never bolder.

type proofPhase struct {
	Name         string   `json:"name"`
	Listing      string   `json:"listing"`
	ListingTimes bool     `json:"listingTimes"`
	Flags        []string `json:"flags"`
	FlagsDropped []string `json:"flagsDropped"`
	Kept         []string `json:"kept"`
	SnapshotArgs []string `json:"snapshotArgs"`
	ExitStatus   int      `json:"exitStatus"`
	Deleted      []string `json:"deleted"`
	AlreadyGone  []string `json:"alreadyGone"`
}

type proofRestore struct {
	Snapshot         string   `json:"snapshot"`
	Phase            string   `json:"phase"`
	OK               bool     `json:"ok"`
	KeysChecked      int      `json:"keysChecked"`
	KeysWithState    int      `json:"keysWithState"`
	RestoredPosition int64    `json:"restoredPosition"`
	CountsSum        int64    `json:"countsSum"`
	Mismatches       []string `json:"mismatches"`
	Error            *string  `json:"error"`
}

type proofDoc struct {
	dir            string         // the committed folder
	Schema         string         `json:"schema"`
	Scenario       string         `json:"scenario"`
	Root           string         `json:"root"`
	CkptlensCommit string         `json:"ckptlensCommit"`
	Keys           int            `json:"keys"`
	Phases         []proofPhase   `json:"phases"`
	Restores       []proofRestore `json:"restores"`
	FailedRestores int            `json:"failedRestores"`
	JobFailures    []string       `json:"jobFailures"`
	Findings       []string       `json:"findings"`
}

func loadProofs(t *testing.T) []proofDoc {
	t.Helper()
	files, _ := filepath.Glob(repoPath(t, "testdata", "flink", "proof", "*", "*", "proof.json"))
	if len(files) == 0 {
		t.Fatal("no proof.json under testdata/flink/proof (testdata/flink/proof.sh writes them)")
	}
	var out []proofDoc
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		d := proofDoc{dir: filepath.Dir(f)}
		if err := json.Unmarshal(b, &d); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if d.Schema != "ckptlens-flink-proof/1" || d.Root == "" || d.CkptlensCommit == "" || d.Keys <= 0 {
			t.Fatalf("%s: not a complete proof record: schema %q root %q commit %q keys %d", f, d.Schema, d.Root, d.CkptlensCommit, d.Keys)
		}
		out = append(out, d)
	}
	return out
}

// TestFlinkProofRestoredEveryKeptSnapshot: every proof restored every kept
// snapshot of every plan, and every key's counter came back exactly.
func TestFlinkProofRestoredEveryKeptSnapshot(t *testing.T) {
	deleted := 0
	proofs := loadProofs(t)
	// Issue 14's runs: all of them on Flink 2.0.
	ran := map[string]bool{}
	for _, d := range proofs {
		ran[filepath.Base(filepath.Dir(d.dir))+"/"+d.Scenario] = true
	}
	for _, s := range []string{"incremental", "claim", "file-merging", "changelog", "forst", "entropy", "running", "running-notimes"} {
		if !ran["2.0/"+s] {
			t.Errorf("no proof of scenario %s on Flink 2.0", s)
		}
	}
	for _, d := range proofs {
		if d.FailedRestores != 0 || len(d.JobFailures) != 0 {
			t.Errorf("%s: %d failed restores, job failures %q", d.dir, d.FailedRestores, d.JobFailures)
		}
		restored := map[string]bool{}
		for _, r := range d.Restores {
			if !r.OK || r.Error != nil || len(r.Mismatches) > 0 || r.KeysChecked != d.Keys || r.KeysWithState == 0 || r.CountsSum != r.RestoredPosition {
				t.Errorf("%s: restore of %s failed its check: %+v", d.dir, r.Snapshot, r)
			}
			restored[r.Phase+" "+r.Snapshot] = true
		}
		for _, p := range d.Phases {
			deleted += len(p.Deleted)
			if len(p.FlagsDropped) > 0 {
				t.Errorf("%s: plan %s ran without %q (an older CLI): regenerate the proof", d.dir, p.Name, p.FlagsDropped)
			}
			for _, k := range p.Kept {
				if !restored[p.Name+" "+k] {
					t.Errorf("%s: plan %s kept %s, which was never restored", d.dir, p.Name, k)
				}
			}
		}
		for _, f := range d.Findings {
			t.Logf("%s: finding: %s", d.Scenario, f)
		}
	}
	if deleted == 0 {
		t.Error("no proof deleted anything: nothing was proven")
	}
}

// TestFlinkProofPlanWithinProvenSet: today's planner on each committed
// listing and kept _metadata plans a subset of what the proof deleted (or
// found already gone) before every restore succeeded.
func TestFlinkProofPlanWithinProvenSet(t *testing.T) {
	for _, d := range loadProofs(t) {
		for _, p := range d.Phases {
			if p.ExitStatus != 0 {
				continue // nothing was deleted, so nothing was proven
			}
			args := append([]string{"orphans", "--listing", filepath.Join(d.dir, p.Listing), "--paths"}, p.Flags...)
			args = append(args, committedSnapshotArgs(d, p.SnapshotArgs)...)
			out, stderr, code := runCLI(t, args...)
			switch code {
			case 0:
			case 2:
				t.Logf("%s %s: today's planner refuses (more careful than the proof needs): %s", d.Scenario, p.Name, stderr)
				continue
			default:
				t.Errorf("%s %s: ckptlens %q exited %d: %s", d.Scenario, p.Name, args, code, stderr)
				continue
			}
			proven := append(append([]string{}, p.Deleted...), p.AlreadyGone...)
			mayRun := !p.ListingTimes && !slices.Contains(p.Flags, "--stopped")
			planned := 0
			for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
				if line == "" {
					continue
				}
				planned++
				rel, ok := proofRelative(d.Root, line)
				if !ok || !withinProven(rel, proven) {
					t.Errorf("%s %s: today's planner lists %s, which the proof never deleted (proven: %d paths)", d.Scenario, p.Name, line, len(proven))
				}
				if mayRun && writtenByRunningJob(rel) {
					t.Errorf("%s %s: a listing without times and no --stopped, yet the plan lists %s, which a running job may still write or need", d.Scenario, p.Name, line)
				}
			}
			t.Logf("%s %s: %d paths planned today, %d proven", d.Scenario, p.Name, planned, len(proven))
		}
	}
}

// committedSnapshotArgs turns the proof's snapshot arguments (kept _metadata
// relative to the scratch root) into the committed copies, each with --base
// at its original folder unless the proof gave one itself.
func committedSnapshotArgs(d proofDoc, args []string) []string {
	var out []string
	hasBase := false
	for i := 0; i < len(args); i++ {
		if args[i] == "--base" && i+1 < len(args) {
			out = append(out, args[i], args[i+1])
			hasBase = true
			i++
			continue
		}
		if !hasBase {
			out = append(out, "--base", d.Root+"/"+path.Dir(args[i]))
		}
		out = append(out, filepath.Join(d.dir, filepath.FromSlash(args[i])))
		hasBase = false
	}
	return out
}

// proofRelative is a planned path relative to the scratch root (a folder
// keeps its trailing /): schemes (file:, entropyfs:) and percent-encoding are
// dropped, relative listing paths are already relative.
func proofRelative(root, planned string) (string, bool) {
	p := planned
	if i := strings.Index(p, ":"); i > 0 && !strings.Contains(p[:i], "/") {
		u, err := url.Parse(p)
		if err != nil {
			return "", false
		}
		p = u.Path
	}
	dir := strings.HasSuffix(p, "/")
	if strings.HasPrefix(p, "/") {
		if !strings.HasPrefix(p, root+"/") {
			return "", false
		}
		p = strings.TrimPrefix(p, root+"/")
	}
	p = path.Clean(p)
	if p == "." || strings.HasPrefix(p, "../") {
		return "", false
	}
	if dir {
		p += "/"
	}
	return p, true
}

// writtenByRunningJob: a path in a folder a running job writes to or reads
// from after its checkpoint completed (shared/ with ForSt's live database,
// taskowned/, changelog's dstl/).
func writtenByRunningJob(rel string) bool {
	for _, seg := range strings.Split(rel, "/") {
		if seg == "shared" || seg == "taskowned" || seg == "dstl" {
			return true
		}
	}
	return false
}

// withinProven: rel is a proven path or lies in a proven folder.
func withinProven(rel string, proven []string) bool {
	for _, q := range proven {
		if rel == q || strings.HasSuffix(q, "/") && strings.HasPrefix(rel, q) {
			return true
		}
	}
	return false
}

// TestFlinkProofSubsetCheck: the subset check rejects what lies outside the
// proven set, including a sibling sharing a proven folder's name prefix and a
// folder holding proven files, and reads every spelling the planner prints.
func TestFlinkProofSubsetCheck(t *testing.T) {
	root := "/tmp/ckptlens-proof/2.0/x"
	proven := []string{"job/chk-1/", "job/shared/a", "3fa1/"}
	for planned, want := range map[string]bool{
		root + "/job/chk-1/":                   true,
		"file:" + root + "/job/chk-1/_m":       true,
		"file://" + root + "/job/shared/a":     true,
		"entropyfs:" + root + "/3fa1/b/c":      true,
		"3fa1/b":                               true,
		root + "/job/chk-10/":                  false,
		root + "/job/shared/":                  false,
		root + "/job/shared/b":                 false,
		"/tmp/ckptlens-proof/2.0/y/job/chk-1/": false,
		root + "/":                             false,
		"../x/job/chk-1/":                      false,
	} {
		rel, ok := proofRelative(root, planned)
		if got := ok && withinProven(rel, proven); got != want {
			t.Errorf("%s (relative %q): within the proven set %v, want %v", planned, rel, got, want)
		}
	}
}
