package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ckptlens/ckptlens/internal/fixtures"
	"github.com/ckptlens/ckptlens/parse"
)

func proofDB(t *testing.T, db string) string {
	t.Helper()
	root, err := fixtures.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(root, "testdata", "slatedb", "proof", "proof", db)
}

// A compactions file is shown as the compactor's state; a database folder
// adds what each checkpoint keeps alive and the history of its checkpoints
// and manifests.
func TestInspectSlateDBStateAndHistory(t *testing.T) {
	main := proofDB(t, "main")
	files, _ := filepath.Glob(filepath.Join(main, "compactions", "*.compactions"))
	if len(files) == 0 {
		t.Fatal("no compactions files in the proof store")
	}
	out, stderr, code := runCLI(t, "inspect", files[len(files)-1])
	if code != 0 || !strings.Contains(out, "SlateDB compactions file") || !strings.Contains(out, "Submitted") || strings.Contains(out, "SlateDB manifest") {
		t.Errorf("exit %d, %s\n%s", code, stderr, out)
	}
	out, stderr, code = runCLI(t, "inspect", main)
	for _, want := range []string{"what each checkpoint keeps alive", `"wal-pinned"`, "expired (GC drops it)", "checkpoint history", "manifest history", "compaction:"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("no %q in the database folder's inspect (exit %d, %s):\n%s", want, code, stderr, out)
		}
	}
	// As the page reads a dropped database folder: its live manifests, the
	// newest first (with the database's history), and its newest compactions
	// file, one JSON line each.
	out, _, _ = runCLI(t, "inspect", "--json", main)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var r, state parse.SnapshotReport
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &state); err != nil || state.Source != files[len(files)-1] {
		t.Errorf("--json: the last line is not the newest compactions file: %v %s", err, state.Source)
	}
	if err := json.Unmarshal([]byte(lines[0]), &r); err != nil || r.SlateDBDatabase == nil || len(r.SlateDBDatabase.Pins) == 0 || len(r.SlateDBDatabase.Timeline) != r.SlateDBDatabase.Manifests {
		t.Errorf("--json: %v %+v", err, r.SlateDBDatabase)
	}
}

// A clone projected to [b-, d-) shows the ranges it reads, in the text and
// in --json.
func TestInspectProjectedClone(t *testing.T) {
	db := proofDB(t, "projected")
	out, stderr, code := runCLI(t, "inspect", "--json", db)
	var r parse.SnapshotReport
	if code != 0 || json.Unmarshal([]byte(out), &r) != nil || r.SlateDB == nil {
		t.Fatalf("exit %d, %s", code, stderr)
	}
	var ranges []string
	for _, s := range r.SlateDB.SSTs {
		ranges = append(ranges, s.VisibleRanges...)
		for _, v := range s.VisibleRanges {
			if !strings.HasPrefix(v, "[b-") && !strings.HasPrefix(v, "[c-") {
				t.Errorf("%s reads %s, outside [b-, d-)", s.Path, v)
			}
		}
	}
	if len(ranges) == 0 {
		t.Errorf("no visible range in --json: %s", out)
	}
	text, _, _ := runCLI(t, "inspect", db)
	if !strings.Contains(text, "SSTs read in part") || !strings.Contains(text, ranges[0]) {
		t.Errorf("the text does not show the ranges:\n%s", text)
	}
}
