package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ckptlens/ckptlens/internal/fixtures"
	"github.com/ckptlens/ckptlens/parse/model"
)

// writeMetadata writes a valid V3 _metadata (one operator, one subtask with
// a 300-byte relative operator-state file) into dir/chk-3.
func writeMetadata(t *testing.T, dir string) string {
	t.Helper()
	var b bytes.Buffer
	w := func(v any) { binary.Write(&b, binary.BigEndian, v) }
	utf := func(s string) { w(uint16(len(s))); b.WriteString(s) }
	w(int32(0x4960672D))
	w(int32(3))
	w(int64(3))
	w(int32(0))
	w(int32(1))
	b.Write(bytes.Repeat([]byte{0x0f}, 16))
	w(int32(1))
	w(int32(128))
	b.WriteByte(0)
	w(int32(1))
	w(int32(0))
	w(int32(1))
	b.WriteByte(4)
	w(int32(1))
	utf("list-state")
	b.WriteByte(0)
	w(int32(0))
	b.WriteByte(6) // relative file
	utf("5d3c8a1e-0000-4000-8000-000000000001")
	w(int64(300))
	w(int32(0))
	b.WriteByte(0)
	b.WriteByte(0)
	w(int32(0))
	w(int32(0))
	chk := filepath.Join(dir, "chk-3")
	if err := os.MkdirAll(chk, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(chk, "_metadata"), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return chk
}

func execCLI(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestInspectText(t *testing.T) {
	chk := writeMetadata(t, t.TempDir())
	code, out, errOut := execCLI("inspect", chk)
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	for _, want := range []string{chk, "Flink", "header version 3", "checkpoint id 3",
		"0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f", "300 B", "operator (1, 300 B)", "exclusive"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	const file = "5d3c8a1e-0000-4000-8000-000000000001"
	if strings.Contains(out, file) {
		t.Errorf("without --files the text lists the file %s:\n%s", file, out)
	}
	code, out, errOut = execCLI("inspect", "--files", chk)
	if code != 0 || errOut != "" {
		t.Fatalf("--files: exit %d, stderr %q", code, errOut)
	}
	for _, want := range []string{"operator (1, 300 B)", file + "  300 B  relative  0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f"} {
		if !strings.Contains(out, want) {
			t.Errorf("--files output lacks %q:\n%s", want, out)
		}
	}
}

func TestInspectJSON(t *testing.T) {
	dir := t.TempDir()
	chk := writeMetadata(t, dir)
	bad := filepath.Join(dir, "picture.png")
	os.WriteFile(bad, []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), 0o644)

	code, out, errOut := execCLI("inspect", "--json", chk, bad)
	if code != 1 || !strings.Contains(errOut, "PNG image") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines, want one per input:\n%s", len(lines), out)
	}
	var good, png model.Snapshot
	if err := json.Unmarshal([]byte(lines[0]), &good); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(lines[1]), &png); err != nil {
		t.Fatal(err)
	}
	if good.Source != filepath.Join(chk, "_metadata") || good.Format != model.FormatFlink || good.BytesRead != good.Size || good.CheckpointID != 3 ||
		len(good.Files) != 1 || good.Files[0].Bytes != 300 || !good.Files[0].Relative || good.Files[0].Kind != model.KindOperator ||
		good.Operators[0].StateBytes != 300 || good.SnapshotKind != model.KindUnknown {
		t.Errorf("good: %s", lines[0])
	}
	if png.Error == nil || png.Error.Offset != 0 || !strings.Contains(png.Error.Message, "PNG image") {
		t.Errorf("png: %s", lines[1])
	}
	// The raw line carries the field names the issue lists.
	for _, key := range []string{`"source"`, `"format"`, `"formatVersion"`, `"size"`, `"bytesRead"`, `"checkpointId"`,
		`"snapshotKind"`, `"operators"`, `"stateBytes"`, `"inlineBytes"`, `"files"`, `"relative"`, `"kind"`} {
		if !strings.Contains(lines[0], key) {
			t.Errorf("JSON lacks %s", key)
		}
	}
}

