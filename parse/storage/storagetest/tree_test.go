package storagetest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ckptlens/ckptlens/parse"
	"github.com/ckptlens/ckptlens/parse/model"
)

const generated = "../../../testdata/flink/generated"

// TestRewrittenMetadataDecodesAlike: a _metadata with its paths moved to
// another root decodes to the same snapshot, every path moved, none left.
func TestRewrittenMetadataDecodesAlike(t *testing.T) {
	metas, _ := filepath.Glob(filepath.Join(generated, "*", "*", "*", "*", "_metadata"))
	more, _ := filepath.Glob(filepath.Join(generated, "*", "*", "*", "_metadata"))
	metas = append(metas, more...)
	if len(metas) < 50 {
		t.Fatalf("found %d _metadata files under %s", len(metas), generated)
	}
	for _, m := range metas {
		rel, _ := filepath.Rel(generated, m)
		parts := strings.Split(filepath.ToSlash(rel), "/")
		from := "file:" + OracleRoot(parts[0], parts[1])
		to := "s3://bucket-with-a-longer-name/some/deeper/prefix"
		data, err := os.ReadFile(m)
		if err != nil {
			t.Fatal(err)
		}
		out, n, err := RewritePaths(data, from, to)
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			continue
		}
		before := decode(t, rel, data)
		after := decode(t, rel, out)
		if before == nil || after == nil {
			continue
		}
		checkMoved(t, rel, before, after, from, to, n)
	}
}

func decode(t *testing.T, name string, data []byte) *model.Snapshot {
	s, err := parse.Decode(name, &model.Memory{Data: data}, int64(len(data)))
	if err != nil {
		t.Errorf("%s: %v", name, err)
		return nil
	}
	return s
}

func checkMoved(t *testing.T, rel string, before, after *model.Snapshot, from, to string, n int) {
	if len(before.Files) != len(after.Files) || len(before.Operators) != len(after.Operators) {
		t.Errorf("%s: %d files, %d operators before; %d, %d after", rel, len(before.Files), len(before.Operators), len(after.Files), len(after.Operators))
		return
	}
	for i, f := range before.Files {
		want := f.Path
		if p, ok := strings.CutPrefix(f.Path, from); ok {
			want = to + p
		}
		if after.Files[i].Path != want || after.Files[i].Bytes != f.Bytes {
			t.Errorf("%s: file %d is %s (%d bytes), want %s (%d)", rel, i, after.Files[i].Path, after.Files[i].Bytes, want, f.Bytes)
			return
		}
		if strings.Contains(after.Files[i].Path, "ckptlens-oracle") {
			t.Errorf("%s: %s was not moved", rel, after.Files[i].Path)
		}
	}
	if before.InlineBytes != after.InlineBytes || before.CheckpointID != after.CheckpointID {
		t.Errorf("%s: inline %d / id %d before, %d / %d after", rel, before.InlineBytes, before.CheckpointID, after.InlineBytes, after.CheckpointID)
	}
}
