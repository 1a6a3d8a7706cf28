package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ckptlens/ckptlens/parse"
)

// TestCompareJobs: the oracle's CLAIM pair and two other jobs given
// together (10 snapshots of 3 runs) print one table of jobs with the
// restore link, distinct labels, and rows compared within each chain.
func TestCompareJobs(t *testing.T) {
	gen := repoPath(t, "testdata", "flink", "generated", "1.20")
	var args []string
	for _, run := range []string{"restore-claim", "incremental", "hashmap"} {
		m, _ := filepath.Glob(filepath.Join(gen, run, "*", "chk-*"))
		args = append(args, m...)
	}
	if len(args) != 10 {
		t.Skipf("skipping: %d checkpoints in the 1.20 oracle runs under %s, not 10", len(args), gen)
	}
	js, stderr, code := runCLI(t, append([]string{"compare", "--json"}, args...)...)
	var r parse.Report
	if err := json.Unmarshal([]byte(js), &r); err != nil || code != 0 {
		t.Fatalf("exit %d: %v %s", code, err, stderr)
	}
	text, _, _ := runCLI(t, append([]string{"compare"}, args...)...)
	lines := strings.Split(text, "\n")
	if lines[0] != "4 jobs; each snapshot is compared with the ones before it in its job and in the jobs it was restored from" {
		t.Errorf("first line %q", lines[0])
	}
	child := r.Jobs.Jobs[r.Jobs.JobOf[len(args)-7]] // the CLAIM run's newest
	if child.Parent < 0 || !strings.Contains(text, child.Name+"          3  "+r.Jobs.Jobs[child.Parent].Name) {
		t.Errorf("no restore link for %+v:\n%s", child, text)
	}
	seen := map[string]bool{}
	for i, cs := range r.Comparison.Snapshots {
		if seen[cs.Label] || !strings.Contains(text, cs.Label) {
			t.Errorf("label %q twice or not printed", cs.Label)
		}
		seen[cs.Label] = true
		if p := cs.Previous; p >= 0 && r.Jobs.JobOf[p] != r.Jobs.JobOf[i] && r.Jobs.Jobs[r.Jobs.JobOf[i]].Parent != r.Jobs.JobOf[p] {
			t.Errorf("%s is compared with %s of an unrelated job", cs.Label, r.Comparison.Snapshots[p].Label)
		}
	}
}

// inspect names a snapshot as compare and the page do.
func TestInspectLabel(t *testing.T) {
	dirs, _ := filepath.Glob(repoPath(t, "testdata", "flink", "generated", "1.20", "restore-claim", "*", "chk-4"))
	if len(dirs) != 1 {
		t.Skip("skipping: no oracle run restore-claim")
	}
	text, _, code := runCLI(t, "inspect", dirs[0])
	want := "  label: " + filepath.Base(filepath.Dir(dirs[0]))[:8] + "/chk-4 (as compare and the page name it)\n"
	if code != 0 || !strings.Contains(text, want) {
		t.Errorf("exit %d, no %q in:\n%s", code, want, text)
	}
}