func TestInspectTruncatedPrintsPartial(t *testing.T) {
	chk := writeMetadata(t, t.TempDir())
	path := filepath.Join(chk, "_metadata")
	data, _ := os.ReadFile(path)
	os.WriteFile(path, data[:len(data)-12], 0o644)
	code, out, errOut := execCLI("inspect", path)
	if code != 1 || !strings.Contains(errOut, "probably truncated") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if !strings.Contains(out, "0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f") || !strings.Contains(out, "error at byte") {
		t.Errorf("partial output:\n%s", out)
	}
}

func TestUsage(t *testing.T) {
	if code, _, errOut := execCLI(); code != 2 || !strings.Contains(errOut, "inspect") {
		t.Errorf("no args: exit %d, %q", code, errOut)
	}
	if code, _, errOut := execCLI("frobnicate"); code != 2 || !strings.Contains(errOut, "unknown command") {
		t.Errorf("unknown: exit %d, %q", code, errOut)
	}
	if code, _, _ := execCLI("inspect"); code != 2 {
		t.Errorf("inspect without paths: exit %d", code)
	}
}

func TestInspectSharedFixture(t *testing.T) {
	dir := fixtures.RequireShared(t)
	fxs, err := fixtures.FlinkFixtures(dir)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, fx := range fxs {
		paths = append(paths, fx.Dir)
	}
	code, out, errOut := execCLI(append([]string{"inspect", "--json"}, paths...)...)
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if n := strings.Count(out, "\n"); n != len(fxs) {
		t.Errorf("%d lines for %d fixtures", n, len(fxs))
	}
}

// TestInspectSlateDBText checks the SlateDB view on a real clone manifest
// written by the SlateDB oracle: epochs, checkpoints and the parent database,
// in SlateDB's terms rather than Flink's.
func TestInspectSlateDBText(t *testing.T) {
	root, err := fixtures.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	manifest := filepath.Join(root, "testdata/slatedb/store/prod/clone/manifest/00000000000000000007.manifest")
	code, out, errOut := execCLI("inspect", manifest)
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	for _, want := range []string{"SlateDB manifest 7, format version 2", "writer epoch 2, compactor epoch 1",
		"checkpoints: 2", "b3150bb8-b0a0-4d34-bd6e-d50aa62c41ac", "parent databases (this is a clone): 1",
		"prod/parent  3beb59c4-714c-4f90-a965-1ee3320ed260", "sst (5, 120 KiB)"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	for _, absent := range []string{"operators:", "checkpoint id", "inline state"} {
		if strings.Contains(out, absent) {
			t.Errorf("SlateDB output shows Flink's %q:\n%s", absent, out)
		}
	}
}

// The model-size guard is on by default, as in the page, and --max-model
// moves it: a file of many operators is refused under a small guard with
// the flag to raise it, and read whole with a large one or none.
func TestMaxModelGuard(t *testing.T) {
	path := filepath.Join(t.TempDir(), "_metadata")
	writeEmptyOperators(t, path, 50_000)
	code, _, stderr := execCLI("inspect", "--max-model", "1MB", path)
	if code != 1 || !strings.Contains(stderr, "--max-model") {
		t.Errorf("under a 1 MB guard: exit %d, stderr %q; want 1 and the flag named", code, stderr)
	}
	for _, limit := range []string{"1GB", "none"} {
		code, stdout, stderr := execCLI("inspect", "--max-model", limit, path)
		if code != 0 || !strings.Contains(stdout, "operators: 50000") {
			t.Errorf("--max-model %s: exit %d, stderr %q", limit, code, stderr)
		}
	}
	if code, _, stderr := execCLI("inspect", "--max-model", "lots", path); code != 2 || !strings.Contains(stderr, "--max-model") {
		t.Errorf("a bad size: exit %d, stderr %q", code, stderr)
	}
}
