package parse

import (
	"path/filepath"
	"testing"

	"github.com/ckptlens/ckptlens/internal/fixtures"
	"github.com/ckptlens/ckptlens/parse/listing"
)

// TestSharedFixturesPlan: Flink's own test checkpoints and savepoints (in
// ../shared) sit beside the files they reference, listed in files.tsv with
// their real sizes. Read from their folder, every relative file resolves to
// a listed file of the recorded size, and the plan keeps exactly those (and
// _metadata): nothing referenced is missing or planned for deletion.
func TestSharedFixturesPlan(t *testing.T) {
	shared := fixtures.RequireShared(t)
	all, err := fixtures.FlinkFixtures(shared)
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, fx := range all {
		snap, err := DecodeFile(fx.Metadata)
		if err != nil {
			t.Errorf("%s: %v", fx.ID, err)
			continue
		}
		if fx.Files == nil {
			// No listing: every file is still placed beside _metadata.
			s := Inspect(snap, "")
			for i, f := range snap.Files {
				if ref := s.FileRefs[i]; f.Relative && (ref.Path != filepath.Join(fx.Dir, f.Path) || ref.Role != RoleRelative) {
					t.Errorf("%s: %s placed at %s as %s", fx.ID, f.Path, ref.Path, ref.Role)
				}
			}
			continue
		}
		l := &listing.Listing{Format: listing.FormatFind, Entries: []listing.Entry{{Path: fx.Metadata, Bytes: snap.Size}}}
		for name, size := range fx.Files {
			l.Entries = append(l.Entries, listing.Entry{Path: filepath.Join(fx.Dir, name), Bytes: size})
		}
		r := Analyze([]Input{{Snapshot: snap}}, Options{Listing: l})
		s, p := r.Snapshots[0], r.Orphans
		relative := 0
		for i, f := range snap.Files {
			if !f.Relative {
				continue
			}
			relative++
			ref := s.FileRefs[i]
			if ref.Path != filepath.Join(fx.Dir, f.Path) || ref.Role != RoleRelative {
				t.Errorf("%s: %s placed at %s as %s", fx.ID, f.Path, ref.Path, ref.Role)
			}
			if size, ok := fx.Files[f.Path]; !ok || f.Bytes >= 0 && size != f.Bytes {
				t.Errorf("%s: %s recorded %d bytes, listed %d (%v)", fx.ID, f.Path, f.Bytes, size, ok)
			}
		}
		if len(p.Missing) != 0 || p.ReferencedFiles != relative+1 {
			t.Errorf("%s: %d relative files + _metadata, plan keeps %d, missing %+v", fx.ID, relative, p.ReferencedFiles, p.Missing)
		}
		if p.ReferencedFiles+p.DeletableFiles+p.UnsureFiles != p.Listing.Files {
			t.Errorf("%s: plan does not account for every listed file", fx.ID)
		}
		checked++
	}
	t.Logf("%d fixtures, %d with files.tsv planned", len(all), checked)
}
