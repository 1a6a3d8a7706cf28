package slatedb_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/ckptlens/ckptlens/parse"
	"github.com/ckptlens/ckptlens/parse/fixtures"
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
