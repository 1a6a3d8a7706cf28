package flink

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"reflect"
	"testing"

	"github.com/ckptlens/ckptlens/internal/fixtures"
	"github.com/ckptlens/ckptlens/parse/model"
)

// FuzzDecode feeds arbitrary bytes to Decode: it must return a non-nil
// partial result and either no error or a typed one whose offset lies in
// the input, and the snapshot view must not fail on what it got and must
// be what DecodeSnapshot builds.
func FuzzDecode(f *testing.F) {
	for _, seed := range [][]byte{
		fullV6(),
		v3File(func(b *builder) { b.i32(0).i32(0).u8(KeyedNull).u8(KeyedNull).i32(0).i32(0) }),
		new(builder).header(4, 1).i32(0).i32(0).raw(checkpointPropertiesBlob("Checkpoint", "FORWARD")).Bytes(),
		new(builder).header(0, 1).i32(0).Bytes(),
		{0xAC, 0xED, 0, 5},
		nil,
	} {
		f.Add(seed)
	}
	if dir, ok := fixtures.SharedDir(); ok {
		fxs, _ := fixtures.FlinkFixtures(dir)
		for i, fx := range fxs {
			if i%8 != 0 { // a spread of versions keeps the corpus quick to load
				continue
			}
			if data, err := os.ReadFile(fx.Metadata); err == nil {
				f.Add(data)
			}
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Decode(bytes.NewReader(data), int64(len(data)))
		if m == nil {
			t.Fatal("nil metadata")
		}
		if m.BytesRead < 0 || m.BytesRead > int64(len(data)) {
			t.Fatalf("read %d of %d bytes", m.BytesRead, len(data))
		}
		var fe *model.FormatError
		var ue *model.UnsupportedError
		switch {
		case err == nil:
		case errors.As(err, &fe):
			if fe.Offset < 0 || fe.Offset > int64(len(data)) {
				t.Fatalf("offset %d outside a %d-byte input: %v", fe.Offset, len(data), err)
			}
		case errors.As(err, &ue):
		default:
			t.Fatalf("untyped error %T: %v", err, err)
		}
		s := m.Snapshot("")
		if s.BytesRead != m.BytesRead || s.Size != int64(len(data)) {
			t.Fatalf("snapshot read %d of %d", s.BytesRead, s.Size)
		}
		// Converted operator by operator: the same snapshot, partial ones too.
		streamed, serr := DecodeSnapshot(bytes.NewReader(data), int64(len(data)), Limits{})
		if fmt.Sprint(serr) != fmt.Sprint(err) || !reflect.DeepEqual(streamed, s) {
			t.Fatalf("DecodeSnapshot differs: %v, against %v\n%+v\n%+v", serr, err, streamed, s)
		}
		// Within a memory limit: the same result, or stopped before
		// anything was built.
		lm, lerr := DecodeWithin(bytes.NewReader(data), int64(len(data)), Limits{MaxModelBytes: int64(len(data))/2 + 1})
		if !reflect.DeepEqual(lm, m) || fmt.Sprint(lerr) != fmt.Sprint(err) {
			if !errors.As(lerr, &ue) || len(lm.Operators) != 0 {
				t.Fatalf("within a limit: %v, against %v", lerr, err)
			}
		}
		// From memory (the page's path), with and without progress calls.
		for _, reached := range []func(int64){nil, func(off int64) {
			if off < 0 || off > int64(len(data)) {
				t.Fatalf("Reached(%d) for a %d-byte input", off, len(data))
			}
		}} {
			mm, merr := Decode(&model.Memory{Data: data, Reached: reached}, int64(len(data)))
			if fmt.Sprint(merr) != fmt.Sprint(err) || !reflect.DeepEqual(mm, m) {
				t.Fatalf("decoding from memory differs: %v, against %v", merr, err)
			}
		}
	})
}
