package parse

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ckptlens/ckptlens/internal/fixtures"
	"github.com/ckptlens/ckptlens/parse/flink"
	"github.com/ckptlens/ckptlens/parse/model"
)

// tinyMetadata is a valid V3 _metadata with one operator whose one subtask
// holds 10 bytes of inline operator state.
func tinyMetadata() []byte {
	var b bytes.Buffer
	w := func(v any) { binary.Write(&b, binary.BigEndian, v) }
	w(int32(flink.Magic))
	w(int32(3))
	w(int64(7)) // checkpoint id
	w(int32(0)) // master states
	w(int32(1)) // operators
	b.Write(bytes.Repeat([]byte{0xab}, 16))
	w(int32(1))    // parallelism
	w(int32(128))  // max parallelism
	b.WriteByte(0) // no coordinator state
	w(int32(1))    // one subtask
	w(int32(0))    // index 0
	w(int32(1))    // managed operator state
	b.WriteByte(4) // partitionable handle
	w(int32(1))
	w(uint16(1))
	b.WriteString("s")
	b.WriteByte(0) // SPLIT_DISTRIBUTE
	w(int32(0))    // no offsets
	b.WriteByte(1) // inline delegate
	w(uint16(1))
	b.WriteString("n")
	w(int32(10))
	b.Write(make([]byte, 10))
	w(int32(0))    // no raw operator state
	b.WriteByte(0) // no managed keyed state
	b.WriteByte(0) // no raw keyed state
	w(int32(0))    // input channels
	w(int32(0))    // result subpartitions
	return b.Bytes()
}

func TestDecodeSniffsContent(t *testing.T) {
	data := tinyMetadata()
	s, err := Decode("whatever.png", bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if s.Format != model.FormatFlink || s.Source != "whatever.png" || s.CheckpointID != 7 || s.InlineBytes != 10 ||
		s.BytesRead != s.Size || len(s.Operators) != 1 || s.Operators[0].StateBytes != 10 {
		t.Errorf("%+v", s)
	}
}

func TestDecodeForeignInput(t *testing.T) {
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "an empty file"},
		{"png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "found a PNG image"},
		{"zip", []byte("PK\x03\x04\x14\x00\x00\x00"), "found a zip archive"},
		{"text", []byte("hello, this is not a checkpoint\n"), "found a text file"},
		{"binary", []byte{0x01, 0x02, 0x03, 0xff, 0x00}, "starting with 01 02 03 FF 00"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := Decode("in", bytes.NewReader(c.data), int64(len(c.data)))
			var fe *model.FormatError
			if !errors.As(err, &fe) || fe.Offset != 0 {
				t.Fatalf("%T %v", err, err)
			}
			if !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "Flink _metadata file, a SlateDB manifest or a SlateDB compactions file") {
				t.Errorf("message %q, want it to mention %q", err, c.want)
			}
			if s == nil || s.Error == nil || s.Error.Message != err.Error() || s.Source != "in" {
				t.Errorf("snapshot %+v", s)
			}
		})
	}
}

func TestDecodeTruncatedKeepsPartial(t *testing.T) {
	data := tinyMetadata()
	cut := len(data) - 5
	s, err := Decode("cut", bytes.NewReader(data[:cut]), int64(cut))
	var fe *model.FormatError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), "probably truncated") {
		t.Fatalf("%T %v", err, err)
	}
	if s.Error == nil || s.Error.Offset != fe.Offset || len(s.Operators) != 1 || s.CheckpointID != 7 {
		t.Errorf("partial snapshot %+v", s)
	}
}

func TestDecodeFile(t *testing.T) {
	dir := t.TempDir()
	chk := filepath.Join(dir, "chk-7")
	if err := os.Mkdir(chk, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(chk, "_metadata"), tinyMetadata(), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{chk, filepath.Join(chk, "_metadata")} {
		s, err := DecodeFile(p)
		if err != nil || s.Source != filepath.Join(chk, "_metadata") || s.CheckpointID != 7 {
			t.Errorf("%s: %v %+v", p, err, s)
		}
	}
	s, err := DecodeFile(dir)
	if err == nil || !strings.Contains(err.Error(), "without a _metadata file or SlateDB manifests") || s.Error == nil {
		t.Errorf("folder without _metadata: %v", err)
	}
	// A SlateDB database, or its manifest folder: the newest manifest (by
	// id, not by name: ids need not be zero-padded).
	db := filepath.Join(dir, "db")
	os.MkdirAll(filepath.Join(db, "manifest"), 0o755)
	repo, err := fixtures.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	manifest, err := os.ReadFile(filepath.Join(repo, "testdata", "slatedb", "store", "prod", "clone", "manifest", "00000000000000000007.manifest"))
	if err != nil {
		t.Fatal(err) // committed with the SlateDB oracle's databases
	}
	for _, name := range []string{"9.manifest", "10.manifest", "00000000000000000003.manifest", "11.manifest.tmp"} {
		os.WriteFile(filepath.Join(db, "manifest", name), manifest, 0o644)
	}
	for _, p := range []string{db, filepath.Join(db, "manifest")} {
		s, err := DecodeFile(p)
		if err != nil || s.Source != filepath.Join(db, "manifest", "10.manifest") || s.Format != model.FormatSlateDB {
			t.Errorf("%s: %v, source %s, format %s", p, err, s.Source, s.Format)
		}
	}
	if _, err := DecodeFile(filepath.Join(dir, "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

func TestDecodeFileSharedFixtures(t *testing.T) {
	dir := fixtures.RequireShared(t)
	fxs, err := fixtures.FlinkFixtures(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, fx := range fxs {
		s, err := DecodeFile(fx.Dir)
		if err != nil || s.BytesRead != s.Size || s.FormatVersion != fx.HeaderVersion {
			t.Errorf("%s: %v, read %d of %d", fx.ID, err, s.BytesRead, s.Size)
		}
	}
}

// FuzzDecode: any input gives a non-nil snapshot whose Error matches the
// returned error, never a panic.
func FuzzDecode(f *testing.F) {
	f.Add(tinyMetadata())
	f.Add([]byte("\x89PNG\r\n\x1a\n"))
	f.Add([]byte{0xAC, 0xED, 0x00, 0x05})
	f.Add([]byte{})
	if dir, ok := fixtures.SharedDir(); ok {
		if fxs, err := fixtures.FlinkFixtures(dir); err == nil {
			for i, fx := range fxs {
				if i%16 == 0 {
					if data, err := os.ReadFile(fx.Metadata); err == nil {
						f.Add(data)
					}
				}
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Decode("fuzz", bytes.NewReader(data), int64(len(data)))
		if s == nil {
			t.Fatal("nil snapshot")
		}
		if (err == nil) != (s.Error == nil) {
			t.Fatalf("error %v but snapshot error %+v", err, s.Error)
		}
		if err != nil {
			var fe *model.FormatError
			var ue *model.UnsupportedError
			if !errors.As(err, &fe) && !errors.As(err, &ue) {
				t.Fatalf("untyped error %T: %v", err, err)
			}
		}
	})
}
