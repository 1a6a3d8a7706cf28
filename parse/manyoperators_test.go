package parse

import (
	"bytes"
	"runtime"
	"testing"

	"github.com/ckptlens/ckptlens/internal/flink/encode"
)

// A file of many empty operators costs each operator its neutral record
// (about 136 bytes: id, names, counts, sizes) and its 24-byte place in the
// sizes, and no more: the decoder hands each operator over as it reads it,
// and a size points at its operator instead of copying it. Holding the
// decoder's records beside the neutral ones, or copying operators into the
// sizes, allocated 408 bytes per operator and kept 248.
func TestManyOperatorsCostPerOperator(t *testing.T) {
	if testing.Short() {
		t.Skip("decodes 220k operators")
	}
	measure := func(n int) (allocated, kept uint64) {
		var file bytes.Buffer
		if _, err := encode.WriteEmptyOperators(&file, 4, n); err != nil {
			t.Fatal(err)
		}
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		rep := Load([]Source{ReaderSource("ops/_metadata", bytes.NewReader(file.Bytes()), int64(file.Len()))}, LoadOptions{})
		runtime.GC()
		runtime.ReadMemStats(&after)
		if s := rep.Snapshots[0]; len(s.Operators) != n || len(s.Sizes.Operators) != n || s.Error != nil {
			t.Fatalf("%d operators read, %d sized, error %v", len(s.Operators), len(s.Sizes.Operators), s.Error)
		}
		runtime.KeepAlive(rep)
		runtime.KeepAlive(&file)
		return after.TotalAlloc - before.TotalAlloc, after.HeapAlloc - before.HeapAlloc
	}
	smallAlloc, smallKept := measure(20_000)
	largeAlloc, largeKept := measure(200_000)
	perAlloc := float64(largeAlloc-smallAlloc) / 180_000
	perKept := (float64(largeKept) - float64(smallKept)) / 180_000
	t.Logf("per operator: %.0f bytes allocated, %.0f kept", perAlloc, perKept)
	if perAlloc > 260 || perKept > 180 {
		t.Errorf("each operator allocates %.0f bytes and keeps %.0f; at most 260 and 180 were expected", perAlloc, perKept)
	}
}
