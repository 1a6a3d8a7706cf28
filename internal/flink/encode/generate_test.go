package encode

import (
	"io"
	"testing"
)

// countingWriter measures output without keeping it.
type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

func TestGeneratorsReportWhatTheyWrite(t *testing.T) {
	var c countingWriter
	st, err := WriteDense(&c, DenseSpec{Operators: 2, Parallelism: 20, SharedPerSubtask: 5})
	if err != nil {
		t.Fatal(err)
	}
	if st.Bytes != c.n {
		t.Errorf("dense: Stats.Bytes %d, wrote %d", st.Bytes, c.n)
	}
	// 20 source files + 2 × 20 × (meta + 5 shared + 3 private) + the coordinator.
	if want := 20 + 2*20*9; st.Files != want || st.Handles != want+1 {
		t.Errorf("dense: %d files, %d handles; want %d, %d", st.Files, st.Handles, want, want+1)
	}
	c = countingWriter{}
	st, err = WriteInline(&c, InlineSpec{TotalBytes: 10<<20 + 5, HandleBytes: 1 << 20, Parallelism: 4})
	if err != nil {
		t.Fatal(err)
	}
	if st.Bytes != c.n || st.InlineBytes != 10<<20+5 || st.Handles != 11 || st.Operators != 3 {
		t.Errorf("inline: %+v, wrote %d", st, c.n)
	}
	_ = io.Discard
}

func TestSampleEncodesInEveryVersion(t *testing.T) {
	for v := 2; v <= 6; v++ {
		for _, text := range []string{"", "<script>alert('x')</script>\x00😀"} {
			b, fields, err := BytesWithFields(Sample(v, text))
			if err != nil {
				t.Fatalf("V%d: %v", v, err)
			}
			if len(fields) == 0 || fields[len(fields)-1].Offset >= int64(len(b)) {
				t.Fatalf("V%d: bad field list", v)
			}
			if b[7] != byte(v) {
				t.Fatalf("V%d: header says %d", v, b[7])
			}
		}
	}
}
