package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ckptlens/ckptlens/internal/flink/encode"
)

// The model-size guard also holds for snapshots read through the storage
// layer (orphans ROOT lists and decodes them there): a checkpoint of many
// operators is refused under a small guard, naming the flag, and planned
// with none.
func TestMaxModelGuardThroughStorage(t *testing.T) {
	root := t.TempDir()
	chk := filepath.Join(root, "job", "chk-1")
	if err := os.MkdirAll(chk, 0o755); err != nil {
		t.Fatal(err)
	}
	writeEmptyOperators(t, filepath.Join(chk, "_metadata"), 50_000)
	code, _, stderr := execCLI("orphans", "--max-model", "1MB", "file:"+root)
	if code != 1 || !strings.Contains(stderr, "--max-model") {
		t.Errorf("under a 1 MB guard: exit %d, stderr %q; want 1 and the flag named", code, stderr)
	}
	if code, _, stderr := execCLI("orphans", "--max-model", "none", "file:"+root); code != 0 {
		t.Errorf("--max-model none: exit %d, stderr %q", code, stderr)
	}
}

// writeEmptyOperators writes a checkpoint's _metadata of n operators without
// state (version 4) to path.
func writeEmptyOperators(t *testing.T, path string, n int) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := encode.WriteEmptyOperators(f, 4, n); err != nil {
		t.Fatal(err)
	}
}
