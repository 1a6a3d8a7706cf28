package parse

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// forSharingChain is three incremental checkpoints of 300 shared files of
// varied sizes each, half carried over from the one before, with the
// listing of their job folder and the garbage in it.
func forSharingChain(t *testing.T) *Report {
	inputs, l := benchChain(3, 300)
	size := func(path string) int64 {
		var id int64
		if i := strings.LastIndex(path, "/shared/"); i >= 0 {
			fmt.Sscanf(path[i+len("/shared/"):], "%d", &id)
		}
		return 1000 + id*7919%5000
	}
	for _, in := range inputs {
		for i := range in.Snapshot.Files {
			if f := &in.Snapshot.Files[i]; !f.Relative {
				f.Bytes = size(f.Path)
			}
		}
	}
	for i := range l.Entries {
		if strings.Contains(l.Entries[i].Path, "/shared/") {
			l.Entries[i].Bytes = size(l.Entries[i].Path)
		}
	}
	// Garbage the plan lists file by file: lone files in the job folder.
	for i := range 400 {
		l.Entries = append(l.Entries, l.Entries[0])
		l.Entries[len(l.Entries)-1].Path = fmt.Sprintf("/cp/%s/shared/garbage-%04d", jobID, i)
	}
	// The listing has no times: the job is stated stopped, so its shared/
	// garbage is planned.
	rep := Analyze(inputs, Options{Listing: l, Stopped: true})
	if rep.Comparison == nil || rep.Orphans == nil || len(rep.Comparison.Files) <= 100 {
		t.Fatalf("the chain makes no comparison or plan worth cutting: %+v", rep.Comparison)
	}
	return rep
}

// A report for a link keeps the largest rows of each long list and every
// total, and says what it left out; the report itself does not change.
func TestForSharingKeepsTheLargestRows(t *testing.T) {
	rep := forSharingChain(t)
	before, _ := json.Marshal(rep)
	if got := rep.ForSharing(100_000); got != rep {
		t.Fatal("a report with short lists was copied")
	}
	const rows = 100
	cut := rep.ForSharing(rows)
	after, _ := json.Marshal(rep)
	if string(before) != string(after) {
		t.Fatal("ForSharing changed the report it was given")
	}
	if cut.LeftOut == nil || cut.LeftOut.Rows != rows {
		t.Fatalf("LeftOut %+v", cut.LeftOut)
	}
	leftOut := 0
	for i, s := range cut.Snapshots {
		orig := rep.Snapshots[i]
		if len(s.Files) != rows || len(s.FileRefs) != rows || s.FilesLeftOut != len(orig.Files)-rows {
			t.Fatalf("snapshot %d: %d files, %d refs, %d left out of %d", i, len(s.Files), len(s.FileRefs), s.FilesLeftOut, len(orig.Files))
		}
		leftOut += s.FilesLeftOut
		if !reflect.DeepEqual(s.Sizes, orig.Sizes) || !reflect.DeepEqual(s.Dependencies, orig.Dependencies) || !reflect.DeepEqual(s.Operators, orig.Operators) {
			t.Fatalf("snapshot %d: totals changed", i)
		}
		// The kept files are the largest, in their order, each with its ref.
		kept := map[string]bool{}
		at := 0
		for j, f := range s.Files {
			for orig.Files[at].Path != f.Path {
				at++
			}
			if orig.FileRefs[at] != s.FileRefs[j] {
				t.Fatalf("snapshot %d: file %s lost its ref", i, f.Path)
			}
			kept[f.Path] = true
		}
		smallestKept := s.Files[0].Bytes
		for _, f := range s.Files {
			smallestKept = min(smallestKept, f.Bytes)
		}
		for _, f := range orig.Files {
			if !kept[f.Path] && f.Bytes > smallestKept {
				t.Fatalf("snapshot %d: left out %s (%d bytes) but kept one of %d", i, f.Path, f.Bytes, smallestKept)
			}
		}
	}
	if cut.LeftOut.Files != leftOut {
		t.Fatalf("LeftOut.Files %d, snapshots say %d", cut.LeftOut.Files, leftOut)
	}
	c, oc := cut.Comparison, rep.Comparison
	if len(c.Files) != rows || cut.LeftOut.ComparedFiles != len(oc.Files)-rows || c.SharedFiles != oc.SharedFiles || c.UnionBytes != oc.UnionBytes {
		t.Fatalf("comparison: %d files, %d left out of %d", len(c.Files), cut.LeftOut.ComparedFiles, len(oc.Files))
	}
	if shared := oc.SharedFiles; shared >= rows {
		for _, f := range c.Files {
			if len(f.Snapshots) < 2 {
				t.Fatalf("comparison kept an unshared file while %d shared ones did not fit", shared)
			}
		}
	}
	o, oo := cut.Orphans, rep.Orphans
	wantPlan := max(0, len(oo.Deletable)-rows) + max(0, len(oo.Unsure)-rows) + max(0, len(oo.Missing)-rows)
	if len(o.Deletable) > rows || cut.LeftOut.PlanRows != wantPlan || wantPlan == 0 || o.DeletableBytes != oo.DeletableBytes ||
		!reflect.DeepEqual(o.Deletable, oo.Deletable[:len(o.Deletable)]) {
		t.Fatalf("plan: %d deletable rows of %d, %d left out (want %d)", len(o.Deletable), len(oo.Deletable), cut.LeftOut.PlanRows, wantPlan)
	}
	// What a link carries reads back with the same cut.
	js, _ := json.Marshal(cut)
	var back Report
	if err := json.Unmarshal(js, &back); err != nil || !reflect.DeepEqual(back.LeftOut, cut.LeftOut) || back.Snapshots[0].FilesLeftOut != cut.Snapshots[0].FilesLeftOut {
		t.Fatalf("round trip: %v, %+v", err, back.LeftOut)
	}
}
