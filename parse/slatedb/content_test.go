package slatedb_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/ckptlens/ckptlens/internal/fixtures"
	"github.com/ckptlens/ckptlens/parse"
	"github.com/ckptlens/ckptlens/parse/model"
)

// TestRecognisedByContent: parse.Decode picks the SlateDB decoder from the
// bytes, whatever the file is called; a <id>.manifest name adds the id.
func TestRecognisedByContent(t *testing.T) {
	root, err := fixtures.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"prod/parent/manifest/00000000000000000007.manifest", "v1/clone/manifest/00000000000000000003.manifest"} {
		data, err := os.ReadFile(filepath.Join(root, "testdata/slatedb/store", p))
		if err != nil {
			t.Fatal(err)
		}
		s, err := parse.Decode("upload.bin", bytes.NewReader(data), int64(len(data)))
		if err != nil || s.Format != model.FormatSlateDB || s.SlateDB == nil || s.SlateDB.ManifestID != 0 {
			t.Fatalf("%s as upload.bin: %v %+v", p, err, s)
		}
		s, err = parse.Decode(p, bytes.NewReader(data), int64(len(data)))
		if err != nil || s.SlateDB.ManifestID != 7 && s.SlateDB.ManifestID != 3 {
			t.Fatalf("%s: id %d, %v", p, s.SlateDB.ManifestID, err)
		}
	}
}

// TestCompactionsRecognisedByContent: a compactions file given on its own,
// under any name, is read as the compactor's state, never as a manifest;
// and a manifest is never read as one.
func TestCompactionsRecognisedByContent(t *testing.T) {
	root, err := fixtures.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(root, "testdata/slatedb/proof/proof/*/compactions/*.compactions"))
	if len(files) == 0 {
		t.Fatal("no compactions files (testdata/slatedb/regenerate.sh proof writes them)")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		s, err := parse.Decode("upload.bin", bytes.NewReader(data), int64(len(data)))
		if err != nil || s.Format != model.FormatSlateDBCompactions || s.Compactions == nil || s.SlateDB != nil {
			t.Fatalf("%s as upload.bin: %v, format %q", f, err, s.Format)
		}
		if s, _ := parse.DecodeFile(f); s.Compactions == nil || s.Compactions.ID == 0 {
			t.Fatalf("%s: %+v", f, s.Compactions)
		}
	}
	manifests, _ := filepath.Glob(filepath.Join(root, "testdata/slatedb/proof/proof/*/manifest/*.manifest"))
	for _, f := range manifests {
		data, _ := os.ReadFile(f)
		if s, _ := parse.Decode("upload.bin", bytes.NewReader(data), int64(len(data))); s.Format != model.FormatSlateDB {
			t.Errorf("%s read as %q", f, s.Format)
		}
	}
}
