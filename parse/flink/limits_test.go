package flink_test

import (
	"bytes"
	"errors"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/ckptlens/ckptlens/internal/flink/encode"
	"github.com/ckptlens/ckptlens/parse/flink"
	"github.com/ckptlens/ckptlens/parse/model"
)

// A checkpoint whose model needs more memory than the limit is an
// UnsupportedError that says how much, found before the model is built;
// at its need it decodes as without limits.
func TestDecodeWithinMaxModelBytes(t *testing.T) {
	for _, c := range []struct {
		name  string
		write func(*bytes.Buffer) error
	}{
		{"dense", func(b *bytes.Buffer) error {
			_, err := encode.WriteDense(b, encode.DenseSpec{Operators: 2, Parallelism: 40, SharedPerSubtask: 25})
			return err
		}},
		{"inline", func(b *bytes.Buffer) error {
			_, err := encode.WriteInline(b, encode.InlineSpec{TotalBytes: 2 << 20, HandleBytes: 64 << 10, Parallelism: 8})
			return err
		}},
	} {
		var buf bytes.Buffer
		if err := c.write(&buf); err != nil {
			t.Fatal(err)
		}
		data := buf.Bytes()
		size := int64(len(data))
		within := func(limit int64) (*flink.Metadata, error) {
			return flink.DecodeWithin(bytes.NewReader(data), size, flink.Limits{MaxModelBytes: limit, Hint: "; use the CLI"})
		}
		want, err := flink.Decode(bytes.NewReader(data), size)
		if err != nil {
			t.Fatal(err)
		}
		// The smallest limit it decodes within is its model's need.
		need := int64(sort.Search(int(2*size), func(n int) bool { _, err := within(int64(n + 1)); return err == nil })) + 1
		if need > 2*size {
			t.Fatalf("%s: needs more than twice its %d bytes", c.name, size)
		}
		if got, err := within(need); err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("%s within %d bytes: %v", c.name, need, err)
		}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		m, err := within(need - 1)
		runtime.ReadMemStats(&after)
		var ue *model.UnsupportedError
		if !errors.As(err, &ue) || m == nil || len(m.Operators) != 0 ||
			!strings.Contains(ue.What, "state handles take") || !strings.HasSuffix(ue.Reason, "this reader may use; use the CLI") {
			t.Fatalf("%s over the limit: %v", c.name, err)
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > uint64(size)/4+1<<20 {
			t.Errorf("%s over the limit allocated %d bytes for a %d-byte input", c.name, alloc, size)
		}
		t.Logf("%s: %d bytes, model %d bytes; %v", c.name, size, need, err)
	}
}
