package analysis

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ckptlens/ckptlens/parse/flink"
	"github.com/ckptlens/ckptlens/parse/location"
	"github.com/ckptlens/ckptlens/parse/report"
)

// A snapshot Flink wrote with entropy injection, read from where it lies,
// is placed in the folder it was read from: its data files sit under
// random segments of the same job folder, which is not a copy's sign.
func TestEntropySnapshotReadInPlace(t *testing.T) {
	const root = "s3://ckptlens/flink-entropy/"
	dir := filepath.Join("..", "..", "testdata", "flink", "s3", "2.3-entropy")
	metas, _ := filepath.Glob(filepath.Join(dir, "*", "*", "*", "_metadata"))
	sp, _ := filepath.Glob(filepath.Join(dir, "savepoints", "*", "_metadata"))
	if metas = append(metas, sp...); len(metas) < 4 {
		t.Fatalf("found %d recorded _metadata files in %s", len(metas), dir)
	}
	for _, m := range metas {
		data, err := os.ReadFile(m)
		if err != nil {
			t.Fatal(err)
		}
		snap, err := flink.DecodeSnapshot(strings.NewReader(string(data)), int64(len(data)), flink.Limits{})
		if err != nil {
			t.Fatalf("%s: %v", m, err)
		}
		rel, _ := filepath.Rel(dir, m)
		snap.Source = root + filepath.ToSlash(rel)
		r := Inspect(snap, "")
		if want := strings.TrimSuffix(snap.Source, "/_metadata"); r.Location.Dir != want || r.Location.From != location.FromReadPath {
			t.Errorf("%s: placed in %s (%s), want %s, the folder it was read from", rel, r.Location.Dir, r.Location.From, want)
		}
		for _, d := range r.Dependencies {
			if d.Role == report.RoleOtherCheckpoint {
				t.Errorf("%s: its own job's files in %s are called another checkpoint's", rel, d.Dir)
			}
		}
	}
}
